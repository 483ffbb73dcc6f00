package dev.gannet.fep.gateway;

import dev.gannet.fep.session.MemoryStore;
import dev.gannet.fep.session.Session;
import dev.gannet.fep.session.SessionCounters;
import dev.gannet.fep.session.SessionHandler;
import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.TcpClient;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A member firm's order system in tests: one initiator session that reconnects, keeping what it sent and got. */
final class TestMember implements AutoCloseable {
    final SessionCounters counters = new SessionCounters();
    final Session session;
    /** Correlation id → execution types received for it, in order. */
    final Map<Long, List<Integer>> reports = new ConcurrentHashMap<>();
    /** Rejects received: reason codes. */
    final List<Integer> rejects = new CopyOnWriteArrayList<>();
    private final TcpClient client;

    TestMember(InetSocketAddress gateway, String id, String credential, long sessionId) {
        this(gateway, id, credential, sessionId, null);
    }

    TestMember(InetSocketAddress gateway, String id, String credential, long sessionId, dev.gannet.tls.TlsConfig tls) {
        session = new Session(Session.Role.INITIATOR, new Session.Listener() {
            @Override
            public void onApplication(Session s, Frame f) {
                int exec = f.type() == MsgType.EXECUTION_REPORT ? f.u8(MsgType.ExecutionReport.EXEC_TYPE) : -f.type();
                reports.computeIfAbsent(f.i64(0), k -> new CopyOnWriteArrayList<>()).add(exec);
            }

            @Override
            public void onReject(Session s, long refSeq, int refType, int reason) {
                rejects.add(reason);
            }
        }, counters).bind(sessionId, new MemoryStore(1 << 16), 1000)
                .credentials(pad(id, 16), pad(credential, 32));
        client = TcpClient.open(gateway, ClientConfig.builder().engine("nio").reconnect(true)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).tickInterval(Duration.ofMillis(100)).tls(tls)
                .build(),
                new SessionHandler(c -> session));
    }

    static byte[] pad(String s, int width) {
        byte[] b = new byte[width];
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(v, 0, b, 0, v.length);
        return b;
    }

    /** Sends a NewOrder with correlation id {@code id} to {@code destination}, on the session's thread. */
    void order(long id, int destination) {
        run(() -> {
            session.prepare(MsgType.NEW_ORDER).i64(MsgType.NewOrder.CL_ORD_ID, id)
                    .ascii(MsgType.NewOrder.ACCOUNT, 16, "ACC-" + id % 7).ascii(MsgType.NewOrder.SYMBOL, 12, "KRX005930")
                    .u8(MsgType.NewOrder.SIDE, 1).u8(MsgType.NewOrder.ORD_TYPE, 2).i64(MsgType.NewOrder.PRICE, 700_000)
                    .i64(MsgType.NewOrder.QUANTITY, 10).u16(MsgType.NewOrder.DESTINATION, destination);
            session.send();
        });
    }

    /** Runs {@code task} on the session's thread, waiting for a connection if there is none right now. */
    void run(Runnable task) {
        try {
            await(() -> session.isActive(), "an active session");
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
        var c = session.connection();
        if (c != null) {
            c.execute(task);
        } else {
            run(task);
        }
    }

    /** Whether every id in [from, to] got an ack (EXEC_NEW). */
    boolean acked(long from, long to) {
        for (long id = from; id <= to; id++) {
            List<Integer> r = reports.get(id);
            if (r == null || !r.contains(MsgType.ExecutionReport.EXEC_NEW)) return false;
        }
        return true;
    }

    /** The ids in [from, to] without an ack, at most 20 of them, for failure messages. */
    String unacked(long from, long to) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (long id = from; id <= to; id++) {
            List<Integer> r = reports.get(id);
            if (r == null || !r.contains(MsgType.ExecutionReport.EXEC_NEW)) {
                if (n++ < 20) b.append(id).append(' ');
            }
        }
        return n + " unacked: " + b + "; session " + session + " " + counters;
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
