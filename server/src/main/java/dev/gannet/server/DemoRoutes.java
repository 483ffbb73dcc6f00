package dev.gannet.server;

import dev.gannet.http.HttpServer;
import dev.gannet.transport.Server;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/** The routes of {@code gannet serve}: the index, observability, and the TechEmpower benchmark contract. */
final class DemoRoutes {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ONE_KB = new byte[1024];

    static {
        java.util.Arrays.fill(ONE_KB, (byte) 'x');
    }

    private DemoRoutes() {
    }

    /** The JSON test's message: a fresh object per request, as the benchmark rules ask. */
    public record Message(String message) {
    }

    static void install(HttpServer app, AtomicReference<Server> server, boolean benchRoutes) {
        long started = System.currentTimeMillis();
        app.get("/plaintext", (req, res) -> res.contentType("text/plain").send(HELLO));
        app.get("/json", (req, res) -> res.json(new Message("Hello, World!")));
        app.get("/", (req, res) -> res.html("""
                <!doctype html><html><head><meta charset="utf-8"><title>Gannet</title></head>
                <body><h1>Gannet</h1><ul>
                <li><a href="/plaintext">/plaintext</a></li><li><a href="/json">/json</a></li>
                <li><a href="/health">/health</a></li><li><a href="/stats">/stats</a></li><li><a href="/metrics">/metrics</a></li>
                </ul></body></html>
                """));
        app.get("/health", (req, res) -> res.json(Map.of("status", "UP")));
        app.get("/health/live", (req, res) -> res.json(Map.of("status", "UP")));
        app.get("/health/ready", (req, res) -> {
            Server s = server.get();
            boolean ready = s != null && s.isAccepting();
            res.status(ready ? 200 : 503).json(Map.of("status", ready ? "UP" : "DOWN"));
        });
        app.get("/stats", (req, res) -> res.json(stats(server.get(), app, started)));
        app.get("/metrics", (req, res) -> res.contentType("text/plain; version=0.0.4; charset=utf-8")
                .text(app.metrics().prometheus() + transportMetrics(server.get())));
        if (benchRoutes) {
            app.get("/bench/1k", (req, res) -> res.contentType("application/octet-stream").send(ONE_KB));
            app.blocking().get("/bench/sleep", (req, res) -> {
                Thread.sleep(1);
                res.contentType("text/plain").send(HELLO);
            });
        }
    }

    private static String transportMetrics(Server s) {
        if (s == null) return "";
        var t = s.stats();
        return "# TYPE gannet_connections_open gauge\ngannet_connections_open " + t.open() + "\n"
                + "# TYPE gannet_connections_accepted_total counter\ngannet_connections_accepted_total " + t.accepted.sum() + "\n"
                + "# TYPE gannet_connections_rejected_total counter\ngannet_connections_rejected_total " + t.rejected.sum() + "\n"
                + "# TYPE gannet_connection_errors_total counter\ngannet_connection_errors_total " + t.errors.sum() + "\n"
                + "# TYPE gannet_bytes_read_total counter\ngannet_bytes_read_total " + t.bytesRead.sum() + "\n"
                + "# TYPE gannet_bytes_written_total counter\ngannet_bytes_written_total " + t.bytesWritten.sum() + "\n";
    }

    private static Map<String, Object> stats(Server s, HttpServer app, long started) {
        Map<String, Object> m = new LinkedHashMap<>();
        long uptimeMs = Math.max(1, System.currentTimeMillis() - started);
        m.put("uptimeSeconds", uptimeMs / 1000);
        long requests = app.metrics().requests();
        long[] p = app.metrics().latencyPercentilesMicros();
        m.put("requests", Map.of("total", requests, "active", app.metrics().activeRequests(),
                "perSecondAverage", requests * 1000 / uptimeMs));
        m.put("latencyMicros", Map.of("p50", p[0], "p99", p[1], "p999", p[2], "max", p[3]));
        if (s != null) {
            var t = s.stats();
            m.put("engine", s.engine());
            m.put("connections", Map.of("open", t.open(), "accepted", t.accepted.sum(), "closed", t.closed.sum(),
                    "rejected", t.rejected.sum(), "idleTimeouts", t.idleTimeouts.sum(), "errors", t.errors.sum()));
            m.put("bytes", Map.of("read", t.bytesRead.sum(), "written", t.bytesWritten.sum()));
            m.put("loops", s.loops().stream().map(l -> Map.of("name", l.name(), "connections", l.connections(),
                    "blockedWarnings", l.blockedWarnings())).toList());
        }
        List<Map<String, Object>> gcs = new java.util.ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.add(Map.of("name", gc.getName(), "count", gc.getCollectionCount(), "timeMs", gc.getCollectionTime()));
        }
        m.put("gc", gcs);
        return m;
    }
}
