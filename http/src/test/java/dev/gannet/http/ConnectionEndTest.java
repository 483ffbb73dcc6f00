package dev.gannet.http;

import dev.gannet.testsupport.Descriptors;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.uring.Uring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How HTTP connections end, on every engine: a graceful shutdown answers the requests clients had already sent (with
 * {@code Connection: close}) and ends every connection with a FIN; a static download the client abandons closes
 * its file at once. Clients are raw sockets.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConnectionEndTest {
    @TempDir
    Path dir;

    static final List<String> ENGINES = List.of("nio", "vthread", "io_uring");

    private static Stream<DynamicTest> perEngine(String what, EngineTest test) {
        return ENGINES.stream().map(e -> DynamicTest.dynamicTest(what + " on " + e, (Executable) () -> {
            if (e.equals("io_uring")) {
                String why = Uring.unavailableReason();
                Assumptions.assumeTrue(why == null, () -> "io_uring unavailable here: " + why);
            }
            test.run(e);
        }));
    }

    interface EngineTest {
        void run(String engine) throws Exception;
    }

    private static ServerConfig.Builder server(String engine) {
        return ServerConfig.builder().host("127.0.0.1", 0).engine(engine).threads(1)
                .blockedLoopWarning(Duration.ZERO).shutdownTimeout(Duration.ofSeconds(10));
    }

    /** Reads on to the end of the stream, failing if it ends with a reset rather than a FIN. */
    private static void assertEndsWithFin(Socket s, String who) throws IOException {
        InputStream in = s.getInputStream();
        try {
            assertThat(in.read()).as(who + ": nothing after the response, then the end").isEqualTo(-1);
        } catch (java.net.SocketException e) {
            throw new AssertionError(who + ": the connection was reset instead of closed: " + e.getMessage());
        }
    }

    @TestFactory
    Stream<DynamicTest> aShutdownAnswersRequestsAlreadySentWithConnectionClose() {
        return perEngine("drain", engine -> {
            HttpServer app = HttpServer.create(HttpConfig.builder().server(server(engine).build()).build());
            // Runs on the loop where there is one: the loop is held while the other requests arrive.
            app.get("/hold", (req, res) -> {
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                res.text("held");
            });
            app.get("/hello", (req, res) -> res.text("hello " + req.query("n")));
            Server server = app.start();
            int port = server.localAddress().getPort();
            int n = 16;
            List<RawHttp> busy = new ArrayList<>();
            List<RawHttp> idle = new ArrayList<>();
            try (RawHttp holder = new RawHttp(port)) {
                // Each connection has served one request already: keep-alive connections, not new ones.
                for (int i = 0; i < n + 4; i++) {
                    RawHttp c = new RawHttp(port);
                    c.send("GET /hello?n=warm HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertThat(c.read().body()).isEqualTo("hello warm");
                    (i < n ? busy : idle).add(c);
                }
                holder.send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
                Thread.sleep(100);
                for (int i = 0; i < n; i++) busy.get(i).send("GET /hello?n=" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
                Thread.sleep(50);
                CompletableFuture<Void> stopped = server.shutdownGracefully(Duration.ofSeconds(10));
                RawHttp.Resp held = holder.read();
                assertThat(held.body()).isEqualTo("held");
                assertThat(held.header("connection")).isEqualToIgnoringCase("close");
                assertEndsWithFin(holder.socket, "holder");
                for (int i = 0; i < n; i++) {
                    RawHttp.Resp r = busy.get(i).read();
                    assertThat(r.status()).as("client %d", i).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("hello " + i);
                    // On the loop engines the held loop guarantees these were still unread when the shutdown began;
                    // a virtual thread per connection may have answered them before it (then without the header).
                    if (!engine.equals("vthread")) {
                        assertThat(r.header("connection")).as("client %d", i).isEqualToIgnoringCase("close");
                    }
                    assertEndsWithFin(busy.get(i).socket, "client " + i);
                    busy.get(i).close();
                }
                for (int i = 0; i < idle.size(); i++) {
                    assertEndsWithFin(idle.get(i).socket, "idle client " + i);
                    idle.get(i).close();
                }
                holder.close();
                stopped.get(15, TimeUnit.SECONDS);
            } finally {
                for (RawHttp c : busy) c.close();
                for (RawHttp c : idle) c.close();
                server.shutdownGracefully(Duration.ofSeconds(1)).get(15, TimeUnit.SECONDS);
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> anAbandonedStaticDownloadClosesItsFileAtOnce() {
        return perEngine("static abort", engine -> {
            Path root = Files.createDirectories(dir.resolve(engine));
            Path big = root.resolve("big.bin");
            try (FileChannel ch = FileChannel.open(big, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.allocate(1), 20L << 20);
            }
            Server server = HttpServer.create(HttpConfig.builder().server(server(engine).build()).build())
                    .get("/static/*", StaticFiles.of(root)).start();
            try {
                int port = server.localAddress().getPort();
                for (int i = 0; i < 10; i++) {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoTimeout(10_000);
                        s.getOutputStream().write("GET /static/big.bin HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                        s.getInputStream().readNBytes(64 * 1024);
                        if (i % 2 == 0) s.setSoLinger(true, 0); // half of them reset, half close
                    }
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (Descriptors.on(big) > 0 && System.nanoTime() < end) Thread.sleep(20);
                assertThat(Descriptors.on(big)).as("descriptors left open on the file, with no GC asked for").isZero();
            } finally {
                server.shutdownGracefully(Duration.ofSeconds(1)).get(15, TimeUnit.SECONDS);
            }
        });
    }

}
