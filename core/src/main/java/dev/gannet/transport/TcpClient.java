package dev.gannet.transport;

import dev.gannet.engine.Engines;
import dev.gannet.tls.TlsHandler;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Outbound TCP connections on any engine. {@link #connect} opens one connection; {@link #open} keeps one up,
 * reconnecting with exponential backoff (and jitter) after a failed attempt or a lost connection until
 * {@link #close()}.
 */
public final class TcpClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TcpClient.class.getName());
    private static final ScheduledExecutorService RETRY = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("gannet-client-retry").daemon(true).factory());

    private final InetSocketAddress remote;
    private final ClientConfig config;
    private final Handler handler;
    private final AtomicInteger attempts = new AtomicInteger();
    private volatile Connection current;
    private volatile boolean closed;
    private volatile CompletableFuture<Connection> firstConnect = new CompletableFuture<>();

    private TcpClient(InetSocketAddress remote, ClientConfig config, Handler handler) {
        this.remote = remote;
        this.config = config;
        Handler h = new Reconnecting(handler);
        this.handler = config.tls() != null ? TlsHandler.client(config.tls(), h, remote) : h;
    }

    /** Opens one connection; the future completes once {@link Handler#onOpen} has run. */
    public static CompletableFuture<Connection> connect(InetSocketAddress remote, ClientConfig config, Handler handler) {
        // Complete from onOpen rather than from the engine: under TLS that is the TLS connection, after the handshake.
        CompletableFuture<Connection> opened = new CompletableFuture<>();
        Handler notifying = new Forwarding(handler) {
            @Override
            public Action onOpen(Connection connection) {
                Action a = super.onOpen(connection);
                opened.complete(connection);
                return a;
            }

            @Override
            public void onClose(Connection connection, Throwable cause) {
                opened.completeExceptionally(cause != null ? cause : new java.io.IOException("closed before it opened"));
                super.onClose(connection, cause);
            }
        };
        Handler h = config.tls() != null ? TlsHandler.client(config.tls(), notifying, remote) : notifying;
        Engines.get(config.engine()).connect(remote, config, h).whenComplete((c, err) -> {
            if (err != null) opened.completeExceptionally(err);
        });
        return opened;
    }

    /**
     * Keeps a connection to {@code remote} open, reconnecting as {@link ClientConfig#reconnect()} allows. The
     * handler sees every new connection through {@link Handler#onOpen}.
     */
    public static TcpClient open(InetSocketAddress remote, ClientConfig config, Handler handler) {
        TcpClient c = new TcpClient(remote, config, handler);
        c.attempt();
        return c;
    }

    /** Completes with the first connection made (or fails if reconnecting is off and the first attempt fails). */
    public CompletableFuture<Connection> connected() {
        return firstConnect;
    }

    /** The open connection, or null between attempts. */
    public Connection connection() {
        return current;
    }

    private void attempt() {
        if (closed) return;
        Engines.get(config.engine()).connect(remote, config, handler).whenComplete((conn, err) -> {
            if (err == null) return;
            int n = attempts.incrementAndGet();
            if (!config.reconnect() || closed) {
                firstConnect.completeExceptionally(err);
                return;
            }
            LOG.log(System.Logger.Level.DEBUG, "connect to " + remote + " failed (attempt " + n + "): " + err);
            retryLater(n);
        });
    }

    private void retryLater(int attempt) {
        RETRY.schedule(this::attempt, config.backoff(attempt).toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops reconnecting and closes the open connection. */
    @Override
    public void close() {
        closed = true;
        Connection c = current;
        if (c != null) c.close();
    }

    /** Tracks the live connection and schedules the next attempt when it goes. */
    private final class Reconnecting extends Forwarding {
        Reconnecting(Handler delegate) {
            super(delegate);
        }

        @Override
        public Action onOpen(Connection connection) {
            current = connection;
            attempts.set(0);
            firstConnect.complete(connection);
            if (closed) return Action.CLOSE;
            return super.onOpen(connection);
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            if (current == connection) current = null;
            try {
                super.onClose(connection, cause);
            } finally {
                if (!closed && config.reconnect()) retryLater(attempts.incrementAndGet());
            }
        }
    }

    /** Passes every callback to another handler; extended to watch some of them. */
    private static class Forwarding implements Handler {
        private final Handler delegate;

        Forwarding(Handler delegate) {
            this.delegate = delegate;
        }

        @Override
        public Action onOpen(Connection connection) {
            return delegate.onOpen(connection);
        }

        @Override
        public Action onData(Connection connection, ByteBuffer in) {
            return delegate.onData(connection, in);
        }

        @Override
        public Action onEndOfInput(Connection connection) {
            return delegate.onEndOfInput(connection);
        }

        @Override
        public void onWritabilityChanged(Connection connection, boolean writable) {
            delegate.onWritabilityChanged(connection, writable);
        }

        @Override
        public Action onTick(Connection connection) {
            return delegate.onTick(connection);
        }

        @Override
        public Action onDrain(Connection connection) {
            return delegate.onDrain(connection);
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            delegate.onClose(connection, cause);
        }
    }
}
