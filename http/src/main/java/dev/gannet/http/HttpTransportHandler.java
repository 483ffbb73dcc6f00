package dev.gannet.http;

import dev.gannet.http.router.Router;
import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;

import java.nio.ByteBuffer;

/**
 * The transport handler of an HTTP server: one instance per server, each connection's state in an
 * {@link HttpExchange} kept as the connection's context.
 */
final class HttpTransportHandler implements Handler {
    final HttpConfig config;
    final Router<HttpServer.Route> router;
    final HttpServer.Route notFound;
    final HttpServer.Route notAllowed;
    final HttpMetrics metrics;
    private volatile Server server;

    HttpTransportHandler(HttpConfig config, Router<HttpServer.Route> router, HttpServer.Route notFound,
                         HttpServer.Route notAllowed, HttpMetrics metrics) {
        this.metrics = metrics;
        this.config = config;
        this.router = router;
        this.notFound = notFound;
        this.notAllowed = notAllowed;
    }

    void server(Server server) {
        this.server = server;
    }

    /** False once the server began draining, even before this connection's onDrain ran (it may be busy). */
    boolean accepting() {
        Server s = server;
        return s == null || s.isAccepting();
    }

    @Override
    public Action onOpen(Connection connection) {
        connection.context(new HttpExchange(this, connection));
        return Action.KEEP;
    }

    // A connection's context is its HttpExchange until a route hands it over (WebSocket, SSE): then a Takeover.

    @Override
    public Action onData(Connection connection, ByteBuffer in) {
        return connection.context() instanceof HttpExchange x ? x.onData(in) : taken(connection).onData(in);
    }

    @Override
    public Action onTick(Connection connection) {
        return connection.context() instanceof HttpExchange x ? x.onTick() : taken(connection).onTick();
    }

    @Override
    public Action onDrain(Connection connection) {
        return connection.context() instanceof HttpExchange x ? x.onDrain() : taken(connection).onDrain();
    }

    @Override
    public Action onEndOfInput(Connection connection) {
        return connection.context() instanceof HttpExchange x ? x.onEndOfInput() : taken(connection).onEndOfInput();
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        if (connection.context() instanceof Takeover t) t.onWritabilityChanged(writable);
    }

    @Override
    public void onClose(Connection connection, Throwable cause) {
        if (connection.context() instanceof Takeover t) t.onClose(cause);
    }

    private static Takeover taken(Connection connection) {
        return connection.context();
    }
}
