package dev.gannet.server;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.HttpServer;
import dev.gannet.http.JsonMapper;
import dev.gannet.http.Request;
import dev.gannet.http.sse.SseConfig;
import dev.gannet.http.ws.CloseCodes;
import dev.gannet.http.ws.WebSocket;
import dev.gannet.http.ws.WebSocketConfig;
import dev.gannet.http.ws.WebSocketHandler;
import dev.gannet.http.ws.WebSocketRoute;
import dev.gannet.transport.Server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.atomic.AtomicInteger;
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
        Live live = new Live(app);
        StatsFeed feed = new StatsFeed(app, server, live.socketsOpen::get);
        app.get("/plaintext", (req, res) -> res.contentType("text/plain").send(HELLO));
        app.get("/json", (req, res) -> res.json(new Message("Hello, World!")));

        // The dashboard: static files read once at startup, served from memory.
        byte[] index = resource("index.html");
        byte[] js = resource("dashboard.js");
        byte[] axis = resource("axis.js");
        byte[] css = resource("dashboard.css");
        app.get("/", (req, res) -> res.contentType("text/html; charset=utf-8").header("Cache-Control", "no-cache").send(index));
        app.get("/dashboard/dashboard.js", (req, res) -> res.contentType("text/javascript; charset=utf-8").header("Cache-Control", "no-cache").send(js));
        app.get("/dashboard/axis.js", (req, res) -> res.contentType("text/javascript; charset=utf-8").header("Cache-Control", "no-cache").send(axis));
        app.get("/dashboard/dashboard.css", (req, res) -> res.contentType("text/css; charset=utf-8").header("Cache-Control", "no-cache").send(css));

        app.get("/health", (req, res) -> res.json(Map.of("status", "UP")));
        app.get("/health/live", (req, res) -> res.json(Map.of("status", "UP")));
        app.get("/health/ready", (req, res) -> {
            Server s = server.get();
            boolean ready = s != null && s.isReady();
            res.status(ready ? 200 : 503).json(Map.of("status", ready ? "UP" : "DOWN"));
        });
        app.get("/stats", (req, res) -> res.json(feed.stats()));
        app.get("/metrics", (req, res) -> res.contentType("text/plain; version=0.0.4; charset=utf-8")
                .text(app.metrics().prometheus() + transportMetrics(server.get())));

        // Browsers let any page open a WebSocket to any server, with the user's cookies: the demo accepts only pages
        // it served itself. The allow-list needs the bound port, which --port 0 only tells after start, so each
        // endpoint's handler is made on its first request (never before the server listens).
        WebSocketConfig echoConfig = WebSocketConfig.builder().build();
        WebSocketConfig chatConfig = WebSocketConfig.builder().maxMessageSize(16 * 1024).build();
        app.route("GET", "/ws", webSocket(app, server, echoConfig, live.echo(), req -> true));
        app.route("GET", "/chat/{room}", webSocket(app, server, chatConfig, live.chat(),
                req -> ROOM.matcher(req.pathParam("room")).matches()));

        // Heartbeats are moot with an event every second; a client too slow for that misses ticks rather than queueing them.
        app.sse("/events/stats", SseConfig.builder().heartbeatInterval(java.time.Duration.ZERO)
                .slowConsumer(SseConfig.SlowConsumer.DROP).build(), feed.handler());

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
    private static HttpHandler webSocket(HttpServer app, AtomicReference<Server> server, WebSocketConfig config,
                                         WebSocketHandler handler, java.util.function.Predicate<Request> accept) {
        Supplier<HttpHandler> upgrade = lazily(() -> WebSocketRoute.handler(
                config.toBuilder().allowedOrigins(ownOrigins(server.get())).build(), handler,
                app.config().server().idleTimeout()));
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
        StringBuilder sb = new StringBuilder(1024);
        metric(sb, "gannet_connections_open", "gauge", "Connections open now.", t.open());
        metric(sb, "gannet_connections_accepted_total", "counter", "Connections accepted since the server started.", t.accepted.sum());
        metric(sb, "gannet_connections_rejected_total", "counter", "Connections refused at once (over the connection limit, or out of descriptors) since the server started.", t.rejected.sum());
        metric(sb, "gannet_connection_errors_total", "counter", "Connections closed by an error since the server started.", t.errors.sum());
        metric(sb, "gannet_close_timeouts_total", "counter", "Closes that could not flush by the close deadline and were reset.", t.closeTimeouts.sum());
        metric(sb, "gannet_idle_timeouts_total", "counter", "Connections closed for being idle past the idle timeout.", t.idleTimeouts.sum());
        metric(sb, "gannet_bytes_read_total", "counter", "Bytes read from sockets since the server started.", t.bytesRead.sum());
        metric(sb, "gannet_bytes_written_total", "counter", "Bytes written to sockets since the server started.", t.bytesWritten.sum());
        return sb.toString();
    }

    /** One series with its # HELP and # TYPE lines, which Prometheus's text format expects of every family. */
    private static void metric(StringBuilder sb, String name, String type, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n')
                .append("# TYPE ").append(name).append(' ').append(type).append('\n')
                .append(name).append(' ').append(value).append('\n');
    }

    /** The demo's sockets: the WebSocket echo and chat, and how many of them are open. */
    private static final class Live {
        private final HttpServer app;
        private final JsonMapper json;
        final AtomicInteger socketsOpen = new AtomicInteger();

        Live(HttpServer app) {
            this.app = app;
            this.json = app.config().json();
        }

        String toJson(Object value) {
            var out = new ByteArrayOutputStream(256);
            try {
                json.write(value, out);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out.toString(StandardCharsets.UTF_8);
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
