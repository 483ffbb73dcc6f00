package dev.gannet.http.middleware;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RateLimitTest {

    @Test
    void burstThen429WithRetryAfter() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        try (TestServer s = TestServer.start(app -> app
                .use(RateLimit.perSecond(0.2, 3))
                .get("/", (req, res) -> {
                    handled.incrementAndGet();
                    res.text("ok");
                }))) {
            for (int i = 0; i < 3; i++) assertThat(s.get("/").statusCode()).isEqualTo(200);
            HttpResponse<String> limited = s.get("/");
            assertThat(limited.statusCode()).isEqualTo(429);
            // One token every 5 s: the client is told to come back in 5 (a slow machine may have earned part of it).
            assertThat(limited.headers().firstValue("retry-after")).get().isIn("4", "5");
            assertThat(handled).hasValue(3);
        }
    }

    @Test
    void keysAreIndependentAndNullKeysUnlimited() throws Exception {
        try (TestServer s = TestServer.start(app -> app
                .use(RateLimit.create(RateLimit.Config.builder().rate(1).burst(1).key(req -> req.header("X-Key")).build()))
                .get("/", (req, res) -> res.text("ok")))) {
            assertThat(s.get("/", "X-Key", "a").statusCode()).isEqualTo(200);
            assertThat(s.get("/", "X-Key", "a").statusCode()).isEqualTo(429);
            assertThat(s.get("/", "X-Key", "b").statusCode()).isEqualTo(200);
            for (int i = 0; i < 5; i++) assertThat(s.get("/").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void tokensRefillOverTime() {
        RateLimit rl = RateLimit.create(RateLimit.Config.builder().rate(10).burst(2).build());
        long t = 1_000_000_000L;
        assertThat(rl.acquire("k", t)).isZero();
        assertThat(rl.acquire("k", t)).isZero();
        long wait = rl.acquire("k", t);
        assertThat(wait).isBetween(99_000_000L, 100_000_000L);
        assertThat(rl.acquire("k", t + 50_000_000L)).isPositive();
        assertThat(rl.acquire("k", t + 100_000_000L)).isZero();
        // A long pause refills only up to the burst.
        long later = t + 60_000_000_000L;
        assertThat(rl.acquire("k", later)).isZero();
        assertThat(rl.acquire("k", later)).isZero();
        assertThat(rl.acquire("k", later)).isPositive();
    }

    @Test
    void bucketCountStaysBounded() {
        RateLimit rl = RateLimit.create(RateLimit.Config.builder().rate(1).burst(5).maxBuckets(100).build());
        long t = 0;
        for (int i = 0; i < 10_000; i++) rl.acquire("client-" + i, t += 1_000);
        assertThat(rl.bucketCount()).isLessThanOrEqualTo(100);
        // Idle buckets go first: long after, a new client triggers a sweep that leaves only it.
        for (int i = 0; i < 100; i++) rl.acquire("late-" + i, t + 10_000_000_000L + i);
        assertThat(rl.bucketCount()).isLessThanOrEqualTo(100);
    }

    @Test
    void concurrentClientsNeverGetMoreThanTheBurst() throws Exception {
        RateLimit rl = RateLimit.create(RateLimit.Config.builder().rate(0.001).burst(50).build());
        AtomicInteger granted = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int j = 0; j < 1000; j++) if (rl.acquire("shared", System.nanoTime()) == 0) granted.incrementAndGet();
            }));
        }
        for (Thread th : threads) th.join();
        assertThat(granted.get()).isBetween(50, 51);
    }
}
