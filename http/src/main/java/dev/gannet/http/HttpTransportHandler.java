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

    @Override
    public Action onData(Connection connection, ByteBuffer in) {
        HttpExchange x = connection.context();
        return x.onData(in);
    }

    @Override
    public Action onTick(Connection connection) {
        HttpExchange x = connection.context();
        return x.onTick();
    }

    @Override
    public Action onDrain(Connection connection) {
        HttpExchange x = connection.context();
        return x.onDrain();
    }

    @Override
    public Action onEndOfInput(Connection connection) {
        HttpExchange x = connection.context();
        return x.onEndOfInput();
    }
}
