package dev.gannet.fep.sim;

import dev.gannet.fep.session.MemoryStore;
import dev.gannet.fep.sim.TestInitiator.Msg;
import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.MsgType.AccountStatus;
import dev.gannet.fep.wire.MsgType.AccountStatusQuery;
import dev.gannet.fep.wire.MsgType.CancelOrder;
import dev.gannet.fep.wire.MsgType.ExecutionReport;
import dev.gannet.fep.wire.MsgType.FundTransfer;
import dev.gannet.fep.wire.MsgType.NewOrder;
import dev.gannet.fep.wire.MsgType.TransferResult;
import dev.gannet.fep.wire.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.gannet.fep.sim.TestInitiator.await;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExchangeTest {
    private static final int SOURCE = 7;

    private Exchange exchange;
    private final List<TestInitiator> initiators = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).controlPort(0).source(SOURCE)
                .members(Map.of("GATEWAY", "secret", "GW2", "pw2")).transferLimit(1_000_0000L).build());
        exchange.recordOrders(true);
    }

    @AfterEach
    void stop() {
        initiators.forEach(TestInitiator::close);
        exchange.close();
    }

    private TestInitiator logOn(String member, String credential, long sessionId) {
        TestInitiator t = new TestInitiator(exchange.port(), member, credential, sessionId);
        initiators.add(t);
        return t;
    }

    private TestInitiator gateway() {
        return logOn("GATEWAY", "secret", 11).awaitLogons(1);
    }

    private static long order(TestInitiator t, long clOrdId, int ordType, long price, long qty) throws Exception {
        return t.send(MsgType.NEW_ORDER, f -> f.i64(NewOrder.CL_ORD_ID, clOrdId)
                .ascii(NewOrder.ACCOUNT, 16, "ACC1").ascii(NewOrder.SYMBOL, 12, "005930")
                .u8(NewOrder.SIDE, 1).u8(NewOrder.ORD_TYPE, ordType).i64(NewOrder.PRICE, price)
                .i64(NewOrder.QUANTITY, qty).u16(NewOrder.DESTINATION, 1));
    }

    private static long order(TestInitiator t, long clOrdId) throws Exception {
        return order(t, clOrdId, 2, 71_000_0000L, 10);
    }

    private static Frame expectReport(TestInitiator t, long clOrdId, int execType) throws InterruptedException {
        Msg m = t.next();
        assertThat(m.type()).isEqualTo(MsgType.EXECUTION_REPORT);
        Frame r = m.frame();
        assertThat(r.i64(ExecutionReport.CL_ORD_ID)).isEqualTo(clOrdId);
        assertThat(r.u8(ExecutionReport.EXEC_TYPE)).isEqualTo(execType);
        assertThat(r.u16(ExecutionReport.SOURCE)).isEqualTo(SOURCE);
        return r;
    }

    private String control(String line) throws Exception {
        try (Socket s = new Socket("127.0.0.1", exchange.controlPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }

    @Test
    void answersEveryRequestTypeWithTheCorrelationIdCopied() throws Exception {
        TestInitiator t = gateway();

        order(t, 101, 2, 71_500_0000L, 30);
        Frame ack = expectReport(t, 101, ExecutionReport.EXEC_NEW);
        long orderId = ack.i64(ExecutionReport.ORDER_ID);
        assertThat(orderId).isPositive();
        assertThat(ack.i64(ExecutionReport.LEAVES_QTY)).isEqualTo(30);
        assertThat(ack.ascii(ExecutionReport.SYMBOL, 12)).isEqualTo("005930");
        assertThat(ack.u8(ExecutionReport.SIDE)).isEqualTo(1);
        Frame fill = expectReport(t, 101, ExecutionReport.EXEC_FILL);
        assertThat(fill.i64(ExecutionReport.ORDER_ID)).isEqualTo(orderId);
        assertThat(fill.i64(ExecutionReport.LAST_PX)).isEqualTo(71_500_0000L);
        assertThat(fill.i64(ExecutionReport.LAST_QTY)).isEqualTo(30);
        assertThat(fill.i64(ExecutionReport.CUM_QTY)).isEqualTo(30);
        assertThat(fill.i64(ExecutionReport.LEAVES_QTY)).isZero();

        order(t, 102, 1, 0, 5); // market: filled at the configured price
        expectReport(t, 102, ExecutionReport.EXEC_NEW);
        assertThat(expectReport(t, 102, ExecutionReport.EXEC_FILL).i64(ExecutionReport.LAST_PX))
                .isEqualTo(exchange.config().marketPrice());

        t.send(MsgType.CANCEL_ORDER, f -> f.i64(CancelOrder.CL_ORD_ID, 103).i64(CancelOrder.ORIG_CL_ORD_ID, 101)
                .ascii(CancelOrder.ACCOUNT, 16, "ACC1").ascii(CancelOrder.SYMBOL, 12, "005930")
                .u16(CancelOrder.DESTINATION, 1));
        assertThat(expectReport(t, 103, ExecutionReport.EXEC_CANCELLED).ascii(ExecutionReport.SYMBOL, 12))
                .isEqualTo("005930");

        for (long[] transfer : new long[][] {{104, 500_0000L, 0}, {105, 1_000_0001L, 1}}) {
            t.send(MsgType.FUND_TRANSFER, f -> f.i64(FundTransfer.TRANSFER_ID, transfer[0])
                    .ascii(FundTransfer.FROM_ACCOUNT, 16, "ACC1").ascii(FundTransfer.TO_ACCOUNT, 16, "ACC2")
                    .i64(FundTransfer.AMOUNT, transfer[1]).ascii(FundTransfer.CURRENCY, 4, "KRW")
                    .u16(FundTransfer.DESTINATION, 1).u32(FundTransfer.VALUE_DATE, 20250102));
            Msg m = t.next();
            assertThat(m.type()).isEqualTo(MsgType.TRANSFER_RESULT);
            Frame r = m.frame();
            assertThat(r.i64(TransferResult.TRANSFER_ID)).isEqualTo(transfer[0]);
            assertThat(r.u8(TransferResult.STATUS)).isEqualTo((int) transfer[2]);
            assertThat(r.u16(TransferResult.REJECT_REASON))
                    .isEqualTo(transfer[2] == 0 ? 0 : RejectReason.BUSINESS_REJECT);
            assertThat(r.u16(TransferResult.SOURCE)).isEqualTo(SOURCE);
        }

        t.send(MsgType.ACCOUNT_STATUS_QUERY, f -> f.i64(AccountStatusQuery.QUERY_ID, 106)
                .ascii(AccountStatusQuery.ACCOUNT, 16, "ACC-0042").u16(AccountStatusQuery.DESTINATION, 1));
        Msg m = t.next();
        assertThat(m.type()).isEqualTo(MsgType.ACCOUNT_STATUS);
        Frame s = m.frame();
        assertThat(s.i64(AccountStatus.QUERY_ID)).isEqualTo(106);
        assertThat(s.ascii(AccountStatus.ACCOUNT, 16)).isEqualTo("ACC-0042");
        assertThat(s.u16(AccountStatus.SOURCE)).isEqualTo(SOURCE);
        assertThat(s.ascii(AccountStatus.CURRENCY, 4)).isEqualTo("KRW");
        assertThat(s.i64(AccountStatus.BALANCE)).isEqualTo(Exchange.balanceOf("ACC-0042"))
                .isNotEqualTo(Exchange.balanceOf("ACC-0043"));

        assertThat(exchange.ordersReceived()).isEqualTo(2);
        assertThat(exchange.ordersReceived(11)).isEqualTo(2);
        assertThat(exchange.received(MsgType.FUND_TRANSFER)).isEqualTo(2);
        assertThat(exchange.recordedOrders()).containsExactlyInAnyOrderEntriesOf(Map.of(101L, 1, 102L, 1));
        assertThat(t.counters.gaps.sum()).isZero();
        assertThat(t.inbox).isEmpty();
    }

    @Test
    void echoesTheGatewaysTaggedIdsUnchanged() throws Exception {
        // Upstream, the gateway puts the member's session number in the ids' top 16 bits (fep-protocol 8.1).
        long tagged = 3L << 48 | 12345;
        TestInitiator t = gateway();
        order(t, tagged);
        expectReport(t, tagged, ExecutionReport.EXEC_NEW);
        expectReport(t, tagged, ExecutionReport.EXEC_FILL);
        t.send(MsgType.ACCOUNT_STATUS_QUERY, f -> f.i64(AccountStatusQuery.QUERY_ID, tagged + 1)
                .ascii(AccountStatusQuery.ACCOUNT, 16, "ACC1").u16(AccountStatusQuery.DESTINATION, 1));
        assertThat(t.next().frame().i64(AccountStatus.QUERY_ID)).isEqualTo(tagged + 1);
        assertThat(exchange.recordedOrders()).containsExactly(Map.entry(tagged, 1));
        assertThat(exchange.counters().rejectsTotal()).isZero();
    }

    @Test
    void refusesUnknownMembersAndWrongCredentials() throws Exception {
        TestInitiator wrong = logOn("GATEWAY", "guess", 12);
        TestInitiator unknown = logOn("NOBODY", "secret", 13);
        await(() -> exchange.counters().rejects(RejectReason.BAD_CREDENTIALS) >= 2, "two refusals");
        assertThat(wrong.actives.get()).isZero();
        assertThat(unknown.actives.get()).isZero();
        // Another configured member on its own session id still gets in.
        TestInitiator second = logOn("GW2", "pw2", 14).awaitLogons(1);
        order(second, 1);
        expectReport(second, 1, ExecutionReport.EXEC_NEW);
    }

    @Test
    void rejectsOrdersWhileToldToAndFillsAtTheConfiguredRatio() throws Exception {
        exchange.close();
        exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).controlPort(0).source(SOURCE)
                .fillRatio(0.5).build());
        TestInitiator t = gateway();
        assertThat(control("reject on")).isEqualTo("ok reject on");
        order(t, 1);
        Frame r = expectReport(t, 1, ExecutionReport.EXEC_REJECTED);
        assertThat(r.u16(ExecutionReport.REJECT_REASON)).isEqualTo(RejectReason.BUSINESS_REJECT);
        assertThat(control("reject off")).isEqualTo("ok reject off");
        for (int i = 2; i <= 5; i++) order(t, i);
        // Half the orders filled, every second one, right after its ack.
        expectReport(t, 2, ExecutionReport.EXEC_NEW);
        expectReport(t, 3, ExecutionReport.EXEC_NEW);
        expectReport(t, 3, ExecutionReport.EXEC_FILL);
        expectReport(t, 4, ExecutionReport.EXEC_NEW);
        expectReport(t, 5, ExecutionReport.EXEC_NEW);
        expectReport(t, 5, ExecutionReport.EXEC_FILL);
    }

    @Test
    void skipMakesAGapTheSessionFillsWithEachReplyOnceAndInOrder() throws Exception {
        TestInitiator t = gateway();
        for (long id = 1; id <= 3; id++) order(t, id);
        for (long id = 1; id <= 3; id++) {
            expectReport(t, id, ExecutionReport.EXEC_NEW);
            expectReport(t, id, ExecutionReport.EXEC_FILL);
        }
        long lastSeqBefore = t.all.getLast().seq();

        assertThat(control("skip 5")).isEqualTo("ok skipped 5 on 1 sessions");
        for (long id = 4; id <= 6; id++) order(t, id);
        for (long id = 4; id <= 6; id++) {
            expectReport(t, id, ExecutionReport.EXEC_NEW);
            expectReport(t, id, ExecutionReport.EXEC_FILL);
        }

        assertThat(t.counters.gaps.sum()).isPositive();
        assertThat(exchange.counters().replayed.sum()).isPositive();
        List<Long> seqs = t.all.stream().map(Msg::seq).toList();
        assertThat(seqs).isSorted().doesNotHaveDuplicates().hasSize(12);
        // The first reply after the skip carries a number five past the one it would have had...
        assertThat(t.all.get(6).seq()).isEqualTo(lastSeqBefore + 6);
        // ...and arrived as the replay of it, asked for with a ResendRequest.
        assertThat(t.all.get(6).possDup()).isTrue();
        assertThat(t.counters.duplicates.sum() + t.counters.rejectsTotal()).isZero();
        assertThat(exchange.recordedOrders()).hasSize(6).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void dropDisconnectsAndTheReconnectingSessionResumesItsSequences() throws Exception {
        TestInitiator t = gateway();
        order(t, 1);
        expectReport(t, 1, ExecutionReport.EXEC_NEW);
        expectReport(t, 1, ExecutionReport.EXEC_FILL);

        // An order whose replies are held back over the drop: they come on the next connection.
        exchange.delay(300);
        long seq2 = order(t, 2);
        await(() -> exchange.ordersReceived() == 2, "order 2 at the exchange");
        long outBefore = t.store.nextOut();
        assertThat(exchange.drop().get(5, TimeUnit.SECONDS)).isEqualTo(1);
        exchange.delay(0);

        t.awaitLogons(2);
        expectReport(t, 2, ExecutionReport.EXEC_NEW);
        expectReport(t, 2, ExecutionReport.EXEC_FILL);
        long seq3 = order(t, 3);
        expectReport(t, 3, ExecutionReport.EXEC_NEW);
        expectReport(t, 3, ExecutionReport.EXEC_FILL);

        assertThat(t.disconnects.get()).isEqualTo(1);
        assertThat(exchange.counters().logons.sum()).isEqualTo(2);
        // Sequences went on from where they were, both ways: no reset to 1, nothing twice, nothing lost.
        assertThat(seq3).isGreaterThan(seq2).isGreaterThanOrEqualTo(outBefore + 1); // the new Logon came between
        List<Long> seqs = t.all.stream().map(Msg::seq).toList();
        assertThat(seqs).isSorted().doesNotHaveDuplicates().hasSize(6);
        assertThat(exchange.recordedOrders()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 1, 2L, 1, 3L, 1));
        assertThat(exchange.heldReplies()).isZero();
        assertThat(t.counters.rejectsTotal() + exchange.counters().rejectsTotal()).isZero();
    }

    @Test
    void aGatewayThatLostItsRepliesGetsThemReplayedAtLogon() throws Exception {
        TestInitiator first = gateway();
        for (long id = 1; id <= 3; id++) order(first, id);
        for (long id = 1; id <= 3; id++) {
            expectReport(first, id, ExecutionReport.EXEC_NEW);
            expectReport(first, id, ExecutionReport.EXEC_FILL);
        }
        long nextOut = first.store.nextOut();
        first.close();
        await(() -> exchange.activeSessions() == 0, "the exchange to see the gateway go");

        // The same session id again, with a store that kept its outbound numbers but none of the replies.
        MemoryStore amnesiac = new MemoryStore(1024);
        java.nio.ByteBuffer scratch = java.nio.ByteBuffer.allocate(64);
        Frame hb = new Frame().wrap(scratch, 0);
        while (amnesiac.nextOut() < nextOut) {
            amnesiac.sent(hb.begin(MsgType.HEARTBEAT, 0, 11, amnesiac.nextOut(), 0));
        }
        TestInitiator again = new TestInitiator(exchange.port(), "GATEWAY", "secret", 11, amnesiac);
        initiators.add(again);
        again.awaitLogons(1);
        for (long id = 1; id <= 3; id++) {
            expectReport(again, id, ExecutionReport.EXEC_NEW);
            expectReport(again, id, ExecutionReport.EXEC_FILL);
        }
        assertThat(again.all).allSatisfy(m -> assertThat(m.possDup()).isTrue());
        order(again, 4);
        expectReport(again, 4, ExecutionReport.EXEC_NEW);
        expectReport(again, 4, ExecutionReport.EXEC_FILL);
        assertThat(again.all.stream().map(Msg::seq).toList()).isSorted().doesNotHaveDuplicates().hasSize(8);
        assertThat(exchange.recordedOrders()).hasSize(4).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
    }

    @Test
    void anOrderSentWhileDisconnectedReachesTheExchangeOnceAfterTheReconnect() throws Exception {
        TestInitiator t = gateway();
        order(t, 1);
        expectReport(t, 1, ExecutionReport.EXEC_NEW);
        expectReport(t, 1, ExecutionReport.EXEC_FILL);

        // Sent from the connection's thread just after it went: numbered and journaled, not written.
        t.whenDisconnected = s -> {
            s.prepare(MsgType.NEW_ORDER).i64(NewOrder.CL_ORD_ID, 2).ascii(NewOrder.ACCOUNT, 16, "ACC1")
                    .ascii(NewOrder.SYMBOL, 12, "005930").u8(NewOrder.SIDE, 2).u8(NewOrder.ORD_TYPE, 1)
                    .i64(NewOrder.QUANTITY, 1).u16(NewOrder.DESTINATION, 1);
            s.send();
            t.whenDisconnected = null;
        };
        exchange.drop().get(5, TimeUnit.SECONDS);
        t.awaitLogons(2);
        expectReport(t, 2, ExecutionReport.EXEC_NEW);
        expectReport(t, 2, ExecutionReport.EXEC_FILL);
        assertThat(exchange.recordedOrders()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 1, 2L, 1));
        assertThat(t.counters.replayed.sum()).isEqualTo(1);
        assertThat(exchange.counters().rejectsTotal()).isZero();
    }

    @Test
    void garbageEndsThePeersSessionButNotTheExchange() throws Exception {
        TestInitiator t = gateway();
        order(t, 1);
        expectReport(t, 1, ExecutionReport.EXEC_NEW);
        expectReport(t, 1, ExecutionReport.EXEC_FILL);

        assertThat(control("garbage")).isEqualTo("ok garbage on 1 connections");
        await(() -> t.disconnects.get() == 1, "the member side to hang up");
        assertThat(t.lastDisconnectReason).isEqualTo(RejectReason.MALFORMED_HEADER);
        assertThat(t.counters.rejects(RejectReason.MALFORMED_HEADER)).isEqualTo(1);

        t.awaitLogons(2);
        order(t, 2);
        expectReport(t, 2, ExecutionReport.EXEC_NEW);
        expectReport(t, 2, ExecutionReport.EXEC_FILL);
        assertThat(exchange.server().isAccepting()).isTrue();
        assertThat(exchange.recordedOrders()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, 1, 2L, 1));
        assertThat(t.all.stream().map(Msg::seq).toList()).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void controlPortAnswersEveryLine() throws Exception {
        assertThat(control("help")).startsWith("ok ");
        assertThat(control("delay 25")).isEqualTo("ok delay 25 ms");
        assertThat(control("delay 0")).isEqualTo("ok no delay");
        assertThat(control("delay soon")).startsWith("error not a number");
        assertThat(control("skip")).isEqualTo("error usage: skip <n>");
        assertThat(control("skip 0")).startsWith("error ");
        assertThat(control("reject maybe")).startsWith("error ");
        assertThat(control("launch")).isEqualTo("error unknown command 'launch'");
        assertThat(control("drop")).isEqualTo("ok dropped 0 connections");
        assertThat(control("stats")).startsWith("ok orders=0");
    }

    @Test
    void delayHoldsRepliesBack() throws Exception {
        TestInitiator t = gateway();
        exchange.delay(200);
        long sent = System.nanoTime();
        order(t, 1);
        expectReport(t, 1, ExecutionReport.EXEC_NEW);
        assertThat(System.nanoTime() - sent).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(190));
        expectReport(t, 1, ExecutionReport.EXEC_FILL);
    }
}
