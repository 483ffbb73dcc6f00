package dev.gannet.http;

import dev.gannet.http.h1.ChunkedDecoder;
import dev.gannet.http.h1.HttpParseException;
import dev.gannet.http.h1.RequestHead;
import dev.gannet.http.h1.RequestParser;
import dev.gannet.http.router.RouteMatch;
import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One HTTP/1.1 connection: parses requests as bytes arrive, routes them and writes responses in order. Everything
 * here runs on the connection's owner thread, except a blocking route's handler, which runs on a virtual thread
 * while this exchange waits in {@link State#AWAIT_HANDLER} with reading paused (so pipelined requests queue in the
 * kernel and in the transport's buffer, and responses stay in order).
 */
final class HttpExchange {
    private static final System.Logger LOG = System.getLogger(HttpExchange.class.getName());
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    enum State { HEAD, FIXED_BODY, CHUNKED_BODY, AWAIT_HANDLER, CLOSING, TAKEN_OVER }

    private final HttpTransportHandler server;
    private final HttpConfig config;
    final Connection connection;
    private final RequestParser parser;
    final RequestHead head = new RequestHead();
    private ChunkedDecoder chunked;
    final RouteMatch<HttpServer.Route> match;
    final Request request;
    final Response response;
    /** The request body, when there is one; kept between requests so uploads reuse it. */
    ByteSink body;
    private State state = State.HEAD;
    private long remaining;
    private long headStartedAt;
    private long bodyBytesThisTick;
    private int requests;
    private boolean draining;
    private long startedAt;
    private int methodIndex;
    private HttpServer.Route route;
    private RequestEvent event;
    private volatile boolean blockingInFlight;
    private HttpMetrics.Shard shard;
    /** Set by {@link Response#takeover}: installed as the connection's context once the response is out. */
    java.util.function.Function<Connection, Takeover> takeover;
    private Takeover taken;
    /** Inside {@link #onData}: requests it answers are recorded when it returns, with one clock reading. */
    private boolean inData;

    HttpExchange(HttpTransportHandler server, Connection connection) {
        this.server = server;
        this.config = server.config;
        this.connection = connection;
        this.parser = new RequestParser(config.limits());
        this.match = server.router.newMatch();
        this.request = new Request(this);
        this.response = new Response(this);
    }

    JsonMapper json() {
        return config.json();
    }

    boolean isHeadRequest() {
        return head.method() == dev.gannet.http.h1.Method.HEAD;
    }

    boolean isHttp10() {
        return head.isHttp10();
    }

    /** Whether the connection stays open after this response. */
    boolean keepAlive() {
        return head.keepAlive() && !draining && server.accepting()
                && (config.maxKeepAliveRequests() == 0 || requests + 1 < config.maxKeepAliveRequests());
    }

    void emit(byte[] bytes, int offset, int length) {
        connection.write(bytes, offset, length);
    }

    Action onData(ByteBuffer in) {
        inData = true;
        try {
            return parse(in);
        } finally {
            inData = false;
            if (shard != null) shard.endDeferred();
        }
    }

    private Action parse(ByteBuffer in) {
        while (true) {
            switch (state) {
                case AWAIT_HANDLER, CLOSING -> {
                    return Action.KEEP;
                }
                case TAKEN_OVER -> {
                    // The bytes after the request in this read are the new protocol's.
                    return in.hasRemaining() ? taken.onData(in) : Action.KEEP;
                }
                case HEAD -> {
                    // A client that does not read its responses stops us parsing more: the rest waits (bounded).
                    if (!in.hasRemaining() || !connection.isWritable()) return Action.KEEP;
                    if (headStartedAt == 0) headStartedAt = connection.eventTime();
                    try {
                        if (!parser.parseHead(in, head)) return Action.KEEP;
                    } catch (HttpParseException e) {
                        return reject(e.status(), e.getMessage());
                    }
                    headStartedAt = 0;
                    Action a = startBody();
                    if (a != Action.KEEP) return a;
                }
                case FIXED_BODY -> {
                    int n = (int) Math.min(remaining, in.remaining());
                    body.write(in, n);
                    remaining -= n;
                    bodyBytesThisTick += n;
                    if (remaining > 0) return Action.KEEP;
                    Action a = dispatch();
                    if (a != Action.KEEP) return a;
                }
                case CHUNKED_BODY -> {
                    int before = in.position();
                    boolean done;
                    try {
                        done = chunked.decode(in, body::write);
                    } catch (HttpParseException e) {
                        return reject(e.status(), e.getMessage());
                    }
                    bodyBytesThisTick += in.position() - before;
                    if (!done) return Action.KEEP;
                    Action a = dispatch();
                    if (a != Action.KEEP) return a;
                }
            }
        }
    }

    /** After a head: decide how the body comes, answer Expect: 100-continue, or dispatch at once. */
    private Action startBody() {
        long length = head.contentLength();
        if (head.chunked()) {
            if (chunked == null) chunked = new ChunkedDecoder(config.limits());
            chunked.reset();
            state = State.CHUNKED_BODY;
        } else if (length > 0) {
            if (length > config.limits().maxBodySize()) return reject(413, "body of " + length + " bytes is over the limit");
            remaining = length;
            state = State.FIXED_BODY;
        } else {
            return dispatch();
        }
        if (body == null) body = new ByteSink(4096);
        body.len = 0;
        bodyBytesThisTick = 0;
        if (head.expectContinue()) connection.write(CONTINUE);
        return Action.KEEP;
    }

    /** Routes the request and runs its handler; leaves the exchange ready for the next request. */
    private Action dispatch() {
        state = State.HEAD;
        byte[] bytes = head.bytes();
        int method = server.router.methodIndex(bytes, head.methodOffset(), head.methodLength());
        server.router.match(method, bytes, head.pathOffset(), head.pathLength(), match);
        // When the loop woke for these bytes, not when their turn came: the wait in the batch is the client's too.
        startedAt = connection.eventTime();
        methodIndex = method;
        if (RequestEvent.enabled()) {
            event = new RequestEvent();
            event.begin();
        }
        metrics().begin();
        HttpServer.Route route = switch (match.outcome()) {
            case NOT_FOUND -> server.notFound;
            case METHOD_NOT_ALLOWED -> server.notAllowed;
            case FOUND -> match.handler();
        };
        this.route = route;
        if (route.blocking() && !Thread.currentThread().isVirtual()) {
            state = State.AWAIT_HANDLER;
            blockingInFlight = true;
            connection.pauseReading();
            Thread.ofVirtual().name("gannet-http-blocking").start(() -> {
                run(route);
                connection.execute(this::finishBlocking);
            });
            return Action.KEEP;
        }
        run(route);
        return finish();
    }

    private void run(HttpServer.Route route) {
        try {
            route.handler().handle(request, response);
        } catch (Throwable t) {
            // Recovery: the client gets a 500 with an id to quote; the stack trace stays in the log.
            String id = Long.toHexString(ThreadLocalRandom.current().nextLong());
            LOG.log(System.Logger.Level.WARNING, "handler for " + request.method() + " " + request.path() + " failed (error id " + id + ")", t);
            if (!response.isSent()) {
                response.reset();
                response.status(500).text("Internal Server Error (error id " + id + ")\n");
            }
        }
    }

    private void finishBlocking() {
        Action a = finish();
        blockingInFlight = false;
        if (a == Action.CLOSE) {
            connection.close();
            return;
        }
        connection.resumeReading();
    }

    /** This thread's metrics shard: looked up once per connection on an event loop. */
    private HttpMetrics.Shard metrics() {
        HttpMetrics.Shard s = shard;
        Thread t = Thread.currentThread();
        if (s == null || !s.usableBy(t)) shard = s = server.metrics.shard(connection.id());
        return s;
    }

    /** Whether a blocking route's handler is still running (read from other threads by {@link LocalConnector}). */
    boolean blockingInFlight() {
        return blockingInFlight;
    }

    /** The handler returned: send what it did not, count, and reset for the next request. */
    private Action finish() {
        if (!response.isSent()) response.end();
        boolean close = response.closeRequested();
        // A protocol that takes the connection over with an open body (an event stream) writes and ends that body
        // itself. Such a body is close-delimited when the connection may not stay open (HTTP/1.0, Connection: close),
        // so the hand-over happens then too, unless the server is draining.
        boolean handOver = takeover != null && (!close || response.streaming() && !draining && server.accepting());
        if (!handOver) response.finishStream();
        // Inside a read, recorded when the read is done: a pipelined batch's responses go out together then, so
        // that is when each of them is done, and the batch costs one clock reading.
        HttpMetrics.Shard m = metrics();
        if (!inData || !m.endLater(methodIndex, request.method(), route.pattern(), route.id(), response.status(), startedAt)) {
            m.end(methodIndex, request.method(), route.pattern(), route.id(), response.status(), System.nanoTime() - startedAt);
        }
        if (event != null) {
            RequestEvent e = event;
            event = null;
            e.end();
            if (e.shouldCommit()) {
                e.method = request.method();
                e.path = request.path();
                e.route = route.pattern();
                e.status = response.status();
                e.commit();
            }
        }
        requests++;
        if (handOver) {
            taken = takeover.apply(connection);
            takeover = null;
            connection.context(taken);
            state = State.TAKEN_OVER;
            return Action.KEEP;
        }
        takeover = null;
        request.reset();
        response.reset();
        head.reset();
        if (close) {
            state = State.CLOSING;
            return Action.CLOSE;
        }
        state = State.HEAD;
        return Action.KEEP;
    }

    /** A request the parser refused: answer with its status and close, as RFC 9112 asks after a framing error. */
    private Action reject(int status, String reason) {
        state = State.CLOSING;
        response.reset();
        response.status(status).closeConnection().text(HttpStatus.reason(status) + ": " + reason + "\n");
        return Action.CLOSE;
    }

    /** Once a second: the header timeout (slowloris) and the minimum body rate. */
    Action onTick() {
        long now = System.nanoTime();
        if (state == State.HEAD && headStartedAt != 0 && now - headStartedAt > config.headerTimeout().toNanos()) {
            return reject(408, "request head not received within " + config.headerTimeout().toSeconds() + " s");
        }
        if ((state == State.FIXED_BODY || state == State.CHUNKED_BODY) && config.minBodyRate() > 0) {
            long got = bodyBytesThisTick;
            bodyBytesThisTick = 0;
            if (got < config.minBodyRate()) return reject(408, "request body slower than " + config.minBodyRate() + " bytes/s");
        }
        return Action.KEEP;
    }

    /** Graceful shutdown: an idle connection closes now; one with a request in flight closes after its response. */
    Action onDrain() {
        draining = true;
        boolean idle = state == State.HEAD && headStartedAt == 0;
        return idle ? Action.CLOSE : Action.KEEP;
    }

    Action onEndOfInput() {
        // A request in flight (blocking handler) still gets its response; otherwise there is nothing left to do.
        return state == State.AWAIT_HANDLER ? Action.KEEP : Action.CLOSE;
    }
}
