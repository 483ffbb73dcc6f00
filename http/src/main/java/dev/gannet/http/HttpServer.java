package dev.gannet.http;

import dev.gannet.http.router.Router;
import dev.gannet.transport.Server;
import dev.gannet.transport.TcpServer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP/1.1 server: declare routes, then {@link #start()}. Routes are fixed once started.
 *
 * <pre>{@code
 * Server server = HttpServer.create(config)
 *         .get("/users/{id}", (req, res) -> res.json(users.find(req.pathParam("id"))))
 *         .blocking().post("/upload", (req, res) -> store(req.body()))
 *         .start();
 * }</pre>
 *
 * Handlers run on the connection's event loop; a route declared after {@link #blocking()} (or every route, with
 * {@link HttpConfig#blockingByDefault()}) runs on a virtual thread, for code that blocks.
 */
public final class HttpServer {
    /**
     * The ALPN name this server speaks, selected when a TLS client offers it unless {@code TlsConfig}'s
     * {@code applicationProtocols} say otherwise (RFC 7301). A client offering only other protocols (h2 alone) is
     * refused with no_application_protocol; one offering none is served.
     */
    public static final String ALPN_HTTP_1_1 = "http/1.1";

    private final HttpConfig config;
    private final List<Object[]> routes = new ArrayList<>();
    private final List<Middleware> middleware = new ArrayList<>();
    private final dev.gannet.http.ws.Topics topics = new dev.gannet.http.ws.Topics();
    private boolean nextBlocking;
    private boolean started;
    private volatile HttpMetrics metrics;
    private HttpTransportHandler handler;

    private HttpServer(HttpConfig config) {
        this.config = config;
    }

    public static HttpServer create(HttpConfig config) {
        return new HttpServer(config);
    }

    public static HttpServer create() {
        return new HttpServer(HttpConfig.builder().build());
    }

    /** Adds middleware around every route (and the 404/405 answers); the first added is the outermost. */
    public HttpServer use(Middleware m) {
        if (started) throw new IllegalStateException("middleware is fixed once the server started");
        middleware.add(m);
        return this;
    }

    /** The next route declared runs on a virtual thread. */
    public HttpServer blocking() {
        nextBlocking = true;
        return this;
    }

    public HttpServer route(String method, String pattern, HttpHandler handler) {
        if (started) throw new IllegalStateException("routes are fixed once the server started");
        boolean blocking = nextBlocking || config.blockingByDefault();
        nextBlocking = false;
        routes.add(new Object[] {method, pattern, new Route(pattern, handler, blocking, -1)});
        return this;
    }

    public HttpServer get(String pattern, HttpHandler h) {
        return route("GET", pattern, h);
    }

    public HttpServer post(String pattern, HttpHandler h) {
        return route("POST", pattern, h);
    }

    public HttpServer put(String pattern, HttpHandler h) {
        return route("PUT", pattern, h);
    }

    public HttpServer delete(String pattern, HttpHandler h) {
        return route("DELETE", pattern, h);
    }

    public HttpServer patch(String pattern, HttpHandler h) {
        return route("PATCH", pattern, h);
    }

    public HttpServer head(String pattern, HttpHandler h) {
        return route("HEAD", pattern, h);
    }

    public HttpServer options(String pattern, HttpHandler h) {
        return route("OPTIONS", pattern, h);
    }

    /** A WebSocket endpoint with the default settings. */
    public HttpServer ws(String pattern, dev.gannet.http.ws.WebSocketHandler handler) {
        return ws(pattern, dev.gannet.http.ws.WebSocketConfig.defaults(), handler);
    }

    /** A WebSocket endpoint: a GET route that upgrades (RFC 6455); other requests to it get 426. */
    public HttpServer ws(String pattern, dev.gannet.http.ws.WebSocketConfig config, dev.gannet.http.ws.WebSocketHandler handler) {
        // The transport's idle timeout still applies once upgraded: the socket says 1001 before it would reset.
        return route("GET", pattern,
                dev.gannet.http.ws.WebSocketRoute.handler(config, handler, this.config.server().idleTimeout()));
    }

    /** A server-sent events endpoint with the default settings. */
    public HttpServer sse(String pattern, dev.gannet.http.sse.SseHandler handler) {
        return sse(pattern, dev.gannet.http.sse.SseConfig.defaults(), handler);
    }

    /** A server-sent events endpoint: a GET route whose response is an open-ended text/event-stream. */
    public HttpServer sse(String pattern, dev.gannet.http.sse.SseConfig config, dev.gannet.http.sse.SseHandler handler) {
        return route("GET", pattern, dev.gannet.http.sse.SseRoute.handler(config, handler));
    }

    /** The server's topics (rooms) for WebSocket broadcasts. */
    public dev.gannet.http.ws.Topics topics() {
        return topics;
    }

    public HttpConfig config() {
        return config;
    }

    /** Builds the router and starts listening. */
    public Server start() throws IOException {
        HttpTransportHandler handler = handler();
        // One tick a second drives the header timeout and the minimum body rate without a timer per request.
        var tls = config.server().tls();
        Server server = TcpServer.start(config.server().toBuilder().tickInterval(java.time.Duration.ofSeconds(1))
                .tls(tls == null ? null : tls.withDefaultApplicationProtocols(ALPN_HTTP_1_1)).build(), handler);
        handler.server(server);
        warmUpJson(config.json());
        return server;
    }

    /** A value of the kind handlers serialize most: a record, which DSL-JSON hands to Jackson. */
    private record WarmUp(String name, int count) {}

    /**
     * Loads the JSON libraries now, on a virtual thread, while the server starts taking connections: otherwise the
     * first JSON response loads them on an event loop (about half a second for Jackson on a cold JVM, enough to set
     * off the blocked-loop warning on a user's first request). Best effort: a failure here is the first request's
     * to report.
     */
    private static void warmUpJson(JsonMapper json) {
        Thread.ofVirtual().name("gannet-json-warm-up").start(() -> {
            try {
                json.write(new WarmUp("warm-up", 1), java.io.OutputStream.nullOutputStream());
                json.write(java.util.Map.of("warm-up", 1), java.io.OutputStream.nullOutputStream());
            } catch (Throwable ignored) {
                // e.g. on the module path, where this package is not opened to the JSON libraries
            }
        });
    }

    /** The transport handler with the routes fixed: for {@link #start()} and for {@link LocalConnector}. */
    synchronized HttpTransportHandler handler() {
        if (handler != null) return handler;
        started = true;
        Router.Builder<Route> b = Router.builder();
        int id = 0;
        for (Object[] r : routes) {
            Route route = (Route) r[2];
            b.add((String) r[0], (String) r[1], new Route(route.pattern(), wrap(route.handler()), route.blocking(), id++));
        }
        Router<Route> router = b.build();
        Route notFound = new Route("", wrap((req, res) -> {
            if (!DirectoryRedirect.answer(router, req, res)) res.status(404).text("Not Found");
        }), false, id++);
        Route notAllowed = new Route("", wrap((req, res) -> res.status(405).header("Allow", req.allow()).text("Method Not Allowed")), false, id++);
        metrics = new HttpMetrics(id);
        handler = new HttpTransportHandler(config, router, notFound, notAllowed, metrics);
        return handler;
    }

    /** The handler inside every middleware, composed once. */
    private HttpHandler wrap(HttpHandler h) {
        HttpHandler current = h;
        for (int i = middleware.size() - 1; i >= 0; i--) {
            Middleware m = middleware.get(i);
            HttpHandler inner = current;
            current = (req, res) -> m.handle(req, res, inner);
        }
        return current;
    }

    /** Request metrics, once started: for {@code /metrics} and {@code /stats}. */
    public HttpMetrics metrics() {
        if (metrics == null) throw new IllegalStateException("not started");
        return metrics;
    }

    /** A route's handler, how it runs, and its index for metrics. */
    record Route(String pattern, HttpHandler handler, boolean blocking, int id) {
    }
}
