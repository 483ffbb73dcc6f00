package dev.gannet.fep.sim;

import dev.gannet.fep.session.MemoryStore;
import dev.gannet.fep.session.Session;
import dev.gannet.fep.session.SessionCounters;
import dev.gannet.fep.session.SessionHandler;
import dev.gannet.fep.wire.Frame;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Connection;
import dev.gannet.transport.TcpClient;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A member's side of a session for tests: one initiator {@link Session} with a {@link MemoryStore} on a reconnecting
 * {@link TcpClient}, keeping a copy of every application message that arrives.
 */
final class TestInitiator implements Session.Listener, AutoCloseable {
    /** An application message as it arrived (a copy). */
    record Msg(int type, long seq, boolean possDup, ByteBuffer bytes) {
        Frame frame() {
            return new Frame().wrap(bytes, 0);
        }
    }

    final SessionCounters counters = new SessionCounters();
    final MemoryStore store;
    final Session session;
    final TcpClient client;
    final LinkedBlockingQueue<Msg> inbox = new LinkedBlockingQueue<>();
    final List<Msg> all = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger actives = new AtomicInteger();
    final AtomicInteger disconnects = new AtomicInteger();
    volatile int lastDisconnectReason = -1;
    /** Runs on the connection's thread when it goes, after the session has let go of it. */
    volatile Consumer<Session> whenDisconnected;

    TestInitiator(int port, String member, String credential, long sessionId) {
        this(port, member, credential, sessionId, new MemoryStore(1024));
    }

    TestInitiator(int port, String member, String credential, long sessionId, MemoryStore store) {
        this.store = store;
        session = new Session(Session.Role.INITIATOR, this, counters)
                .bind(sessionId, store, 30_000)
                .credentials(member.getBytes(StandardCharsets.US_ASCII), credential.getBytes(StandardCharsets.US_ASCII));
        ClientConfig cc = ClientConfig.builder().engine("nio").reconnect(true)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).tickInterval(Duration.ofMillis(100)).build();
        client = TcpClient.open(new InetSocketAddress("127.0.0.1", port), cc, new SessionHandler(c -> session));
    }

    @Override
    public void onActive(Session s) {
        actives.incrementAndGet();
    }

    @Override
    public void onApplication(Session s, Frame f) {
        ByteBuffer copy = ByteBuffer.allocate(f.length()).order(ByteOrder.LITTLE_ENDIAN);
        f.copyTo(copy, 0);
        Msg m = new Msg(f.type(), f.seq(), f.possDup(), copy);
        all.add(m);
        inbox.add(m);
    }

    @Override
    public void onDisconnected(Session s, int reason) {
        lastDisconnectReason = reason;
        Consumer<Session> hook = whenDisconnected;
        if (hook != null) hook.accept(s);
        disconnects.incrementAndGet();
    }

    /** Waits until the session has logged on {@code n} times in all. */
    TestInitiator awaitLogons(int n) {
        await(() -> actives.get() >= n && session.isActive(), "logon #" + n + " (" + counters + ")");
        return this;
    }

    /** Sends one application message from the connection's thread; its sequence number. */
    long send(int type, Consumer<Frame> body) throws Exception {
        Connection c = client.connection();
        if (c == null) throw new IllegalStateException("not connected");
        CompletableFuture<Long> seq = new CompletableFuture<>();
        c.execute(() -> {
            try {
                if (!session.isActive()) throw new IllegalStateException("session not active: " + session);
                body.accept(session.prepare(type));
                seq.complete(session.send());
            } catch (Throwable t) {
                seq.completeExceptionally(t);
            }
        });
        return seq.get(5, TimeUnit.SECONDS);
    }

    /** Runs {@code task} on the connection's thread and waits for it. */
    void onLoop(Runnable task) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        client.connection().execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        done.get(5, TimeUnit.SECONDS);
    }

    Msg next() throws InterruptedException {
        Msg m = inbox.poll(5, TimeUnit.SECONDS);
        if (m == null) throw new AssertionError("no message within 5 s; " + session + " " + counters);
        return m;
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
