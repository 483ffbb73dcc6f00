package dev.gannet.testing;

import dev.gannet.http.HttpServer;
import dev.gannet.http.LocalConnector;
import dev.gannet.transport.Server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * An app under test and what was started for it; kept in the JUnit store of the context that owns it (the class for a
 * static {@link GannetApp}, the test method for an instance one) and stopped when that context ends.
 */
final class RunningApp implements AutoCloseable {
    /** Connections still open after this are closed hard: tests should not wait on a client that forgot one. */
    static final Duration SHUTDOWN_DEADLINE = Duration.ofSeconds(1);
    /** The shutdown future must complete well within this, or stopping is reported as a failure. */
    private static final long SHUTDOWN_WAIT_SECONDS = 10;

    final HttpServer app;
    final Mode mode;
    /** Null in {@link Mode#LOCAL}. */
    final Server server;
    final TestClient client;
    /** For messages: where the app came from. */
    final String source;
    private boolean stopped;

    private RunningApp(HttpServer app, Mode mode, Server server, TestClient client, String source) {
        this.app = app;
        this.mode = mode;
        this.server = server;
        this.client = client;
        this.source = source;
    }

    static RunningApp start(HttpServer app, Mode mode, String source) {
        if (mode == Mode.LOCAL) {
            // Fixes the routes now, as start() does in SERVER mode, so the app is in the same state in both modes
            // (metrics() works, adding a route fails) before the first request rather than after it.
            LocalConnector.of(app);
            return new RunningApp(app, mode, null, new LocalTestClient(app), source);
        }
        Server server;
        try {
            server = app.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the app from " + source, e);
        }
        InetAddress address = server.localAddress().getAddress();
        String host = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return new RunningApp(app, mode, server, new ServerTestClient(host, server.port()), source);
    }

    /** Stops the client, then the server, and waits until the server has closed every connection and loop. */
    @Override
    public synchronized void close() {
        if (stopped) return;
        stopped = true;
        switch (client) {
            case ServerTestClient c -> c.close();
            case LocalTestClient c -> c.close();
        }
        if (server != null) {
            server.shutdownGracefully(SHUTDOWN_DEADLINE).orTimeout(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS).join();
        }
    }
}
