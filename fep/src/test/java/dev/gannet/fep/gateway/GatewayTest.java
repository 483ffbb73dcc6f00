package dev.gannet.fep.gateway;

import dev.gannet.fep.journal.FsyncPolicy;
import dev.gannet.fep.sim.Exchange;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.gannet.fep.gateway.TestMember.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Members through the gateway to the simulator and back, in one JVM, including an upstream drop mid-stream. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class GatewayTest {
    static final long TAG1 = 1L << 48, TAG2 = 2L << 48;

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    Exchange exchange;
    Gateway gateway;

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    static GatewayConfig config(Path journal, int exchangePort, int queue, boolean rejectWhenDown) {
        return GatewayConfig.builder().listen(new InetSocketAddress("127.0.0.1", 0))
                .members(List.of(new GatewayConfig.Member("FIRM1", "pw1", 1), new GatewayConfig.Member("FIRM2", "pw2", 2)))
                .upstreams(List.of(new GatewayConfig.Upstream("exchange", new InetSocketAddress("127.0.0.1", exchangePort), 1,
                        List.of(MsgType.NEW_ORDER, MsgType.CANCEL_ORDER, MsgType.FUND_TRANSFER,
                                MsgType.ACCOUNT_STATUS_QUERY), "GATEWAY", "secret", 1001, null)))
                .journalDir(journal).fsync(FsyncPolicy.NONE).groupCommit(Duration.ofMillis(1)).throttlePerSecond(0)
                .queuePerUpstream(queue).rejectWhenDown(rejectWhenDown).logonsPerSecond(1000).build();
    }

    private void start(int queue, boolean rejectWhenDown) throws Exception {
        exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).build());
        closing.add(exchange);
        exchange.recordOrders(true);
        gateway = new Gateway(config(dir, exchange.port(), queue, rejectWhenDown)).start();
        closing.add(gateway);
        await(gateway::upstreamsActive, "the upstream logon");
    }

    private TestMember member(String id, String pw, long session) {
        TestMember m = new TestMember(gateway.server().localAddress(), id, pw, session);
        closing.add(m);
        return m;
    }

    @Test
    void ordersFlowThroughAndRepliesFindTheirMember() throws Exception {
        start(1000, false);
        TestMember a = member("FIRM1", "pw1", 1), b = member("FIRM2", "pw2", 2);
        for (long id = 1; id <= 200; id++) {
            a.order(id, 1);
            b.order(id, 1);
        }
        await(() -> a.acked(1, 200) && b.acked(1, 200), "acks for every order");
        // Both members used ids 1..200: the gateway kept them apart with their session numbers, and each member
        // got its own reports back, each ack once.
        Map<Long, Integer> got = exchange.recordedOrders();
        for (long id = 1; id <= 200; id++) {
            assertThat(got.get(TAG1 | id)).as("FIRM1 order " + id).isEqualTo(1);
            assertThat(got.get(TAG2 | id)).as("FIRM2 order " + id).isEqualTo(1);
            assertThat(a.reports.get(id)).containsOnlyOnce(MsgType.ExecutionReport.EXEC_NEW);
        }
        assertThat(got).hasSize(400);
        assertThat(a.rejects).isEmpty();
    }

    /**
     * The gateway journals a reply for its member before its upstream session records it received. A process that
     * dies between the two leaves the reply in the member's journal and not in the upstream's: here that is made
     * by cutting the upstream journal just before its last record. After the restart the institution replays the
     * reply, and the gateway must not send it to the member a second time.
     */
    @Test
    void aReplyJournaledButNotRecordedUpstreamIsNotSentTwiceAfterARestart() throws Exception {
        exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).fillRatio(0).build());
        closing.add(exchange);
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        GatewayConfig c = config(dir, exchange.port(), 1000, false);
        GatewayConfig fixed = c.toBuilder().listen(new InetSocketAddress("127.0.0.1", port)).build();
        Gateway first = new Gateway(fixed).start();
        await(first::upstreamsActive, "the upstream logon");
        TestMember a = new TestMember(new InetSocketAddress("127.0.0.1", port), "FIRM1", "pw1", 1);
        closing.add(a);
        for (long id = 1; id <= 3; id++) a.order(id, 1);
        await(() -> a.acked(1, 3), "three acks");
        first.close();

        // Cut the upstream journal before its last record: the ack for order 3, as received.
        Path upstream = dir.resolve("upstream-exchange.journal");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(upstream))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int last = -1;
        for (int at = 0; at + 24 <= b.limit() && b.getInt(at) > 0; at += (b.getInt(at) + 7) & ~7) last = at;
        assertThat(last).isPositive();
        assertThat(b.get(last + 8)).as("the last record is one received").isEqualTo((byte) 0);
        assertThat(b.getShort(last + 24 + 4)).as("and it is the ack").isEqualTo((short) MsgType.EXECUTION_REPORT);
        try (var ch = java.nio.channels.FileChannel.open(upstream, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(last);
        }

        gateway = new Gateway(fixed).start();
        closing.add(gateway);
        await(gateway::upstreamsActive, "the upstream logon after the restart");
        a.order(4, 1);
        await(() -> a.acked(4, 4), "the next ack"); // after the replay: the upstream session is in step again
        assertThat(a.reports.get(3L)).as("order 3's ack, once").containsExactly(MsgType.ExecutionReport.EXEC_NEW);
        assertThat(gateway.duplicateReplies.sum()).isEqualTo(1);
    }

    @Test
    void unroutableRequestsAreRejectedWithAReason() throws Exception {
        start(1000, false);
        TestMember a = member("FIRM1", "pw1", 1);
        a.order(1, 9); // no institution 9
        await(() -> !a.rejects.isEmpty(), "a reject");
        assertThat(a.rejects).containsExactly(RejectReason.UNKNOWN_DESTINATION);
        assertThat(gateway.memberCounters.rejects(RejectReason.UNKNOWN_DESTINATION)).isEqualTo(1);
        a.order(2, 1); // the session goes on
        await(() -> a.acked(2, 2), "the next order's ack");
    }

    @Test
    void anUpstreamDropMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        start(100_000, false);
        TestMember a = member("FIRM1", "pw1", 1);
        int n = 3000;
        Thread sender = Thread.ofPlatform().start(() -> {
            for (long id = 1; id <= n; id++) {
                a.order(id, 1);
                if (id % 100 == 0) {
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        await(() -> exchange.ordersReceived() > n / 4, "a quarter of the orders upstream");
        exchange.drop().get(5, TimeUnit.SECONDS);
        sender.join();
        await(() -> a.acked(1, n), "an ack for every order");
        Map<Long, Integer> got = exchange.recordedOrders();
        for (long id = 1; id <= n; id++) {
            assertThat(got.get(TAG1 | id)).as("order " + id + " reached the exchange once").isEqualTo(1);
        }
        // The last acks can come before the drop lands, and the link waits its backoff (from 100 ms) to reconnect.
        await(() -> gateway.upstreamCounters.logons.sum() >= 2, "the gateway logged on again");
    }

    @Test
    void whileTheUpstreamIsDownRequestsAreRejectedWhenSoConfigured() throws Exception {
        start(1000, true);
        TestMember a = member("FIRM1", "pw1", 1);
        a.order(1, 1);
        await(() -> a.acked(1, 1), "the first ack");
        exchange.close();
        await(() -> !gateway.upstreamsActive(), "the upstream to go");
        a.order(2, 1);
        await(() -> !a.rejects.isEmpty(), "a reject");
        assertThat(a.rejects).containsExactly(RejectReason.UPSTREAM_UNAVAILABLE);
    }
}
