package dev.gannet.engine.internal;

import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TransportStats;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every engine's server shares: admission against the connection limit, the running → draining → stopped
 * life cycle, and the counters. An engine supplies how to drain its connections and how to stop its threads.
 * Thread-safe: acceptors, loops and callers of {@link #shutdownGracefully} meet here.
 */
public abstract class ServerBase implements Server {
    private static final System.Logger LOG = System.getLogger("dev.gannet.transport.Server");
    /** GRACE: shutting down but still accepting and serving, reported not ready, until the readiness grace ends. */
    private static final int RUNNING = 0, DRAINING = 1, STOPPED = 2, GRACE = 3;

    protected final ServerConfig config;
    protected final TransportStats stats = new TransportStats();
    private final String engine;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private volatile InetSocketAddress bound;
    private final RateLog limitLog = new RateLog(LOG, System.Logger.Level.WARNING);
    private final RateLog acceptLog = new RateLog(LOG, System.Logger.Level.WARNING);
    private final String limitDetail;

    protected ServerBase(ServerConfig config, String engine) {
        this.config = config;
        this.engine = engine;
        this.limitDetail = "maxConnections " + config.maxConnections();
        FileTable.reserve();
        SpareDescriptor.reserve();
    }

    protected void bound(InetSocketAddress address) {
        bound = address;
    }

    /** Counts a new connection in, or returns false (and counts a rejection) when over the limit or not running. */
    protected boolean admit() {
        if (open.incrementAndGet() > config.maxConnections() || !isRunning()) {
            open.decrementAndGet();
            stats.rejected.increment();
            if (isRunning()) limitLog.record("connection limit reached; new connections are closed at once", limitDetail);
            return false;
        }
        return true;
    }

    /**
     * An accept failed. Out of descriptors, the clients waiting in {@code listener}'s queue are accepted and closed
     * at once with the spare descriptor ({@link SpareDescriptor}), and counted as rejected; either way it is logged
     * at most once per interval. Returns false when the caller should pause its accepts briefly (nothing was taken
     * from the queue, so the listener would stay ready and spin).
     */
    protected boolean acceptFailed(String error, boolean outOfDescriptors, ServerSocketChannel listener) {
        stats.errors.increment();
        if (!outOfDescriptors) {
            acceptLog.record("accept failed", error);
            return false;
        }
        int refused = listener != null && listener.isOpen() ? SpareDescriptor.refuseQueued(listener) : 0;
        stats.rejected.add(refused);
        acceptLog.record("accept failed, out of descriptors (lower maxConnections or raise ulimit -n); "
                + "waiting clients are closed at once", error);
        return refused > 0;
    }

    /** A connection that was admitted has gone (or never opened); a draining server stops with its last one. */
    protected void released() {
        if (open.decrementAndGet() == 0 && state.get() == DRAINING) stop();
    }

    /** Accepting and serving: running, or shutting down within the readiness grace. */
    protected boolean isRunning() {
        int s = state.get();
        return s == RUNNING || s == GRACE;
    }

    @Override
    public boolean isAccepting() {
        return isRunning();
    }

    @Override
    public boolean isReady() {
        return state.get() == RUNNING;
    }

    protected boolean isDraining() {
        return state.get() == DRAINING;
    }

    protected boolean isStopped() {
        return state.get() == STOPPED;
    }

    @Override
    public final CompletableFuture<Void> shutdownGracefully(Duration deadline) {
        Duration grace = config.readinessGrace();
        if (grace.isZero()) {
            if (state.compareAndSet(RUNNING, DRAINING)) drain(deadline);
        } else if (state.compareAndSet(RUNNING, GRACE)) {
            LOG.log(System.Logger.Level.INFO, "shutting down: not ready from now, draining in " + grace.toMillis() + " ms");
            CompletableFuture.delayedExecutor(grace.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
                if (state.compareAndSet(GRACE, DRAINING)) drain(deadline);
            });
        }
        return termination;
    }

    private void drain(Duration deadline) {
        beginDrain(deadline);
        if (open.get() == 0) stop();
    }

    /**
     * Stop accepting, call {@code onDrain} on each connection (after handing it the input already received, so a
     * request the client sent before the shutdown is answered), and close what is left when {@code deadline} passes.
     */
    protected abstract void beginDrain(Duration deadline);

    /** Release the engine's threads, then complete {@code termination}. Called once. */
    protected abstract void stopEngine(CompletableFuture<Void> termination);

    private void stop() {
        if (state.compareAndSet(DRAINING, STOPPED)) stopEngine(termination);
    }

    @Override
    public InetSocketAddress localAddress() {
        return bound;
    }

    @Override
    public String engine() {
        return engine;
    }

    @Override
    public TransportStats stats() {
        return stats;
    }

    @Override
    public void close() {
        shutdownGracefully(config.shutdownTimeout()).join();
    }

    @Override
    public CompletableFuture<Void> terminationFuture() {
        return termination;
    }
}
