package dev.gannet.http.ws;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.SocketOptions;
import dev.gannet.uring.Uring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A WebSocket client that stops reading is closed with 1008, and then its TCP connection really ends: the close
 * cannot flush to a peer that does not read, so the transport's close deadline resets it and frees what was queued.
 * On every engine.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlowConsumerConnectionTest {

    @TestFactory
    Stream<DynamicTest> aSlowConsumerClosedWith1008LosesItsTcpConnectionByTheDeadline() {
        return Stream.of("nio", "vthread", "io_uring").map(e -> DynamicTest.dynamicTest(e, (Executable) () -> {
            if (e.equals("io_uring")) {
                String why = Uring.unavailableReason();
                Assumptions.assumeTrue(why == null, () -> "io_uring unavailable here: " + why);
            }
            run(e, false);
        }));
    }

    /**
     * The messages come from a thread of the application's own, a few at a time, as from a publisher: on vthread each
     * is a task of its own, and a task must still run (and find the consumer slow) while the connection's thread is
     * blocked in a write the peer does not take.
     */
    @TestFactory
    Stream<DynamicTest> aSlowConsumerFedFromAnotherThreadLosesItsTcpConnectionByTheDeadline() {
        return Stream.of("nio", "vthread", "io_uring").map(e -> DynamicTest.dynamicTest(e, (Executable) () -> {
            if (e.equals("io_uring")) {
                String why = Uring.unavailableReason();
                Assumptions.assumeTrue(why == null, () -> "io_uring unavailable here: " + why);
            }
            run(e, true);
        }));
    }

    private void run(String engine, boolean fromAnotherThread) throws Exception {
        BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
        HttpServer app = HttpServer.create(HttpConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1", 0).engine(engine).threads(1)
                        .closeTimeout(Duration.ofMillis(500)).shutdownTimeout(Duration.ofSeconds(2))
                        // Small kernel buffers on both sides keep what the peer does not take in the server's queue.
                        .socket(SocketOptions.DEFAULTS.toBuilder().sendBufferSize(16 * 1024).build()).build()).build());
        app.ws("/flood", WebSocketConfig.builder().maxQueuedBytes(64 * 1024).closeTimeout(Duration.ofMillis(500)).build(),
                new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        String kb = "x".repeat(1024);
                        if (!fromAnotherThread) {
                            for (int i = 0; i < 20_000 && ws.isOpen(); i++) ws.send(kb);
                            return;
                        }
                        Thread.ofPlatform().daemon().start(() -> {
                            for (int i = 0; i < 20_000 && ws.isOpen(); i++) {
                                ws.send(kb);
                                try {
                                    Thread.sleep(1);
                                } catch (InterruptedException stop) {
                                    return;
                                }
                            }
                        });
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        closes.add(code);
                    }
                });
        Server server = app.start();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()));
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /flood HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(RawWs.encode(true, 0, 1, "go".getBytes(StandardCharsets.UTF_8), true));
            assertThat(closes.poll(10, TimeUnit.SECONDS)).isEqualTo(CloseCodes.POLICY_VIOLATION);
            // The client still does not read. The WebSocket's close handshake times out, the transport's close
            // cannot flush (in the server's queue, or in the kernel's once the queue went there), and its deadline
            // resets the connection: nothing is left open, or held, on the server.
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (server.stats().open() > 0 && System.nanoTime() < end) Thread.sleep(20);
            assertThat(server.stats().open()).as("TCP connections still open on the server").isZero();
            assertThat(server.stats().closeTimeouts.sum()).as("closes that could not flush, reset").isEqualTo(1);
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[64 * 1024];
            boolean reset = false;
            try {
                while (in.read(buf) >= 0) {
                    // what was sent before the reset
                }
            } catch (SocketException expected) {
                reset = true;
            }
            assertThat(reset).as("the client sees a reset").isTrue();
        } finally {
            server.shutdownGracefully(Duration.ofSeconds(1)).get(15, TimeUnit.SECONDS);
        }
    }

}
