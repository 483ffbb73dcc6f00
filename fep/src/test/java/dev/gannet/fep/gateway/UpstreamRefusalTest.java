package dev.gannet.fep.gateway;

import dev.gannet.fep.sim.Exchange;
import dev.gannet.fep.wire.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static dev.gannet.fep.gateway.TestMember.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An institution that refuses the gateway's logon, with the real simulator: the gateway backs off instead of
 * retrying 20 times a second, says why once in its log and in its status, and members' queued requests get
 * Reject(UPSTREAM_UNAVAILABLE) at the queue deadline instead of waiting for ever.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class UpstreamRefusalTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Logger log = Logger.getLogger(Gateway.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** The gateway's engine; the io_uring subclass runs every case again on it. */
    String engine() {
        return "nio";
    }

    @AfterEach
    void close() throws Exception {
        log.removeHandler(capture);
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    private long warningsAbout(String what) {
        return logged.stream().filter(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue())
                .filter(r -> String.valueOf(r.getMessage()).contains(what)).count();
    }

    @Test
    void aGatewayWhoseJournalWasResetIsRefusedBacksOffSaysWhyAndRejectsWhatWaits() throws Exception {
        Exchange exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).build());
        closing.add(exchange);
        // A first gateway logs on and trades: the exchange's session 1001 now expects more than 1 from it.
        try (Gateway first = new Gateway(GatewayTest.config(dir.resolve("a"), exchange.port(), 1000, false)).start()) {
            await(first::upstreamsActive, "the first logon");
            try (TestMember m = new TestMember(first.server().localAddress(), "FIRM1", "pw1", 1)) {
                for (long id = 1; id <= 3; id++) m.order(id, 1);
                await(() -> m.acked(1, 3), "three acks");
            }
        }
        // Its journal is lost: the next gateway logs on with seq 1, which the exchange refuses as too low.
        log.addHandler(capture);
        long started = System.nanoTime();
        Gateway gateway = new Gateway(GatewayTest.config(dir.resolve("b"), exchange.port(), 1000, false).toBuilder()
                .engine(engine()).queueTimeout(Duration.ofMillis(700)).build()).start();
        closing.add(gateway);
        await(() -> gateway.status().contains("refused"), "the refusal in the status");
        assertThat(gateway.status()).contains("exchange").contains("SEQUENCE_TOO_LOW");

        TestMember member = new TestMember(gateway.server().localAddress(), "FIRM1", "pw1", 1);
        closing.add(member);
        member.order(10, 1);
        await(() -> !member.rejects.isEmpty(), "a Reject for the order that waited");
        assertThat(member.rejects).containsExactly(RejectReason.UPSTREAM_UNAVAILABLE);
        assertThat(member.reports).as("nothing reached the exchange").isEmpty();

        Thread.sleep(3000);
        double seconds = (System.nanoTime() - started) / 1e9;
        long refusals = exchange.counters().rejects(RejectReason.SEQUENCE_TOO_LOW);
        // Backing off from 100 ms, doubling: about log2(10 * seconds) + 1 attempts. Retrying every 50 ms made ~20/s.
        assertThat(refusals).as("logons refused in %.1f s", seconds).isBetween(2L, (long) (Math.log(seconds * 10) / Math.log(2)) + 3);
        assertThat(warningsAbout("SEQUENCE_TOO_LOW")).as("the refusal logged once, then rate-limited").isEqualTo(1);
    }

    @Test
    void whenTheSimulatorStopsRefusingTheGatewayLogsOnAndWhatWaitedGoesThrough() throws Exception {
        Exchange exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).build());
        closing.add(exchange);
        assertThat(exchange.command("refuse BAD_CREDENTIALS").get(5, TimeUnit.SECONDS)).startsWith("ok");
        Gateway gateway = new Gateway(GatewayTest.config(dir, exchange.port(), 1000, false).toBuilder()
                .engine(engine()).queueTimeout(Duration.ofSeconds(60)).build()).start();
        closing.add(gateway);
        await(() -> gateway.status().contains("refused: BAD_CREDENTIALS"), "the refusal in the status");
        TestMember member = new TestMember(gateway.server().localAddress(), "FIRM1", "pw1", 1);
        closing.add(member);
        member.order(1, 1);
        assertThat(exchange.command("refuse off").get(5, TimeUnit.SECONDS)).startsWith("ok");
        await(gateway::upstreamsActive, "the logon once the simulator accepts it");
        await(() -> member.acked(1, 1), "the order that waited, acked");
        assertThat(member.rejects).isEmpty();
        assertThat(gateway.status()).contains("logged on");
    }
}
