package dev.gannet.http;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class HttpMetricsTest {

    @Test
    void sumsShardsOfPlatformAndVirtualThreads() throws Exception {
        HttpMetrics m = new HttpMetrics(2);
        int perThread = 10_000;
        List<Thread> threads = new ArrayList<>();
        // Two "loops" (platform threads, a shard each) and eight virtual threads sharing the locked shards.
        for (int i = 0; i < 10; i++) {
            long connection = i;
            Runnable work = () -> {
                for (int r = 0; r < perThread; r++) {
                    HttpMetrics.Shard s = m.shard(connection);
                    assertThat(s.usableBy(Thread.currentThread())).isTrue();
                    s.begin();
                    s.end(0, "GET", "/a", 0, r % 10 == 0 ? 404 : 200, 2_000_000);
                }
            };
            threads.add(i < 2 ? Thread.ofPlatform().start(work) : Thread.ofVirtual().start(work));
        }
        for (Thread t : threads) t.join();

        assertThat(m.requests()).isEqualTo(10L * perThread);
        assertThat(m.activeRequests()).isZero();
        String text = m.prometheus();
        // Every request took 2 ms: all land in the first bucket (5 ms); the 404s are a series of their own.
        assertThat(text).contains("http_server_request_duration_seconds_bucket{http_request_method=\"GET\","
                + "http_route=\"/a\",http_response_status_code=\"200\",le=\"0.005\"} 90000\n");
        assertThat(text).contains("http_server_request_duration_seconds_count{http_request_method=\"GET\","
                + "http_route=\"/a\",http_response_status_code=\"404\"} 10000\n");
        assertThat(text).contains("http_server_request_duration_seconds_sum{http_request_method=\"GET\","
                + "http_route=\"/a\",http_response_status_code=\"404\"} 20.0\n");
        long[] p = m.latencyPercentilesMicros();
        assertThat(p[0]).isBetween(1_980L, 2_020L);
        assertThat(p[3]).isBetween(1_980L, 2_020L);
    }

    @Test
    void activeCountsBegunRequestsUntilTheyEnd() throws Exception {
        HttpMetrics m = new HttpMetrics(1);
        CountDownLatch begun = new CountDownLatch(1);
        CountDownLatch end = new CountDownLatch(1);
        Thread loop = Thread.ofPlatform().start(() -> {
            HttpMetrics.Shard s = m.shard(1);
            s.begin();
            s.begin();
            begun.countDown();
            try {
                end.await();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            s.end(0, "GET", "/", 0, 200, 1_000);
        });
        begun.await();
        assertThat(m.activeRequests()).isEqualTo(2);
        assertThat(m.prometheus()).contains("http_server_active_requests 2\n");
        end.countDown();
        loop.join();
        assertThat(m.activeRequests()).isEqualTo(1);
        assertThat(m.requests()).isEqualTo(1);
    }

    @Test
    void aThreadKeepsItsShardAndOthersCannotUseIt() throws Exception {
        HttpMetrics m = new HttpMetrics(1);
        HttpMetrics.Shard mine = m.shard(7);
        assertThat(m.shard(8)).isSameAs(mine);
        boolean[] usable = new boolean[1];
        Thread other = Thread.ofPlatform().start(() -> usable[0] = mine.usableBy(Thread.currentThread()));
        other.join();
        assertThat(usable[0]).isFalse();
    }

    @Test
    void anOwnedShardRecordsDeferredRequestsAtTheEndOfTheReadOrWhenABatchIsFull() throws Exception {
        HttpMetrics m = new HttpMetrics(1);
        HttpMetrics.Shard mine = m.shard(1);
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) assertThat(mine.endLater(0, "GET", "/a", 0, 200, start)).isTrue();
        assertThat(m.requests()).isZero();
        mine.endDeferred();
        assertThat(m.requests()).isEqualTo(3);
        // A full batch goes at once, without waiting for the read to end.
        for (int i = 0; i < 16; i++) mine.endLater(0, "GET", "/a", 0, 200, start);
        assertThat(m.requests()).isEqualTo(19);
        mine.endDeferred();
        assertThat(m.requests()).isEqualTo(19);

        // Virtual threads share locked shards, which record at once instead.
        boolean[] deferred = new boolean[1];
        Thread.ofVirtual().start(() -> deferred[0] = m.shard(2).endLater(0, "GET", "/a", 0, 200, start)).join();
        assertThat(deferred[0]).isFalse();
    }

    @Test
    void methodsTheRouterDoesNotKnowShareTheOtherLabel() {
        HttpMetrics m = new HttpMetrics(1);
        HttpMetrics.Shard s = m.shard(0);
        s.begin();
        s.end(-1, "FROBNICATE", "/a", 0, 405, 1_000);
        s.begin();
        s.end(-1, "PURGE", "/a", 0, 405, 1_000);
        s.begin();
        s.end(0, "GET", "/a", 0, 405, 1_000);
        String text = m.prometheus();
        assertThat(text).doesNotContain("FROBNICATE").doesNotContain("PURGE")
                .contains("http_server_request_duration_seconds_count{http_request_method=\"_OTHER\",http_route=\"/a\",http_response_status_code=\"405\"} 2\n")
                .contains("http_server_request_duration_seconds_count{http_request_method=\"GET\",http_route=\"/a\",http_response_status_code=\"405\"} 1\n");
    }
}
