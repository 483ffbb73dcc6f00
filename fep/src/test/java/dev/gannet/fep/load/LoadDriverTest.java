package dev.gannet.fep.load;

import dev.gannet.fep.load.LoadDriver.Member;
import dev.gannet.fep.load.LoadDriver.Result;
import dev.gannet.fep.sim.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The load driver against the simulator directly (a valid acceptor for orders), loopback, a few seconds. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoadDriverTest {
    private Exchange exchange;

    @BeforeEach
    void start() throws Exception {
        exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0)
                .members(Map.of("M1", "pw", "M2", "pw")).build());
        exchange.recordOrders(true);
    }

    @AfterEach
    void stop() {
        exchange.close();
    }

    private LoadDriver.Config.Builder config(ByteArrayOutputStream progress) {
        return LoadDriver.Config.builder().host("127.0.0.1").port(exchange.port())
                .members(Member.numbered("M", "pw", 2, 1)).warmup(Duration.ZERO)
                .progress(new PrintStream(progress, true, StandardCharsets.UTF_8));
    }

    @Test
    void fixedRateAcksEveryOrderExactlyOnce() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Result r = new LoadDriver(config(progress).rate(2000).duration(Duration.ofSeconds(2)).build()).run();

        assertThat(r.rejects()).isZero();
        assertThat(r.sent()).isEqualTo(r.acked()).isCloseTo(4000, within(200L));
        assertThat(r.rtps()).isCloseTo(2000, within(200.0));
        assertThat(r.roundTrips()).isEqualTo(r.latencyNanos().getTotalCount());
        assertThat(r.p50Us()).isPositive().isLessThanOrEqualTo(r.p99Us());
        assertThat(r.p99Us()).isLessThanOrEqualTo(r.p999Us());
        assertThat(r.p999Us()).isLessThanOrEqualTo(r.maxUs());

        Map<String, String> line = Result.parse(r.line());
        assertThat(line).containsOnlyKeys("rtps", "p50_us", "p99_us", "p999_us", "max_us", "sent", "acked", "rejects");
        assertThat(Long.parseLong(line.get("sent"))).isEqualTo(r.sent());
        assertThat(Long.parseLong(line.get("acked"))).isEqualTo(r.sent());
        assertThat(Long.parseLong(line.get("rejects"))).isZero();
        assertThat(Double.parseDouble(line.get("rtps"))).isCloseTo(r.rtps(), within(0.1));
        assertThat(r.report().lines().toList().getLast()).isEqualTo(r.line());

        // Every order reached the exchange once, spread evenly over the two sessions. They see the end of the run
        // a few milliseconds apart at 1,000 orders/s each (3 apart seen in CI), hence the slack.
        assertThat(exchange.ordersReceived()).isEqualTo(r.sent());
        assertThat(exchange.recordedOrders()).hasSize((int) r.sent()).allSatisfy((id, n) -> assertThat(n).isEqualTo(1));
        assertThat(exchange.ordersReceived(1)).isCloseTo(exchange.ordersReceived(2), within(20L));
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("rt/s").contains("p99");
    }

    @Test
    void maximumThroughputKeepsTheWindowAndCountsRejects() throws Exception {
        Result r = new LoadDriver(config(new ByteArrayOutputStream()).window(8).duration(Duration.ofMillis(700))
                .build()).run();
        assertThat(r.sent()).isEqualTo(r.acked()).isPositive();
        assertThat(r.rejects()).isZero();
        assertThat(exchange.recordedOrders()).hasSize((int) r.sent());

        // A second run needs a session id of its own: session 1 at the exchange expects the first run's numbers.
        exchange.rejectOrders(true);
        Result rejected = new LoadDriver(config(new ByteArrayOutputStream()).members(List.of(new Member("M1", "pw", 5)))
                .window(4).duration(Duration.ofMillis(300)).build()).run();
        assertThat(rejected.acked()).isZero();
        assertThat(rejected.rejects()).isEqualTo(rejected.sent()).isPositive();
        assertThat(Result.parse(rejected.line())).containsEntry("acked", "0");
    }

    @Test
    void failsWhenTheSessionsCannotLogOn() {
        assertThatThrownBy(() -> new LoadDriver(config(new ByteArrayOutputStream())
                .members(List.of(new Member("M1", "wrong", 1))).logonTimeout(Duration.ofMillis(500))
                .duration(Duration.ofMillis(100)).build()).run())
                .hasMessageContaining("0 of 1 sessions logged on");
    }

    @Test
    void parsesTheCommandLine() {
        LoadDriver.Config c = LoadOptions.parse(new String[] {"--host", "gw", "--port", "9001", "--sessions", "3",
                "--member-prefix", "GW", "--credential", "s3", "--rate", "500", "--window", "16", "--duration", "2.5",
                "--warmup", "0", "--destination", "4", "--engine", "vthread"});
        assertThat(c.members()).containsExactly(new Member("GW1", "s3", 1), new Member("GW2", "s3", 2),
                new Member("GW3", "s3", 3));
        assertThat(c.rate()).isEqualTo(500);
        assertThat(c.window()).isEqualTo(16);
        assertThat(c.duration()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.destination()).isEqualTo(4);
        assertThat(c.engine()).isEqualTo("vthread");
        assertThat(c.tls()).isNull();

        LoadDriver.Config m = LoadOptions.parse(new String[] {"--port", "1", "--members", "a:x,b:y:77", "--tls-insecure"});
        assertThat(m.members()).containsExactly(new Member("a", "x", 1), new Member("b", "y", 77));
        assertThat(m.tls()).isNotNull();
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--sessions", "2"})).hasMessageContaining("--port");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--port", "1", "--bogus", "1"}))
                .hasMessageContaining("unknown option");
    }
}
