package dev.gannet.http.middleware;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.Middleware;
import dev.gannet.http.Request;
import dev.gannet.http.Response;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A token bucket per client: {@code burst} requests at once, refilled at {@code rate} per second. A request finding
 * the bucket empty gets 429 with {@code Retry-After} (whole seconds until a token is back) and does not reach the
 * handler.
 *
 * <p>Memory is bounded: at most about {@code maxBuckets} buckets are kept. Past that, buckets idle long enough to be
 * full again are dropped (forgetting them changes nothing), and if every bucket is busy, arbitrary ones are dropped
 * too; those clients get a fresh burst, which is the price of not letting a flood of addresses exhaust the heap.
 *
 * <p>Buckets are shared by every event loop and virtual thread; each is guarded by its own lock, held for a few
 * arithmetic operations.
 */
public final class RateLimit implements Middleware {
    /**
     * @param rate       tokens added per second
     * @param burst      bucket size: requests allowed back to back after a quiet period
     * @param maxBuckets clients remembered at most
     * @param key        the client a request counts against; a null key is not limited (e.g. to exempt health
     *                   checks)
     */
    public record Config(double rate, int burst, int maxBuckets, Function<Request, String> key) {
        public static final double DEFAULT_RATE = 10;
        public static final int DEFAULT_BURST = 20;
        public static final int DEFAULT_MAX_BUCKETS = 100_000;

        public Config {
            if (!(rate > 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("rate must be > 0");
            if (burst < 1) throw new IllegalArgumentException("burst must be >= 1");
            if (maxBuckets < 1) throw new IllegalArgumentException("maxBuckets must be >= 1");
            Objects.requireNonNull(key, "key");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private double rate = DEFAULT_RATE;
            private int burst = DEFAULT_BURST;
            private int maxBuckets = DEFAULT_MAX_BUCKETS;
            private Function<Request, String> key = ClientAddress.peer()::resolve;

            public Builder rate(double perSecond) { rate = perSecond; return this; }
            public Builder burst(int v) { burst = v; return this; }
            public Builder maxBuckets(int v) { maxBuckets = v; return this; }
            public Builder key(Function<Request, String> v) { key = v; return this; }
            /** Counts per client address as resolved behind these proxies. */
            public Builder clientAddress(ClientAddress v) { key = v::resolve; return this; }

            public Config build() {
                return new Config(rate, burst, maxBuckets, key);
            }
        }
    }

    private final Config config;
    private final double tokensPerNano;
    /** How long an untouched bucket takes to be full again, after which it is as good as a new one. */
    private final long refillNanos;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final ReentrantLock sweeping = new ReentrantLock();

    private RateLimit(Config config) {
        this.config = config;
        this.tokensPerNano = config.rate() / 1e9;
        this.refillNanos = (long) Math.ceil(config.burst() / tokensPerNano);
    }

    public static RateLimit create(Config config) {
        return new RateLimit(config);
    }

    /** {@code rate} requests per second per client address, bursts of {@code burst}. */
    public static RateLimit perSecond(double rate, int burst) {
        return new RateLimit(Config.builder().rate(rate).burst(burst).build());
    }

    @Override
    public void handle(Request req, Response res, HttpHandler next) throws Exception {
        String key = config.key().apply(req);
        if (key != null) {
            long wait = acquire(key, System.nanoTime());
            if (wait > 0) {
                long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
                res.status(429).header("Retry-After", Long.toString(seconds)).text("Too Many Requests\n");
                return;
            }
        }
        next.handle(req, res);
    }

    /** Takes a token for {@code key}: 0 when granted, else the nanoseconds until one is available. */
    long acquire(String key, long now) {
        Bucket b = buckets.get(key);
        if (b == null) {
            b = buckets.computeIfAbsent(key, k -> new Bucket(config.burst(), now));
            if (buckets.size() > config.maxBuckets()) evict(now);
        }
        return b.take(now);
    }

    int bucketCount() {
        return buckets.size();
    }

    /**
     * Brings the map back under 90% of the cap, so the O(n) walk happens once per tenth of the cap in new clients,
     * not once per request. One thread sweeps; the others carry on (the map overshoots by at most a few entries).
     */
    private void evict(long now) {
        if (!sweeping.tryLock()) return;
        try {
            int target = config.maxBuckets() - Math.max(1, config.maxBuckets() / 10);
            buckets.values().removeIf(b -> b.idleSince(now, refillNanos));
            for (Iterator<Bucket> it = buckets.values().iterator(); buckets.size() > target && it.hasNext(); ) {
                it.next();
                it.remove();
            }
        } finally {
            sweeping.unlock();
        }
    }

    private final class Bucket {
        private double tokens;
        private long last;

        Bucket(int burst, long now) {
            this.tokens = burst;
            this.last = now;
        }

        synchronized long take(long now) {
            // Clocks read on different threads may be slightly out of order: never refill backwards.
            if (now > last) {
                tokens = Math.min(config.burst(), tokens + (now - last) * tokensPerNano);
                last = now;
            }
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / tokensPerNano));
        }

        synchronized boolean idleSince(long now, long refill) {
            return now - last >= refill;
        }
    }
}
