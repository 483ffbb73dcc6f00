package dev.gannet.http;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request metrics of one server, in OpenTelemetry's HTTP names: {@code http.server.request.duration} (a histogram
 * by method, route and status) and {@code http.server.active_requests}, exposed as Prometheus text; plus an
 * HdrHistogram of all latencies for p50/p99/p99.9. Recording from any loop allocates nothing once a
 * (method, route, status) series exists.
 */
public final class HttpMetrics {
    /** OpenTelemetry's default bucket boundaries for request durations, in seconds. */
    static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10};

    final LongAdder active = new LongAdder();
    final LongAdder requests = new LongAdder();
    private final Map<Long, Series> series = new ConcurrentHashMap<>();
    /** The series each route used last: a request usually repeats its route's last method and status. */
    private final Series[] lastByRoute;
    private final Recorder latency = new Recorder(3_600_000_000L, 2);
    private Histogram interval;

    HttpMetrics(int routes) {
        lastByRoute = new Series[routes];
    }

    /** One method/route/status combination. */
    static final class Series {
        final int methodIndex;
        final String method;
        final String route;
        final int status;
        final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
        final DoubleAdder sum = new DoubleAdder();

        Series(int methodIndex, String method, String route, int status) {
            this.methodIndex = methodIndex;
            this.method = method;
            this.route = route;
            this.status = status;
            for (int i = 0; i < buckets.length; i++) buckets[i] = new LongAdder();
        }
    }

    void record(int methodIndex, String method, String route, int routeId, int status, long nanos) {
        requests.increment();
        latency.recordValue(Math.min(nanos / 1000, 3_600_000_000L));
        Series s = lastByRoute[routeId];
        if (s == null || s.status != status || s.methodIndex != methodIndex) {
            // Only a change of method or status on a route pays for the map lookup (and its boxed key).
            long key = ((long) routeId << 24) | ((long) (methodIndex & 0xFF) << 16) | status;
            s = series.computeIfAbsent(key, k -> new Series(methodIndex, method, route, status));
            lastByRoute[routeId] = s;
        }
        double seconds = nanos / 1e9;
        int b = 0;
        while (b < BUCKETS.length && seconds > BUCKETS[b]) b++;
        s.buckets[b].increment();
        s.sum.add(seconds);
    }

    /** p50, p99, p99.9 and max in microseconds, over everything recorded since the server started. */
    public synchronized long[] latencyPercentilesMicros() {
        interval = latency.getIntervalHistogram(interval);
        if (total == null) total = new Histogram(3_600_000_000L, 2);
        total.add(interval);
        return new long[] {total.getValueAtPercentile(50), total.getValueAtPercentile(99),
                total.getValueAtPercentile(99.9), total.getMaxValue()};
    }

    private Histogram total;

    public long requests() {
        return requests.sum();
    }

    public long activeRequests() {
        return active.sum();
    }

    /** Prometheus text exposition (version 0.0.4). */
    public String prometheus() {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP http_server_request_duration_seconds Duration of HTTP server requests.\n");
        sb.append("# TYPE http_server_request_duration_seconds histogram\n");
        for (Series s : series.values()) {
            String labels = "http_request_method=\"" + s.method + "\",http_route=\"" + escape(s.route)
                    + "\",http_response_status_code=\"" + s.status + "\"";
            long cumulative = 0;
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative += s.buckets[i].sum();
                sb.append("http_server_request_duration_seconds_bucket{").append(labels).append(",le=\"")
                        .append(BUCKETS[i]).append("\"} ").append(cumulative).append('\n');
            }
            cumulative += s.buckets[BUCKETS.length].sum();
            sb.append("http_server_request_duration_seconds_bucket{").append(labels).append(",le=\"+Inf\"} ").append(cumulative).append('\n');
            sb.append("http_server_request_duration_seconds_sum{").append(labels).append("} ").append(s.sum.sum()).append('\n');
            sb.append("http_server_request_duration_seconds_count{").append(labels).append("} ").append(cumulative).append('\n');
        }
        sb.append("# HELP http_server_active_requests Number of active HTTP server requests.\n");
        sb.append("# TYPE http_server_active_requests gauge\n");
        sb.append("http_server_active_requests ").append(active.sum()).append('\n');
        return sb.toString();
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
