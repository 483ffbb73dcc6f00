package dev.gannet.fep.gateway;

import dev.gannet.fep.journal.FsyncPolicy;
import dev.gannet.fep.session.MemoryStore;
import dev.gannet.fep.session.Session;
import dev.gannet.fep.session.SessionCounters;
import dev.gannet.fep.session.SessionHandler;
import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TcpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.gannet.fep.gateway.TestMember.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An institution that stops reading: the gateway's requests back up past its socket buffers and its own backlog
 * limit. With a queue far smaller than what the member sends, the member is paused instead of rejected, and once
 * the institution reads again every order arrives, in order, exactly once, and is acked.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GatewayBackpressureTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<Long> arrived = new ArrayList<>(); // on the institution's loop only, read after the acks
    private volatile Session institution;

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    /** Accepts the gateway's logon and acks each order; its connection's reading can be paused from the test. */
    private Server institution() throws Exception {
        Session.Listener listener = new Session.Listener() {
            @Override
            public int onLogon(Session s, Frame logon) {
                s.bind(logon.sessionId(), new MemoryStore(1 << 18), 1000).maxRequestId(Long.MAX_VALUE);
                institution = s;
                return 0;
            }

            @Override
            public void onApplication(Session s, Frame order) {
                arrived.add(order.i64(MsgType.NewOrder.CL_ORD_ID) & ((1L << 48) - 1));
                s.prepare(MsgType.EXECUTION_REPORT).i64(MsgType.ExecutionReport.CL_ORD_ID, order.i64(0))
                        .u8(MsgType.ExecutionReport.EXEC_TYPE, MsgType.ExecutionReport.EXEC_NEW)
                        .ascii(MsgType.ExecutionReport.SYMBOL, 12, "S1");
                s.send();
            }
        };
        Server server = TcpServer.start(ServerConfig.builder().host("127.0.0.1", 0).engine("nio").threads(1)
                .tickInterval(Duration.ofMillis(100)).build(),
                new SessionHandler(c -> new Session(Session.Role.ACCEPTOR, listener, new SessionCounters())));
        closing.add(() -> server.shutdownGracefully(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS));
        return server;
    }

    @Test
    void aMemberIsHeldBackWhileItsUpstreamDoesNotRead() throws Exception {
        Server upstream = institution();
        GatewayConfig c = GatewayTest.config(dir, upstream.localAddress().getPort(), 100, false);
        Gateway gateway = new Gateway(c.toBuilder().fsync(FsyncPolicy.NONE).throttlePerSecond(0).queuePerUpstream(100)
                .rejectWhenDown(false).build()).start();
        closing.add(gateway);
        await(gateway::upstreamsActive, "the upstream logon");
        Session inst = institution;
        inst.connection().execute(() -> inst.connection().pauseReading());

        TestMember member = new TestMember(gateway.server().localAddress(), "FIRM1", "pw1", 1);
        closing.add(member);
        int n = 120_000; // ~11 MB of orders: past the socket buffers and the 1 MiB backlog, against a queue of 100
        for (long id = 1; id <= n; id++) member.order(id, 1);
        await(() -> gateway.heldBack.sum() > 0, "the member to be held back");
        assertThat(member.rejects).as("held back, not rejected").isEmpty();

        inst.connection().execute(() -> inst.connection().resumeReading());
        await(() -> member.acked(1, n), "an ack for every order");
        assertThat(member.rejects).isEmpty();
        onLoop(inst, () -> {
            assertThat(arrived).hasSize(n);
            for (int i = 0; i < n; i++) assertThat(arrived.get(i)).isEqualTo(i + 1);
        });
    }

    /** Runs assertions on a session's own thread, where its state may be read, and waits for them. */
    private static void onLoop(Session s, Runnable check) throws Exception {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        s.connection().execute(() -> {
            try {
                check.run();
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) throw a;
            throw e;
        }
    }
}
