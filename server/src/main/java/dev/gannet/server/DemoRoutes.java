package dev.gannet.server;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.HttpServer;
import dev.gannet.http.JsonMapper;
import dev.gannet.http.Request;
import dev.gannet.http.sse.SseConfig;
import dev.gannet.http.sse.SseHandler;
import dev.gannet.http.sse.SseStream;
import dev.gannet.http.ws.CloseCodes;
import dev.gannet.http.ws.WebSocket;
import dev.gannet.http.ws.WebSocketConfig;
import dev.gannet.http.ws.WebSocketHandler;
import dev.gannet.http.ws.WebSocketRoute;
import dev.gannet.transport.Server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The routes of {@code gannet serve}: the live dashboard, observability, a WebSocket echo and chat, and the
 * TechEmpower benchmark contract.
 */
final class DemoRoutes {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ONE_KB = new byte[1024];
    /** Room names end up in topic names and in the page: keep them to a small, unambiguous alphabet. */
    private static final Pattern ROOM = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    static {
        java.util.Arrays.fill(ONE_KB, (byte) 'x');
    }

    private DemoRoutes() {
    }

    /** The JSON test's message: a fresh object per request, as the benchmark rules ask. */
    public record Message(String message) {
    }

    static void install(HttpServer app, AtomicReference<Server> server, boolean benchRoutes) {
        Live live = new Live(app, server);
        app.get("/plaintext", (req, res) -> res.contentType("text/plain").send(HELLO));
        app.get("/json", (req, res) -> res.json(new Message("Hello, World!")));

        // The dashboard: static files read once at startup, served from memory.
        byte[] index = resource("index.html");
        byte[] js = resource("dashboard.js");
        byte[] css = resource("dashboard.css");
        app.get("/", (req, res) -> res.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache").send(index));
        app.get("/dashboard/dashboard.js", (req, res) -> res.contentType("text/javascript; charset=utf-8").header("Cache-Control", "no-cache").send(js));
        app.get("/dashboard/dashboard.css", (req, res) -> res.contentType("text/css; charset=utf-8").header("Cache-Control", "no-cache").send(css));

        app.get("/health", (req, res) -> res.json(Map.of("status", "UP")));
        app.get("/health/live", (req, res) -> res.json(Map.of("status", "UP")));
        app.get("/health/ready", (req, res) -> {
            Server s = server.get();
            boolean ready = s != null && s.isReady();
            res.status(ready ? 200 : 503).json(Map.of("status", ready ? "UP" : "DOWN"));
        });
        app.get("/stats", (req, res) -> res.json(live.stats()));
        app.get("/metrics", (req, res) -> res.contentType("text/plain; version=0.0.4; charset=utf-8")
                .text(app.metrics().prometheus() + transportMetrics(server.get())));

        // Browsers let any page open a WebSocket to any server, with the user's cookies: the demo accepts only pages
        // it served itself. The allow-list needs the bound port, which --port 0 only tells after start, so each
        // endpoint's handler is made on its first request (never before the server listens).
        WebSocketConfig echoConfig = WebSocketConfig.builder().build();
        WebSocketConfig chatConfig = WebSocketConfig.builder().maxMessageSize(16 * 1024).build();
        app.route("GET", "/ws", webSocket(server, echoConfig, live.echo(), req -> true));
        app.route("GET", "/chat/{room}", webSocket(server, chatConfig, live.chat(),
                req -> ROOM.matcher(req.pathParam("room")).matches()));

        // Heartbeats are moot with an event every second; a client too slow for that misses ticks rather than queueing them.
        app.sse("/events/stats", SseConfig.builder().heartbeatInterval(java.time.Duration.ZERO)
                .slowConsumer(SseConfig.SlowConsumer.DROP).build(), live.statsStream());

        if (benchRoutes) {
            app.get("/bench/1k", (req, res) -> res.contentType("application/octet-stream").send(ONE_KB));
            app.blocking().get("/bench/sleep", (req, res) -> {
                Thread.sleep(1);
                res.contentType("text/plain").send(HELLO);
            });
        }
    }

    /**
     * A WebSocket route whose request is checked first ({@code accept}: 400 before any upgrade, so a bad room never
     * becomes a socket) and whose Origin allow-list lists the server's own origins.
     */
    private static HttpHandler webSocket(AtomicReference<Server> server, WebSocketConfig config,
                                         WebSocketHandler handler, java.util.function.Predicate<Request> accept) {
        Supplier<HttpHandler> upgrade = lazily(() -> WebSocketRoute.handler(
                config.toBuilder().allowedOrigins(ownOrigins(server.get())).build(), handler));
        return (req, res) -> {
            if (!accept.test(req)) {
                res.status(400).text("Bad Request: a room name is 1 to 64 letters, digits, '-' or '_'\n");
                return;
            }
            if (server.get() == null) { // between app.start() and the holder being set: the port is not known yet
                res.status(503).header("Retry-After", "1").text("Service Unavailable: starting\n");
                return;
            }
            upgrade.get().handle(req, res);
        };
    }

    /**
     * The origins of pages this server serves: localhost and the loopback addresses, the bound address, and when
     * bound to every interface, each interface's address and the host name. http and https, for --tls.
     */
    static List<String> ownOrigins(Server s) {
        if (s == null) throw new IllegalStateException("the server is not started");
        InetSocketAddress bound = s.localAddress();
        int port = bound.getPort();
        Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "[::1]"));
        InetAddress addr = bound.getAddress();
        if (addr.isAnyLocalAddress()) {
            try {
                hosts.add(InetAddress.getLocalHost().getHostName());
                for (NetworkInterface ni : NetworkInterface.networkInterfaces().toList()) {
                    ni.inetAddresses().forEach(a -> hosts.add(hostLiteral(a)));
                }
            } catch (IOException e) {
                // No interface list: the loopback origins still work.
            }
        } else {
            hosts.add(hostLiteral(addr));
        }
        List<String> origins = new ArrayList<>();
        for (String h : hosts) {
            origins.add("http://" + h + ":" + port);
            origins.add("https://" + h + ":" + port);
        }
        return origins;
    }

    private static String hostLiteral(InetAddress a) {
        String h = a.getHostAddress();
        int zone = h.indexOf('%');
        if (zone >= 0) h = h.substring(0, zone); // browsers do not send an IPv6 zone in Origin
        return a instanceof java.net.Inet6Address ? "[" + h + "]" : h;
    }

    /** Made once, on first use, by whichever thread gets there first. */
    private static <T> Supplier<T> lazily(Supplier<T> make) {
        AtomicReference<T> ref = new AtomicReference<>();
        return () -> {
            T v = ref.get();
            if (v == null) {
                ref.compareAndSet(null, make.get());
                v = ref.get();
            }
            return v;
        };
    }

    private static byte[] resource(String name) {
        try (InputStream in = DemoRoutes.class.getResourceAsStream("dashboard/" + name)) {
            if (in == null) throw new IllegalStateException("missing resource dev/gannet/server/dashboard/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
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

    /** The demo's live state: the stats, the sockets and streams open, and the one ticker that feeds the streams. */
    private static final class Live {
        private final HttpServer app;
        private final AtomicReference<Server> server;
        private final JsonMapper json;
        private final long started = System.currentTimeMillis();
        private final AtomicInteger socketsOpen = new AtomicInteger();
        private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();
        private final AtomicLong eventId = new AtomicLong();
        /** The last tick's event (id, data), so that a stream that opens shows figures at once. */
        private volatile String[] latest;
        private final ScheduledThreadPoolExecutor ticker;
        private ScheduledFuture<?> ticking; // guarded by this
        // The last sample of the request counter, and the rate over the interval that ended there; guarded by this.
        private long sampleNanos = System.nanoTime();
        private long sampleRequests;
        private long perSecond;

        Live(HttpServer app, AtomicReference<Server> server) {
            this.app = app;
            this.server = server;
            this.json = app.config().json();
            // One daemon thread for every stream; it runs only while a stream is open, and ends when idle.
            ticker = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("gannet-stats-ticker").unstarted(r));
            ticker.setKeepAliveTime(10, TimeUnit.SECONDS);
            ticker.allowCoreThreadTimeOut(true);
            ticker.setRemoveOnCancelPolicy(true);
        }

        /** Requests per second over the last interval of at least a second; shorter intervals reuse the last rate. */
        private synchronized long requestsPerSecond(long total) {
            long now = System.nanoTime();
            long elapsed = now - sampleNanos;
            if (elapsed >= 950_000_000L) { // a tick may come a little early; 5% off is within the display's precision
                perSecond = Math.round((total - sampleRequests) * 1e9 / elapsed);
                sampleNanos = now;
                sampleRequests = total;
            }
            return perSecond;
        }

        Map<String, Object> stats() {
            Server s = server.get();
            Map<String, Object> m = new LinkedHashMap<>();
            long uptimeMs = Math.max(1, System.currentTimeMillis() - started);
            m.put("uptimeSeconds", uptimeMs / 1000);
            long requests = app.metrics().requests();
            long[] p = app.metrics().latencyPercentilesMicros();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("total", requests);
            r.put("active", app.metrics().activeRequests());
            r.put("perSecond", requestsPerSecond(requests));
            r.put("perSecondAverage", requests * 1000 / uptimeMs);
            m.put("requests", r);
            m.put("latencyMicros", Map.of("p50", p[0], "p99", p[1], "p999", p[2], "max", p[3]));
            m.put("websockets", Map.of("open", socketsOpen.get()));
            m.put("eventStreams", Map.of("open", streams.size()));
            if (s != null) {
                var t = s.stats();
                m.put("engine", s.engine());
                m.put("connections", Map.of("open", t.open(), "accepted", t.accepted.sum(), "closed", t.closed.sum(),
                        "rejected", t.rejected.sum(), "idleTimeouts", t.idleTimeouts.sum(), "errors", t.errors.sum()));
                m.put("bytes", Map.of("read", t.bytesRead.sum(), "written", t.bytesWritten.sum()));
                m.put("loops", s.loops().stream().map(l -> Map.of("name", l.name(), "connections", l.connections(),
                        "blockedWarnings", l.blockedWarnings())).toList());
            }
            List<Map<String, Object>> gcs = new ArrayList<>();
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                gcs.add(Map.of("name", gc.getName(), "count", gc.getCollectionCount(), "timeMs", gc.getCollectionTime()));
            }
            m.put("gc", gcs);
            return m;
        }

        String toJson(Object value) {
            var out = new ByteArrayOutputStream(1024);
            try {
                json.write(value, out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out.toString(StandardCharsets.UTF_8);
        }

        /** Computes the stats once and sends the same text to every stream. */
        private void tick() {
            try {
                if (streams.isEmpty()) return;
                String data = toJson(stats());
                String id = Long.toString(eventId.incrementAndGet());
                // Under the lock, so that a stream opening now gets each event once and in order (sends only queue).
                synchronized (streams) {
                    latest = new String[] {id, data};
                    for (SseStream s : streams) s.send(id, "stats", data);
                }
            } catch (RuntimeException e) {
                // A failed tick must not cancel the schedule (a periodic task that throws never runs again).
                System.err.println("gannet: stats tick failed: " + e);
            }
        }

        SseHandler statsStream() {
            return new SseHandler() {
                @Override
                public void onOpen(SseStream stream, Request request) {
                    synchronized (streams) {
                        String[] last = latest;
                        if (last != null) stream.send(last[0], "stats", last[1]);
                        streams.add(stream);
                    }
                    synchronized (Live.this) {
                        if (ticking == null) ticking = ticker.scheduleAtFixedRate(Live.this::tick, 0, 1, TimeUnit.SECONDS);
                    }
                }

                @Override
                public void onClose(SseStream stream) {
                    streams.remove(stream);
                    synchronized (Live.this) {
                        if (streams.isEmpty() && ticking != null) {
                            ticking.cancel(false);
                            ticking = null;
                            latest = null; // stale by the time a stream opens again
                        }
                    }
                }
            };
        }

        WebSocketHandler echo() {
            return new Counted() {
                @Override
                public void onText(WebSocket ws, String text) {
                    ws.send(text);
                }

                @Override
                public void onBinary(WebSocket ws, ByteBuffer data) {
                    ws.send(data); // copied by send, so the input buffer may be reused after
                }
            };
        }

        WebSocketHandler chat() {
            return new Counted() {
                @Override
                public void onOpen(WebSocket ws) {
                    super.onOpen(ws);
                    String room = ws.pathParam("room");
                    if (room == null || !ROOM.matcher(room).matches()) { // the route checks first; this is the backstop
                        ws.close(CloseCodes.POLICY_VIOLATION, "bad room name");
                        return;
                    }
                    dev.gannet.http.ws.Topic topic = app.topics().topic("chat/" + room);
                    ws.attachment(topic);
                    topic.subscribe(ws);
                    // Tell the page which sender it is, so it can mark its own messages. The subscription is queued
                    // on this socket's loop ahead of anything the client can send after reading this.
                    ws.send(toJson(Map.of("you", shortId(ws))));
                }

                @Override
                public void onText(WebSocket ws, String text) {
                    dev.gannet.http.ws.Topic room = ws.attachment();
                    if (room == null) return;
                    Map<String, Object> msg = new LinkedHashMap<>();
                    msg.put("from", shortId(ws));
                    msg.put("text", text);
                    // The mapper escapes quotes, backslashes and control characters: what a user types stays text.
                    room.publish(toJson(msg));
                }
            };
        }

        private static String shortId(WebSocket ws) {
            return Long.toString(ws.id(), 36);
        }

        /** Counts the sockets open, for the stats. */
        private class Counted implements WebSocketHandler {
            @Override
            public void onOpen(WebSocket ws) {
                socketsOpen.incrementAndGet();
            }

            @Override
            public void onClose(WebSocket ws, int code, String reason) {
                socketsOpen.decrementAndGet();
            }
        }
    }
}
