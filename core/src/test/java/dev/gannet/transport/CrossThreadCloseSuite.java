package dev.gannet.transport;

import dev.gannet.testsupport.Descriptors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.gannet.transport.CloseSuite.endsWithReset;
import static dev.gannet.transport.CloseSuite.eventually;
import static dev.gannet.transport.CloseSuite.smallWindowPeer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closes asked for from a thread that is not the connection's owner, on every engine (a subclass names it): while
 * the owner's write to a peer that never reads cannot go on (on vthread the owner is then blocked in that write,
 * holding the connection's lock), a close still ends by the close deadline, and an abort at once; a task handed to
 * a connection that has closed still runs, so a file it sends is handed back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class CrossThreadCloseSuite {
    private static final int QUEUED = 16 << 20;
    private final List<Server> servers = new ArrayList<>();

    abstract String engine();

    private Server start(ServerConfig.Builder config, Handler handler) throws IOException {
        Server s = TcpServer.start(config.host("127.0.0.1", 0).engine(engine()).threads(1)
                .shutdownTimeout(Duration.ofSeconds(5)).build(), handler);
        servers.add(s);
        return s;
    }

    @AfterEach
    void stopServers() {
        for (Server s : servers) s.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** A server whose connections report their opening and their end; reading is paused at once if asked. */
    private static final class Recorder implements Handler {
        final CompletableFuture<Connection> opened = new CompletableFuture<>();
        final CompletableFuture<Throwable> cause = new CompletableFuture<>();
        final boolean pause;

        Recorder(boolean pause) {
            this.pause = pause;
        }

        @Override
        public Action onOpen(Connection c) {
            if (pause) c.pauseReading();
            opened.complete(c);
            return Action.KEEP;
        }

        @Override
        public Action onData(Connection c, ByteBuffer in) {
            in.position(in.limit());
            return Action.KEEP;
        }

        @Override
        public void onClose(Connection c, Throwable t) {
            cause.complete(t == null ? new Throwable("plain close") : t);
        }
    }

    /** Queues far more than the peer takes, through a task (on vthread its flush then blocks holding the lock). */
    private static Connection stuckWrite(Recorder r) throws Exception {
        Connection c = r.opened.get(10, TimeUnit.SECONDS);
        c.execute(() -> c.write(new byte[QUEUED]));
        assertThat(eventually(() -> !c.isWritable(), 10_000)).as("the write was queued and is stuck").isTrue();
        return c;
    }

    @Test
    void aCloseFromAnotherThreadWhileAWriteIsStuckIsResetAtItsDeadline() throws Exception {
        Recorder r = new Recorder(false);
        Server s = start(ServerConfig.builder().closeTimeout(Duration.ofMillis(500)), r);
        try (SocketChannel peer = smallWindowPeer(s)) {
            Connection c = stuckWrite(r);
            // Asked for from a thread of its own, and it must not wait for the stuck write either.
            CompletableFuture.runAsync(c::close, Thread.ofPlatform()::start).get(5, TimeUnit.SECONDS);
            assertThat(r.cause.get(15, TimeUnit.SECONDS)).isInstanceOf(IOException.class)
                    .hasMessageContaining("close timed out");
            assertThat(eventually(() -> c.pendingOutputBytes() == 0, 5_000)).as("queue freed").isTrue();
            assertThat(s.stats().closeTimeouts.sum()).isEqualTo(1);
            assertThat(eventually(() -> s.stats().open() == 0, 5_000)).isTrue();
            assertThat(s.stats().closed.sum()).isEqualTo(1);
            assertThat(endsWithReset(peer)).as("the peer saw a reset").isTrue();
        }
    }

    @Test
    void anAbortFromAnotherThreadWhileAWriteIsStuckEndsTheConnectionAtOnce() throws Exception {
        // Reading is paused: on vthread the connection's own thread then waits to read, not in the read itself.
        Recorder r = new Recorder(true);
        // A close deadline far off: what ends the connection is the abort, not the deadline.
        Server s = start(ServerConfig.builder().closeTimeout(Duration.ofSeconds(50)), r);
        try (SocketChannel peer = smallWindowPeer(s)) {
            Connection c = stuckWrite(r);
            IOException why = new IOException("aborted by the test");
            CompletableFuture.runAsync(() -> c.abort(why), Thread.ofPlatform()::start).get(5, TimeUnit.SECONDS);
            assertThat(r.cause.get(10, TimeUnit.SECONDS)).isSameAs(why);
            assertThat(eventually(() -> c.pendingOutputBytes() == 0, 5_000)).as("queue freed").isTrue();
            assertThat(eventually(() -> s.stats().open() == 0, 5_000)).isTrue();
            assertThat(s.stats().closed.sum()).isEqualTo(1);
            assertThat(s.stats().closeTimeouts.sum()).isZero();
            assertThat(endsWithReset(peer)).as("the peer saw a reset").isTrue();
        }
    }

    @Test
    void aFileSentByATaskGivenToAClosedConnectionIsHandedBackOnItsOwner() throws Exception {
        Path file = Files.createTempFile("gannet-cross-close", ".bin");
        file.toFile().deleteOnExit();
        Files.write(file, new byte[256 * 1024]);
        Recorder r = new Recorder(false);
        Server s = start(ServerConfig.builder(), r);
        try (TestClient client = new TestClient(s.localAddress())) {
            client.send("x");
            Connection c = r.opened.get(10, TimeUnit.SECONDS);
            c.close();
            r.cause.get(10, TimeUnit.SECONDS);
            List<CompletableFuture<Boolean>> done = new ArrayList<>();
            // From a thread of the test's own, after the close: by execute, and by a timer.
            for (int way = 0; way < 2; way++) {
                FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                CompletableFuture<Boolean> onDone = new CompletableFuture<>();
                done.add(onDone);
                Runnable send = () -> c.sendFile(ch, 0, 256 * 1024, () -> {
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // read-only
                    }
                    onDone.complete(c.isOwnerThread());
                });
                if (way == 0) c.execute(send);
                else c.schedule(send, Duration.ofMillis(20));
            }
            for (CompletableFuture<Boolean> d : done) {
                assertThat(d.get(10, TimeUnit.SECONDS)).as("onDone ran on the owner").isTrue();
            }
            assertThat(Descriptors.on(file)).isZero();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aConnectWhoseOnOpenClosesStillCompletes() throws Exception {
        Server s = start(ServerConfig.builder(), new Recorder(false));
        CompletableFuture<Throwable> closed = new CompletableFuture<>();
        ClientConfig cc = ClientConfig.builder().engine(engine()).build();
        // The engine's future is what a caller waits on: a connection its own handler closed at once must still
        // answer it (TcpClient completes its own from onOpen).
        Connection c = dev.gannet.engine.Engines.get(engine()).connect(s.localAddress(), cc, new Handler() {
            @Override
            public Action onOpen(Connection conn) {
                return Action.CLOSE;
            }

            @Override
            public Action onData(Connection conn, ByteBuffer in) {
                return Action.KEEP;
            }

            @Override
            public void onClose(Connection conn, Throwable cause) {
                closed.complete(cause);
            }
        }).get(10, TimeUnit.SECONDS);
        closed.get(10, TimeUnit.SECONDS);
        assertThat(c.isOpen()).isFalse();
    }

    @Test
    void aTaskRunsWhileAWriteIsStuckAndSeesWhatIsQueued() throws Exception {
        Recorder r = new Recorder(false);
        Server s = start(ServerConfig.builder(), r);
        try (SocketChannel peer = smallWindowPeer(s)) {
            Connection c = stuckWrite(r);
            // On vthread the task waits for the lock, which the stuck writer must not keep.
            CompletableFuture<Long> seen = new CompletableFuture<>();
            c.execute(() -> seen.complete(c.pendingOutputBytes()));
            assertThat(seen.get(10, TimeUnit.SECONDS)).isPositive();
            c.abort(new IOException("done"));
            assertThat(eventually(() -> s.stats().open() == 0, 5_000)).isTrue();
        }
    }

    @Test
    void aFileThatWaitedForASlowReaderCompletesOnItsOwner() throws Exception {
        int size = 8 << 20;
        Path file = Files.createTempFile("gannet-cross-slow", ".bin");
        file.toFile().deleteOnExit();
        Files.write(file, new byte[size]);
        CompletableFuture<Boolean> onOwner = new CompletableFuture<>();
        Server s = start(ServerConfig.builder(), (Handler) new Handler() {
            @Override
            public Action onOpen(Connection c) {
                try {
                    // Bytes first: their write stops part way once the socket is full, and on vthread the rest, the
                    // file too, is then written without the lock (and its transfer finds the socket full).
                    c.write(new byte[1 << 20]);
                    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
                    c.sendFile(ch, 0, size, () -> {
                        onOwner.complete(c.isOwnerThread());
                        try {
                            ch.close();
                        } catch (IOException ignored) {
                            // read-only
                        }
                    });
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return Action.KEEP;
            }

            @Override
            public Action onData(Connection c, ByteBuffer in) {
                in.position(in.limit());
                return Action.KEEP;
            }
        });
        try (SocketChannel peer = smallWindowPeer(s)) {
            // Not read at first: the socket fills and the file waits (on vthread, written without the lock).
            Thread.sleep(300);
            assertThat(onOwner).isNotDone();
            InputStream in = peer.socket().getInputStream();
            peer.socket().setSoTimeout(10_000);
            byte[] buf = new byte[64 * 1024];
            long got = 0;
            for (int n; got < size + (1 << 20) && (n = in.read(buf)) >= 0; ) got += n;
            assertThat(got).isEqualTo(size + (1 << 20));
            assertThat(onOwner.get(10, TimeUnit.SECONDS)).as("onDone ran on the owner").isTrue();
            assertThat(eventually(() -> {
                try {
                    return Descriptors.on(file) == 0;
                } catch (IOException e) {
                    return false;
                }
            }, 5_000)).isTrue();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
