package dev.gannet.transport;

import dev.gannet.codec.FrameException;
import dev.gannet.codec.FramingHandler;
import dev.gannet.codec.LengthFieldFramer;
import dev.gannet.codec.MessageHandler;
import dev.gannet.tls.TlsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The transport suite, written once and run against every engine by a subclass that names it. Clients are
 * plain JDK sockets, so what is tested is what a real peer sees.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class TransportSuite implements ClientCases {
    private final List<Server> servers = new ArrayList<>();

    /** The engine under test. */
    abstract String engine();

    /** A config for the engine under test on an ephemeral loopback port; subclasses may add options. */
    ServerConfig.Builder config() {
        return ServerConfig.builder().host("127.0.0.1", 0).engine(engine()).threads(2).shutdownTimeout(Duration.ofSeconds(5));
    }

    Server start(ServerConfig.Builder config, Handler handler) throws IOException {
        Server s = TcpServer.start(config.build(), handler);
        servers.add(s);
        return s;
    }

    Server startEcho() throws IOException {
        return start(config(), (c, in) -> {
            c.write(in);
            return Action.KEEP;
        });
    }

    @AfterEach
    void stopServers() {
        for (Server s : servers) s.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void tasksFromAnotherThreadRunInTheOrderGiven() throws Exception {
        int n = 2_000;
        Server s = start(config(), new Handler() {
            @Override
            public Action onOpen(Connection c) {
                // Each task writes the next number: the peer sees them in order only if the tasks ran in order.
                Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < n; i++) {
                        int k = i;
                        c.execute(() -> c.write(new byte[] {(byte) (k >> 8), (byte) k}));
                    }
                });
                return Action.KEEP;
            }

            @Override
            public Action onData(Connection c, ByteBuffer in) {
                in.position(in.limit());
                return Action.KEEP;
            }
        });
        try (TestClient c = new TestClient(s.localAddress())) {
            byte[] got = c.read(2 * n);
            for (int i = 0; i < n; i++) {
                assertThat(((got[2 * i] & 0xff) << 8) | (got[2 * i + 1] & 0xff)).as("task %d", i).isEqualTo(i);
            }
        }
    }

    @Test
    void aHandlerThatBlocksItsLoopIsReportedOncePerEpisode() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(engine().equals("vthread"), "vthread has no event loops to block");
        Server s = start(config().threads(1).blockedLoopWarning(Duration.ofMillis(100)), (c, in) -> {
            byte b = in.get();
            if (b == 's') {
                try {
                    Thread.sleep(400); // the mistake the detector exists for
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            c.write(new byte[] {b});
            return Action.KEEP;
        });
        try (TestClient c = new TestClient(s.localAddress())) {
            c.send("q");
            assertThat(c.readString(1)).isEqualTo("q");
            assertThat(s.loops()).singleElement().extracting(Server.LoopStats::blockedWarnings).isEqualTo(0);
            c.send("s");
            assertThat(c.readString(1)).isEqualTo("s");
            Thread.sleep(100);
            assertThat(s.loops()).singleElement().extracting(Server.LoopStats::blockedWarnings).isEqualTo(1);
        }
    }

    @Test
    void echoesSmallMessages() throws Exception {
        Server s = startEcho();
        assertThat(s.engine()).isEqualTo(engine());
        try (TestClient c = new TestClient(s.localAddress())) {
            for (int i = 0; i < 100; i++) {
                String m = "message " + i;
                c.send(m);
                assertThat(c.readString(m.length())).isEqualTo(m);
            }
        }
    }

    @Test
    void echoesLargeTransferBothWaysAtOnce() throws Exception {
        Server s = startEcho();
        byte[] data = new byte[8 * 1024 * 1024];
        new Random(42).nextBytes(data);
        try (TestClient c = new TestClient(s.localAddress())) {
            // Writing 8 MB before reading would deadlock on full socket buffers: write from another thread.
            Future<?> writer = Executors.newVirtualThreadPerTaskExecutor().submit(() -> {
                c.send(data);
                return null;
            });
            byte[] back = c.read(data.length);
            writer.get(30, TimeUnit.SECONDS);
            assertThat(back).isEqualTo(data);
        }
        assertThat(s.stats().bytesRead.sum()).isEqualTo(data.length);
    }

    @Test
    void servesOverAThousandConnections() throws Exception {
        Server s = startEcho();
        int n = 1200;
        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) clients.add(new TestClient(s.localAddress()));
            for (int i = 0; i < n; i++) clients.get(i).send("c" + i + ";");
            for (int i = 0; i < n; i++) {
                String expect = "c" + i + ";";
                assertThat(clients.get(i).readString(expect.length())).isEqualTo(expect);
            }
            assertThat(s.stats().open()).isEqualTo(n);
        } finally {
            for (TestClient c : clients) c.close();
        }
    }

    @Test
    void halfCloseFlushesThenCloses() throws Exception {
        Server s = startEcho();
        try (TestClient c = new TestClient(s.localAddress())) {
            c.send("last words");
            c.channel.shutdownOutput();
            assertThat(new String(c.readToEnd(), StandardCharsets.UTF_8)).isEqualTo("last words");
        }
    }

    @Test
    void halfClosedConnectionCanStillBeWrittenTo() throws Exception {
        Server s = start(config(), new Handler() {
            @Override
            public Action onData(Connection c, ByteBuffer in) {
                in.position(in.limit());
                return Action.KEEP;
            }

            @Override
            public Action onEndOfInput(Connection c) {
                c.schedule(() -> {
                    c.write("goodbye".getBytes(StandardCharsets.UTF_8));
                    c.close();
                }, Duration.ofMillis(100));
                return Action.KEEP;
            }
        });
        try (TestClient c = new TestClient(s.localAddress())) {
            c.send("x");
            c.channel.shutdownOutput();
            assertThat(new String(c.readToEnd(), StandardCharsets.UTF_8)).isEqualTo("goodbye");
        }
    }

    @Test
    void slowReaderIsBoundedByWaterMarks() throws Exception {
        AtomicLong maxPending = new AtomicLong();
        AtomicInteger unwritable = new AtomicInteger();
        AtomicInteger writableAgain = new AtomicInteger();
        Server s = start(config().waterMarks(32 * 1024, 64 * 1024), new Handler() {
            @Override
            public Action onData(Connection c, ByteBuffer in) {
                c.write(in);
                maxPending.accumulateAndGet(c.pendingOutputBytes(), Math::max);
                return Action.KEEP;
            }

            @Override
            public void onWritabilityChanged(Connection c, boolean writable) {
                (writable ? writableAgain : unwritable).incrementAndGet();
            }
        });
        int total = 32 * 1024 * 1024;
        try (TestClient c = new TestClient(s.localAddress())) {
            c.channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 64 * 1024);
            Future<?> writer = Executors.newVirtualThreadPerTaskExecutor().submit(() -> {
                c.send(new byte[total]);
                return null;
            });
            Thread.sleep(500); // the client reads nothing yet: the server must stop reading, not buffer 32 MB
            long pendingWhileStalled = maxPending.get();
            assertThat(writer.isDone()).as("the writer should be blocked by backpressure").isFalse();
            long got = 0;
            var in = c.channel.socket().getInputStream();
            byte[] buf = new byte[64 * 1024];
            while (got < total) {
                int r = in.read(buf);
                assertThat(r).isPositive();
                got += r;
            }
            writer.get(30, TimeUnit.SECONDS);
            assertThat(got).isEqualTo(total);
            // One read's worth (64 KiB) can land on top of the high water mark before reading pauses.
            assertThat(pendingWhileStalled).isLessThanOrEqualTo(64 * 1024 + 64 * 1024);
            assertThat(maxPending.get()).isLessThanOrEqualTo(64 * 1024 + 64 * 1024);
        }
        if (engine().equals("nio")) {
            assertThat(unwritable.get()).isPositive();
            // The last "writable again" fires right after the final write, which may be just after our last read.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (writableAgain.get() != unwritable.get() && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(writableAgain.get()).isEqualTo(unwritable.get());
        }
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        AtomicReference<Throwable> cause = new AtomicReference<>();
        CountDownLatch closed = new CountDownLatch(1);
        Server s = start(config().idleTimeout(Duration.ofMillis(200)), new Handler() {
            @Override
            public Action onData(Connection c, ByteBuffer in) {
                c.write(in);
                return Action.KEEP;
            }

            @Override
            public void onClose(Connection c, Throwable t) {
                cause.set(t);
                closed.countDown();
            }
        });
        try (TestClient busy = new TestClient(s.localAddress()); TestClient idle = new TestClient(s.localAddress())) {
            long start = System.nanoTime();
            // The busy one keeps talking past the timeout and must survive.
            for (int i = 0; i < 6; i++) {
                busy.send("ping");
                assertThat(busy.readString(4)).isEqualTo("ping");
                Thread.sleep(60);
            }
            assertThat(idle.closedByPeer()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(cause.get()).isInstanceOf(Connection.IdleTimeoutException.class);
            busy.send("pong");
            assertThat(busy.readString(4)).isEqualTo("pong");
        }
        assertThat(s.stats().idleTimeouts.sum()).isEqualTo(1);
    }

    @Test
    void gracefulShutdownFinishesInFlightWorkAndRefusesNewConnections() throws Exception {
        CountDownLatch received = new CountDownLatch(1);
        Server s = start(config(), new Handler() {
            @Override
            public Action onData(Connection c, ByteBuffer in) {
                in.position(in.limit());
                received.countDown();
                // The answer takes 300 ms: shutdown starts while it is in flight.
                c.schedule(() -> {
                    c.write("done".getBytes(StandardCharsets.UTF_8));
                    c.close();
                }, Duration.ofMillis(300));
                return Action.KEEP;
            }

            @Override
            public Action onDrain(Connection c) {
                return Action.KEEP;
            }
        });
        try (TestClient c = new TestClient(s.localAddress())) {
            c.send("work");
            assertThat(received.await(5, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            CompletableFuture<Void> done = s.shutdownGracefully(Duration.ofSeconds(10));
            assertThat(c.readString(4)).isEqualTo("done");
            done.get(5, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            assertThatThrownBy(() -> {
                try (TestClient late = new TestClient(s.localAddress())) {
                    late.send("hello?");
                    if (late.closedByPeer()) throw new IOException("closed");
                }
            }).isInstanceOf(IOException.class);
        }
    }

    @Test
    void shutdownIsBoundedByItsDeadline() throws Exception {
        Server s = start(config(), new Handler() {
            @Override
            public Action onData(Connection c, ByteBuffer in) {
                in.position(in.limit());
                return Action.KEEP;
            }

            @Override
            public Action onDrain(Connection c) {
                return Action.KEEP; // never finishes on its own
            }
        });
        try (TestClient c = new TestClient(s.localAddress())) {
            c.send("x");
            Thread.sleep(50);
            long start = System.nanoTime();
            s.shutdownGracefully(Duration.ofMillis(300)).get(5, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void handlerExceptionClosesOnlyThatConnection() throws Exception {
        Server s = start(config(), (c, in) -> {
            byte first = in.get(in.position());
            if (first == '!') throw new IllegalStateException("boom (expected by the test)");
            c.write(in);
            return Action.KEEP;
        });
        try (TestClient good = new TestClient(s.localAddress()); TestClient bad = new TestClient(s.localAddress())) {
            good.send("a");
            assertThat(good.readString(1)).isEqualTo("a");
            bad.send("!");
            assertThat(bad.closedByPeer()).isTrue();
            good.send("b");
            assertThat(good.readString(1)).isEqualTo("b");
        }
        assertThat(s.stats().handlerErrors.sum()).isEqualTo(1);
    }

    @Test
    void peerResetMidMessageLeavesOthersRunning() throws Exception {
        AtomicInteger closes = new AtomicInteger();
        Server s = start(config(), new Handler() {
            @Override
            public Action onData(Connection c, ByteBuffer in) {
                // Echo only whole 8-byte frames; a partial one stays unconsumed.
                while (in.remaining() >= 8) {
                    ByteBuffer frame = in.slice(in.position(), 8);
                    c.write(frame);
                    in.position(in.position() + 8);
                }
                return Action.KEEP;
            }

            @Override
            public void onClose(Connection c, Throwable cause) {
                closes.incrementAndGet();
            }
        });
        try (TestClient good = new TestClient(s.localAddress())) {
            TestClient bad = new TestClient(s.localAddress());
            bad.send("half");
            bad.channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
            bad.close(); // RST mid-frame
            good.send("12345678");
            assertThat(good.readString(8)).isEqualTo("12345678");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (closes.get() < 1 && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(closes.get()).isEqualTo(1);
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRejected() throws Exception {
        Server s = start(config().maxConnections(2), (c, in) -> {
            c.write(in);
            return Action.KEEP;
        });
        try (TestClient a = new TestClient(s.localAddress()); TestClient b = new TestClient(s.localAddress())) {
            a.send("a");
            b.send("b");
            assertThat(a.readString(1)).isEqualTo("a");
            assertThat(b.readString(1)).isEqualTo("b");
            try (TestClient third = new TestClient(s.localAddress())) {
                assertThat(third.closedByPeer()).isTrue();
            }
            assertThat(s.stats().rejected.sum()).isEqualTo(1);
        }
    }

    @Test
    void ticksRunPerConnection() throws Exception {
        Server s = start(config().tickInterval(Duration.ofMillis(50)), new Handler() {
            @Override
            public Action onData(Connection c, ByteBuffer in) {
                in.position(in.limit());
                return Action.KEEP;
            }

            @Override
            public Action onTick(Connection c) {
                c.write(new byte[] {'t'});
                return Action.KEEP;
            }
        });
        try (TestClient c = new TestClient(s.localAddress())) {
            assertThat(c.readString(3)).isEqualTo("ttt");
        }
    }

    @Test
    void sendsFilesWithoutCopying() throws Exception {
        Path file = Files.createTempFile("gannet-sendfile", ".bin");
        byte[] content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(content);
        Files.write(file, content);
        try {
            Server s = start(config(), (c, in) -> {
                in.position(in.limit());
                try {
                    FileChannel fc = FileChannel.open(file, StandardOpenOption.READ);
                    c.write("head".getBytes(StandardCharsets.UTF_8));
                    c.sendFile(fc, 0, fc.size(), () -> {
                        try {
                            fc.close();
                        } catch (IOException ignored) {
                            // test file
                        }
                    });
                    c.write("tail".getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return Action.CLOSE;
            });
            try (TestClient c = new TestClient(s.localAddress())) {
                c.send("get");
                byte[] all = c.readToEnd();
                assertThat(new String(all, 0, 4, StandardCharsets.UTF_8)).isEqualTo("head");
                assertThat(java.util.Arrays.copyOfRange(all, 4, 4 + content.length)).isEqualTo(content);
                assertThat(new String(all, 4 + content.length, 4, StandardCharsets.UTF_8)).isEqualTo("tail");
                assertThat(all).hasSize(content.length + 8);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void tlsEchoWithAlpnAgainstTheJdkClient() throws Exception {
        Server s = start(config().tls(TlsTransportCases.SERVER_TLS), (c, in) -> {
            // Answer with the ALPN result first, then echo: the test sees both.
            String proto = String.valueOf(c.applicationProtocol());
            if (c.context() == null) {
                c.context(proto);
                c.write((proto + ";").getBytes(StandardCharsets.UTF_8));
            }
            c.write(in);
            return Action.KEEP;
        });
        try (var tls = TlsTransportCases.connect(s.localAddress(), "h2", "http/1.1")) {
            assertThat(tls.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            tls.getOutputStream().write('x');
            assertThat(new String(tls.getInputStream().readNBytes(3), StandardCharsets.UTF_8)).isEqualTo("h2;");
            byte[] big = new byte[1 << 20];
            new Random(3).nextBytes(big);
            Future<?> w = Executors.newVirtualThreadPerTaskExecutor().submit(() -> {
                tls.getOutputStream().write(big);
                tls.getOutputStream().flush();
                return null;
            });
            assertThat(tls.getInputStream().readNBytes(1)).isEqualTo(new byte[] {'x'});
            assertThat(tls.getInputStream().readNBytes(big.length)).isEqualTo(big);
            w.get(30, TimeUnit.SECONDS);
        }
        try (var tls = TlsTransportCases.connect(s.localAddress(), "http/1.1")) {
            assertThat(TlsTransportCases.roundTrip(tls, "y;y")).isEqualTo("htt");
            assertThat(new String(tls.getInputStream().readNBytes(9), StandardCharsets.UTF_8)).isEqualTo("p/1.1;y;y");
        }
        try (var tls = TlsTransportCases.connect(s.localAddress())) {
            assertThat(TlsTransportCases.roundTrip(tls, "zzzz;")).isEqualTo("null;");
        }
    }

    @Test
    void tlsPortClosesOnPlaintextAndKeepsServing() throws Exception {
        Server s = start(config().tls(TlsTransportCases.SERVER_TLS), (c, in) -> {
            c.write(in);
            return Action.KEEP;
        });
        try (TestClient plain = new TestClient(s.localAddress())) {
            plain.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            // The server may answer with a TLS alert record (content type 21) before it closes.
            byte[] answer = plain.readToEnd();
            assertThat(answer.length == 0 || answer[0] == 21).as("nothing, or a TLS alert").isTrue();
        }
        try (var tls = TlsTransportCases.connect(s.localAddress())) {
            assertThat(TlsTransportCases.roundTrip(tls, "still here")).isEqualTo("still here");
        }
        assertThat(s.stats().errors.sum()).isPositive();
    }

    @Test
    void tlsClientToTlsServer() throws Exception {
        Server s = start(config().tls(TlsTransportCases.SERVER_TLS), (c, in) -> {
            c.write(in);
            return Action.KEEP;
        });
        ClientConfig cc = ClientConfig.builder().engine(engine())
                .tls(TlsConfig.builder().insecureTrustAll().applicationProtocols("h2").build()).build();
        ArrayBlockingReplies replies = new ArrayBlockingReplies();
        Connection conn = TcpClient.connect(s.localAddress(), cc, replies).get(10, TimeUnit.SECONDS);
        assertThat(conn.applicationProtocol()).isEqualTo("h2");
        conn.write("secret".getBytes(StandardCharsets.UTF_8));
        assertThat(replies.take(6)).isEqualTo("secret");
        conn.close();
    }

    @Test
    void tlsHandshakeTasksRunOnTheConfiguredExecutorOnBothSides() throws Exception {
        var serverTasks = new TlsTransportCases.GatedTasks();
        var clientTasks = new TlsTransportCases.GatedTasks();
        Server s = start(config().tls(TlsTransportCases.SERVER_TLS.toBuilder().delegatedTaskExecutor(serverTasks).build()),
                (c, in) -> {
                    c.write(in);
                    return Action.KEEP;
                });
        ClientConfig cc = ClientConfig.builder().engine(engine())
                .tls(TlsConfig.builder().insecureTrustAll().delegatedTaskExecutor(clientTasks).build()).build();
        ArrayBlockingReplies replies = new ArrayBlockingReplies();
        Connection conn = TcpClient.connect(s.localAddress(), cc, replies).get(10, TimeUnit.SECONDS);
        conn.write("offloaded".getBytes(StandardCharsets.UTF_8));
        assertThat(replies.take(9)).isEqualTo("offloaded");
        assertThat(serverTasks.ran.get()).as("server tasks run by the executor").isPositive();
        assertThat(clientTasks.ran.get()).as("client tasks run by the executor").isPositive();
        conn.close();
    }

    @Test
    void aSlowHandshakeTaskDoesNotHoldUpTheLoopsOtherConnections() throws Exception {
        var tasks = new TlsTransportCases.GatedTasks();
        Server s = start(config().threads(1).tls(TlsTransportCases.SERVER_TLS.toBuilder().delegatedTaskExecutor(tasks).build()),
                (c, in) -> {
                    c.write(in);
                    return Action.KEEP;
                });
        ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();
        try (var established = TlsTransportCases.connect(s.localAddress())) {
            assertThat(TlsTransportCases.roundTrip(established, "first")).isEqualTo("first");

            tasks.hold();
            Future<javax.net.ssl.SSLSocket> late = background.submit(() -> TlsTransportCases.connect(s.localAddress()));
            assertThat(tasks.waiting.tryAcquire(10, TimeUnit.SECONDS)).as("the new handshake's task is waiting").isTrue();
            // The one loop goes on serving the established connection while the new handshake's task waits: had
            // the task run on the loop, these echoes would wait for it.
            for (int i = 0; i < 20; i++) {
                assertThat(TlsTransportCases.roundTrip(established, "echo " + i)).isEqualTo("echo " + i);
            }
            assertThat(late).as("the new handshake waits for its task").isNotDone();

            tasks.release();
            try (var second = late.get(10, TimeUnit.SECONDS)) {
                assertThat(TlsTransportCases.roundTrip(second, "second")).isEqualTo("second");
            }
            assertThat(TlsTransportCases.roundTrip(established, "still")).isEqualTo("still");
        } finally {
            tasks.release(); // a failed assertion must not leave the late handshake waiting
            background.close();
        }
    }

    @Test
    void framedEchoClosesOnAnOversizedFrameAndKeepsOthers() throws Exception {
        LengthFieldFramer.Config framing = LengthFieldFramer.Config.prefixed(2, 1024);
        AtomicReference<Throwable> cause = new AtomicReference<>();
        Server s = start(config(), new FramingHandler(() -> new LengthFieldFramer(framing), new MessageHandler() {
            @Override
            public Action onMessage(Connection c, ByteBuffer frame) {
                ByteBuffer out = ByteBuffer.allocate(frame.remaining() + 2);
                LengthFieldFramer.writeFrame(framing, frame, out);
                c.write(out.flip());
                return Action.KEEP;
            }

            @Override
            public void onClose(Connection c, Throwable t) {
                if (t != null) cause.set(t);
            }
        }));
        try (TestClient good = new TestClient(s.localAddress()); TestClient bad = new TestClient(s.localAddress())) {
            // Two frames, the second split across writes.
            good.send(new byte[] {0, 3, 'a', 'b', 'c', 0, 2, 'x'});
            Thread.sleep(20);
            good.send(new byte[] {'y'});
            assertThat(good.readString(9)).isEqualTo("\0\3abc\0\2xy");
            bad.send(new byte[] {(byte) 0x7f, (byte) 0xff, 1, 2, 3}); // announces 32 KiB: over the 1 KiB limit
            assertThat(bad.closedByPeer()).isTrue();
            good.send(new byte[] {0, 1, 'z'});
            assertThat(good.readString(3)).isEqualTo("\0\1z");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (cause.get() == null && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(cause.get()).isInstanceOf(FrameException.class);
        assertThat(s.stats().errors.sum()).isEqualTo(1);
    }

    @Test
    void servesIpv6() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress("::1", 0);
        try (var probe = java.nio.channels.ServerSocketChannel.open()) {
            probe.bind(v6);
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback on this machine: " + e);
        }
        Server s = start(config().address(v6), (c, in) -> {
            c.write(in);
            return Action.KEEP;
        });
        try (var ch = java.nio.channels.SocketChannel.open(new InetSocketAddress("::1", s.port()))) {
            ch.write(ByteBuffer.wrap("v6".getBytes(StandardCharsets.UTF_8)));
            ByteBuffer b = ByteBuffer.allocate(2);
            while (b.hasRemaining()) assertThat(ch.read(b)).isNotNegative();
            assertThat(new String(b.array(), StandardCharsets.UTF_8)).isEqualTo("v6");
            assertThat(((InetSocketAddress) ch.getRemoteAddress()).getAddress()).isInstanceOf(java.net.Inet6Address.class);
        }
    }

    @Test
    void inputLeftWhilePausedIsRedeliveredOnResume() throws Exception {
        // Takes one byte per call, then pauses and resumes a little later: the rest of what the client sent in one
        // write must come back to the handler although the client sends nothing more.
        Server s = start(config(), (c, in) -> {
            c.write(new byte[] {in.get()});
            c.pauseReading();
            c.schedule(c::resumeReading, Duration.ofMillis(5));
            return Action.KEEP;
        });
        try (TestClient c = new TestClient(s.localAddress())) {
            c.send("abcdefgh");
            assertThat(c.readString(8)).isEqualTo("abcdefgh");
        }
    }

    @Test
    void endOfInputWhilePausedComesAfterTheInputThatPrecededIt() throws Exception {
        // As above, but the client half-closes right after its write: the end of input must reach the handler only
        // after every byte before it, however the engine came to see the FIN while reading was paused.
        Server s = start(config(), new Handler() {
            @Override
            public Action onData(Connection c, ByteBuffer in) {
                c.write(new byte[] {in.get()});
                c.pauseReading();
                c.schedule(c::resumeReading, Duration.ofMillis(5));
                return Action.KEEP;
            }

            @Override
            public Action onEndOfInput(Connection c) {
                c.write("$".getBytes(StandardCharsets.UTF_8));
                return Action.CLOSE;
            }
        });
        try (TestClient c = new TestClient(s.localAddress())) {
            c.send("abcdefgh");
            c.channel.shutdownOutput();
            assertThat(new String(c.readToEnd(), StandardCharsets.UTF_8)).isEqualTo("abcdefgh$");
        }
    }

    /** Collects what a client connection receives. */
    static final class ArrayBlockingReplies implements Handler {
        private final java.util.concurrent.LinkedBlockingQueue<Byte> bytes = new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public Action onData(Connection c, ByteBuffer in) {
            while (in.hasRemaining()) bytes.add(in.get());
            return Action.KEEP;
        }

        String take(int n) throws InterruptedException {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) {
                Byte x = bytes.poll(5, TimeUnit.SECONDS);
                if (x == null) throw new AssertionError("timed out after " + i + " of " + n + " bytes");
                b[i] = x;
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
