package dev.gannet.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyIntervalTest {

    /** Records {@code n} requests of {@code micros} each on the calling thread's shard, as a loop does. */
    private static void record(HttpMetrics m, int n, long micros) {
        HttpMetrics.Shard s = m.shard(1);
        for (int i = 0; i < n; i++) {
            s.begin();
            s.end(0, "GET", "/", 0, 200, micros * 1000);
        }
    }

    @Test
    void eachIntervalCountsOnlyWhatWasRecordedInIt() {
        HttpMetrics m = new HttpMetrics(1);
        record(m, 200, 10_000); // before the interval starts: never in it
        LatencyInterval window = new LatencyInterval(m);

        record(m, 99, 100);
        record(m, 1, 5_000);
        LatencyInterval.Snapshot first = window.next();
        assertThat(first.count()).isEqualTo(100);
        assertThat(first.p50()).isBetween(99L, 101L);
        assertThat(first.p99()).isBetween(99L, 101L);
        assertThat(first.max()).isBetween(4_950L, 5_050L);

        // The slow requests of the first interval no longer weigh on the second.
        record(m, 10, 2_000);
        LatencyInterval.Snapshot second = window.next();
        assertThat(second.count()).isEqualTo(10);
        assertThat(second.p50()).isBetween(1_980L, 2_020L);
        assertThat(second.max()).isBetween(1_980L, 2_020L);

        // Whereas since start, the 10 ms requests still set the median.
        assertThat(m.latencyPercentilesMicros()[0]).isGreaterThan(5_000L);
    }

    @Test
    void anIntervalWithoutRequestsSaysSo() {
        HttpMetrics m = new HttpMetrics(1);
        LatencyInterval window = new LatencyInterval(m);
        assertThat(window.next()).isEqualTo(new LatencyInterval.Snapshot(0, 0, 0, 0, 0));
        record(m, 3, 700);
        assertThat(window.next().count()).isEqualTo(3);
        assertThat(window.next().count()).isZero();
    }

    @Test
    void requestsOfSeveralThreadsAddUp() throws Exception {
        HttpMetrics m = new HttpMetrics(1);
        LatencyInterval window = new LatencyInterval(m);
        Thread a = Thread.ofPlatform().start(() -> record(m, 1_000, 300));
        Thread b = Thread.ofVirtual().start(() -> record(m, 1_000, 300));
        a.join();
        b.join();
        LatencyInterval.Snapshot s = window.next();
        assertThat(s.count()).isEqualTo(2_000);
        assertThat(s.p99()).isBetween(297L, 303L);
    }
}
