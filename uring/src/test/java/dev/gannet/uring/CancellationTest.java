package dev.gannet.uring;

import dev.gannet.transport.Action;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers that reset their connections while the server is in the middle of a receive or of a large send, under load:
 * every connection must end, every slot and receive buffer come back (so no memory was freed while the kernel could
 * still use it, and nothing leaked), and the server must go on serving.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class CancellationTest {
    private static final byte[] BIG = new byte[2 * 1024 * 1024];

    @BeforeAll
    static void needsIoUring() {
        String why = Uring.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, () -> "io_uring unavailable: " + why);
    }

    /** Echoes; a line "BIG" is answered with 2 MiB, so the send is in flight when the peer resets. */
    private static final Handler HANDLER = new Handler() {
        @Override
        public Action onData(dev.gannet.transport.Connection c, ByteBuffer in) {
            if (in.remaining() >= 4 && in.get(in.position()) == 'B' && in.get(in.position() + 3) == '\n') {
                in.position(in.position() + 4);
                c.write(BIG, 0, BIG.length);
            } else {
                c.write(in);
            }
            return Action.KEEP;
        }
    };

    @Test
    void resetsMidReadAndMidWriteReleaseEverything() throws Exception {
        ServerConfig config = ServerConfig.builder().host("127.0.0.1", 0).engine(UringEngine.NAME).threads(2)
                .shutdownTimeout(Duration.ofSeconds(5)).build();
        UringServer server = (UringServer) new UringEngine().bind(config, HANDLER);
        try {
            InetSocketAddress address = server.localAddress();
            int listeners = 1; // one listening socket (no SO_REUSEPORT), whose multishot accept holds a slot
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                clients.add(Thread.ofPlatform().start(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < 40; i++) {
                        try (Socket s = new Socket()) {
                            s.connect(address, 5000);
                            s.setSoLinger(true, 0); // close() sends a reset
                            OutputStream out = s.getOutputStream();
                            InputStream in = s.getInputStream();
                            switch (random.nextInt(3)) {
                                case 0 -> { // mid-write: ask for 2 MiB, read a little of it, reset
                                    out.write("BIG\n".getBytes(StandardCharsets.US_ASCII));
                                    in.readNBytes(random.nextInt(1, 200_000));
                                }
                                case 1 -> // mid-read: a partial message, then reset
                                        out.write(new byte[random.nextInt(1, 70_000)]);
                                default -> { // a whole exchange, then reset
                                    out.write("hello".getBytes(StandardCharsets.US_ASCII));
                                    assertThat(in.readNBytes(5)).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
                                }
                            }
                        } catch (java.io.IOException e) {
                            // the server may see the reset first and close its side: that is the point
                        }
                    }
                }));
            }
            for (Thread t : clients) t.join();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            // A client can connect and reset before the server's accept completion is handled: the kernel queued the
            // connection, so it is still accepted (and then closed), just later than the client thread ends.
            while (System.nanoTime() < deadline && (server.stats().accepted.sum() < 16 * 40
                    || server.stats().open() > 0 || server.slotsInUse() > listeners || server.buffersOut() > 0)) {
                Thread.sleep(20);
            }
            assertThat(server.stats().accepted.sum()).isEqualTo(16 * 40);
            assertThat(server.stats().open()).isZero();
            assertThat(server.slotsInUse()).as("slots still held").isEqualTo(listeners);
            assertThat(server.buffersOut()).as("receive buffers not given back").isZero();
            assertThat(server.stats().handlerErrors.sum()).isZero();

            // And it still serves.
            try (Socket s = new Socket()) {
                s.connect(address, 5000);
                s.getOutputStream().write("after".getBytes(StandardCharsets.US_ASCII));
                assertThat(s.getInputStream().readNBytes(5)).isEqualTo("after".getBytes(StandardCharsets.US_ASCII));
            }
        } finally {
            server.shutdownGracefully(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
        }
        assertThat(server.slotsInUse()).as("slots after shutdown").isZero();
    }

    @Test
    void shutdownWithSendsInFlightClosesEverything() throws Exception {
        ServerConfig config = ServerConfig.builder().host("127.0.0.1", 0).engine(UringEngine.NAME).threads(1)
                .shutdownTimeout(Duration.ofMillis(300)).build();
        UringServer server = (UringServer) new UringEngine().bind(config, HANDLER);
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket();
                s.connect(server.localAddress(), 5000);
                s.getOutputStream().write("BIG\n".getBytes(StandardCharsets.US_ASCII)); // never read: sends stall
                stalled.add(s);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && server.stats().accepted.sum() < 50) Thread.sleep(10);
            // The drain deadline aborts connections whose sends the kernel still holds; the loop must cancel them
            // and see their completions before it lets go of their descriptors.
            server.shutdownGracefully(Duration.ofMillis(300)).get(20, TimeUnit.SECONDS);
            assertThat(server.stats().open()).isZero();
            assertThat(server.slotsInUse()).isZero();
        } finally {
            for (Socket s : stalled) s.close();
        }
    }
}
