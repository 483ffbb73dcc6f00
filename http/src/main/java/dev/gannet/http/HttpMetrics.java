package dev.gannet.http;

import org.HdrHistogram.Histogram;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Request metrics of one server, in OpenTelemetry's HTTP names: {@code http.server.request.duration} (a histogram
 * by method, route and status) and {@code http.server.active_requests}, exposed as Prometheus text; plus an
 * HdrHistogram of all latencies for p50/p99/p99.9.
 *
 * <p>Recording is on every request's path, so it takes no atomic instruction and allocates nothing once a
 * (method, route, status) series exists: each event-loop thread records into a {@link Shard} of its own, with plain
 * (opaque) stores, and readers add the shards up. Virtual threads (the {@code vthread} engine) have no loop to own
 * a shard; they share a few shards, each behind its lock. A scrape reads an event loop's shard while the loop writes
 * it: it may miss a request recorded at that instant, but every figure it reads is one the loop wrote.
 */
public final class HttpMetrics {
    /**
     * The method label of every method the router does not know (index -1), as OpenTelemetry's HTTP conventions
     * name it: one series for all of them, so a client sending made-up methods cannot create series at will, and
     * none is counted under another's name.
     */
    static final String OTHER_METHOD = "_OTHER";
    /** OpenTelemetry's default bucket boundaries for request durations, in seconds. */
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};
    /** The same boundaries in nanoseconds, so placing a duration needs no floating point. */
    private static final long[] BUCKET_NANOS = new long[BUCKETS.length];
    private static final long HIGHEST_MICROS = 3_600_000_000L;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle STARTED;
    private static final VarHandle FINISHED;

    static {
        for (int i = 0; i < BUCKETS.length; i++) BUCKET_NANOS[i] = Math.round(BUCKETS[i] * 1e9);
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STARTED = l.findVarHandle(Shard.class, "started", long.class);
            FINISHED = l.findVarHandle(Shard.class, "finished", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final List<Shard> shards = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Shard> perThread;
    private final Shard[] shared;

    HttpMetrics(int routes) {
        this.perThread = ThreadLocal.withInitial(() -> register(new Shard(Thread.currentThread(), routes)));
        // A power of two a few times the cores: virtual threads run on that many carriers at once.
        int n = Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 4);
        this.shared = new Shard[n];
        for (int i = 0; i < n; i++) shared[i] = register(new Shard(null, routes));
    }

    private Shard register(Shard s) {
        shards.add(s);
        return s;
    }

    /** The shard the calling thread records into; a connection's requests on a virtual thread keep to one. */
    Shard shard(long connectionId) {
        Thread t = Thread.currentThread();
        return t.isVirtual() ? shared[(int) connectionId & (shared.length - 1)] : perThread.get();
    }

    /** The counters one thread writes (or, for virtual threads, a few write under its lock). */
    static final class Shard {
        /** The only thread that writes this shard, or null for a shard shared under its lock. */
        private final Thread owner;
        private long started;
        private long finished;
        private final Histogram latency = new Histogram(HIGHEST_MICROS, 2);
        private final Map<Long, Series> series = new ConcurrentHashMap<>();
        /** The series each route used last: a request usually repeats its route's last method and status. */
        private final Series[] lastByRoute;
        /** Requests waiting for {@link #endDeferred}; only an owned shard has them (a shared one locks per call). */
        private final Deferred deferred;

        Shard(Thread owner, int routes) {
            this.owner = owner;
            this.lastByRoute = new Series[routes];
            this.deferred = owner != null ? new Deferred() : null;
        }

        /** Whether the calling thread may record here. */
        boolean usableBy(Thread t) {
            return owner == null ? t.isVirtual() : owner == t;
        }

        void begin() {
            if (owner != null) {
                STARTED.setOpaque(this, started + 1);
            } else {
                synchronized (this) {
                    STARTED.setOpaque(this, started + 1);
                }
            }
        }

        void end(int methodIndex, String method, String route, int routeId, int status, long nanos) {
            if (owner != null) {
                record(methodIndex, method, route, routeId, status, nanos);
            } else {
                synchronized (this) {
                    record(methodIndex, method, route, routeId, status, nanos);
                }
            }
        }

        /**
         * As {@link #end}, but the request's duration ends at the next {@link #endDeferred} (when the read that held
         * it is done), so a pipelined batch reads the clock once. False on a shared shard: record with end instead.
         */
        boolean endLater(int methodIndex, String method, String route, int routeId, int status, long startedAt) {
            Deferred d = deferred;
            if (d == null) return false;
            int i = d.count++;
            d.methodIndex[i] = methodIndex;
            d.method[i] = method;
            d.route[i] = route;
            d.routeId[i] = routeId;
            d.status[i] = status;
            d.startedAt[i] = startedAt;
            if (d.count == Deferred.CAPACITY) endDeferred();
            return true;
        }

        /** Records what {@link #endLater} kept, each ending now. */
        void endDeferred() {
            Deferred d = deferred;
            if (d == null || d.count == 0) return;
            long now = System.nanoTime();
            for (int i = 0; i < d.count; i++) {
                record(d.methodIndex[i], d.method[i], d.route[i], d.routeId[i], d.status[i], now - d.startedAt[i]);
                d.method[i] = null;
                d.route[i] = null;
            }
            d.count = 0;
        }

        private void record(int methodIndex, String method, String route, int routeId, int status, long nanos) {
            latency.recordValue(Math.min(Math.max(nanos, 0) / 1000, HIGHEST_MICROS));
            Series s = lastByRoute[routeId];
            if (s == null || s.status != status || s.methodIndex != methodIndex) {
                // Only a change of method or status on a route pays for the map lookup (and its boxed key).
                s = series.computeIfAbsent(key(routeId, methodIndex, status),
                        k -> new Series(methodIndex, methodIndex < 0 ? OTHER_METHOD : method, route, status));
                lastByRoute[routeId] = s;
            }
            int b = 0;
            while (b < BUCKET_NANOS.length && nanos > BUCKET_NANOS[b]) b++;
            LONGS.setOpaque(s.buckets, b, s.buckets[b] + 1);
            LONGS.setOpaque(s.sumNanos, 0, s.sumNanos[0] + nanos);
            FINISHED.setOpaque(this, finished + 1);
        }

        /** Runs {@code read} as a reader should: under the lock for a shared shard, as is for an owned one. */
        private void read(Runnable read) {
            if (owner != null) {
                read.run();
            } else {
                synchronized (this) {
                    read.run();
                }
            }
        }
    }

    /** Requests an owned shard is to record at the end of the current read: at most a batch of them. */
    private static final class Deferred {
        static final int CAPACITY = 16;
        final int[] methodIndex = new int[CAPACITY];
        final String[] method = new String[CAPACITY];
        final String[] route = new String[CAPACITY];
        final int[] routeId = new int[CAPACITY];
        final int[] status = new int[CAPACITY];
        final long[] startedAt = new long[CAPACITY];
        int count;
    }

    private static long key(int routeId, int methodIndex, int status) {
        return ((long) routeId << 24) | ((long) (methodIndex & 0xFF) << 16) | status;
    }

    /** One method/route/status combination, within one shard. */
    private static final class Series {
        final int methodIndex;
        final String method;
        final String route;
        final int status;
        final long[] buckets = new long[BUCKETS.length + 1];
        final long[] sumNanos = new long[1];

        Series(int methodIndex, String method, String route, int status) {
            this.methodIndex = methodIndex;
            this.method = method;
            this.route = route;
            this.status = status;
        }
    }

    /** p50, p99, p99.9 and max in microseconds, over everything recorded since the server started. */
    public long[] latencyPercentilesMicros() {
        Histogram total = newLatencyHistogram();
        addLatencyTo(total);
        return new long[] {total.getValueAtPercentile(50), total.getValueAtPercentile(99),
                total.getValueAtPercentile(99.9), total.getMaxValue()};
    }

    /** A histogram shaped as the shards' ones, for {@link #addLatencyTo}. */
    static Histogram newLatencyHistogram() {
        return new Histogram(HIGHEST_MICROS, 2);
    }

    /** Adds every latency recorded since the server started (in microseconds) to {@code into}. */
    void addLatencyTo(Histogram into) {
        // Histogram.add counts what it reads, so a sum taken while a loop records is still self-consistent.
        for (Shard s : shards) s.read(() -> into.add(s.latency));
    }

    /** Requests answered since the server started. */
    public long requests() {
        long n = 0;
        for (Shard s : shards) n += (long) FINISHED.getOpaque(s);
        return n;
    }

    /** Requests begun and not yet answered. */
    public long activeRequests() {
        // Finished first: a request counted there was counted as started before, so the difference is never short.
        long finished = requests();
        long started = 0;
        for (Shard s : shards) started += (long) STARTED.getOpaque(s);
        return Math.max(0, started - finished);
    }

    /** Prometheus text exposition (version 0.0.4). */
    public String prometheus() {
        // Series summed over the shards, in a stable order (route, method, status).
        Map<Long, long[]> sums = new TreeMap<>();
        Map<Long, Series> names = new TreeMap<>();
        for (Shard shard : shards) {
            shard.read(() -> {
                for (Map.Entry<Long, Series> e : shard.series.entrySet()) {
                    Series s = e.getValue();
                    long[] sum = sums.computeIfAbsent(e.getKey(), k -> new long[BUCKETS.length + 2]);
                    for (int i = 0; i <= BUCKETS.length; i++) sum[i] += (long) LONGS.getOpaque(s.buckets, i);
                    sum[BUCKETS.length + 1] += (long) LONGS.getOpaque(s.sumNanos, 0);
                    names.putIfAbsent(e.getKey(), s);
                }
            });
        }
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP http_server_request_duration_seconds Duration of HTTP server requests.\n");
        sb.append("# TYPE http_server_request_duration_seconds histogram\n");
        for (Map.Entry<Long, long[]> e : sums.entrySet()) {
            Series s = names.get(e.getKey());
            long[] c = e.getValue();
            String labels = "http_request_method=\"" + s.method + "\",http_route=\"" + escape(s.route)
                    + "\",http_response_status_code=\"" + s.status + "\"";
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += c[i];
                sb.append("http_server_request_duration_seconds_bucket{").append(labels).append(",le=\"")
                        .append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += c[BUCKETS.length];
            sb.append("http_server_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ").append(cumulative).append('\n');
            sb.append("http_server_request_duration_seconds_sum{").append(labels).append("} ").append(c[BUCKETS.length + 1] / 1e9).append('\n');
            sb.append("http_server_request_duration_seconds_count{").append(labels).append("} ").append(cumulative).append('\n');
        }
        sb.append("# HELP http_server_active_requests Number of active HTTP server requests.\n");
        sb.append("# TYPE http_server_active_requests gauge\n");
        sb.append("http_server_active_requests ").append(activeRequests()).append('\n');
        return sb.toString();
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
