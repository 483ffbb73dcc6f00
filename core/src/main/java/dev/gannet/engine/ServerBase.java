package dev.gannet.engine;

import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TransportStats;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every engine's server shares: admission against the connection limit, the running → draining → stopped
 * life cycle, and the counters. An engine supplies how to drain its connections and how to stop its threads.
 * Thread-safe: acceptors, loops and callers of {@link #shutdownGracefully} meet here.
 */
public abstract class ServerBase implements Server {
    private static final int RUNNING = 0, DRAINING = 1, STOPPED = 2;

    protected final ServerConfig config;
    protected final TransportStats stats = new TransportStats();
    private final String engine;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private volatile InetSocketAddress bound;

    protected ServerBase(ServerConfig config, String engine) {
        this.config = config;
        this.engine = engine;
        FileTable.reserve();
    }

    protected void bound(InetSocketAddress address) {
        bound = address;
    }

    /** Counts a new connection in, or returns false (and counts a rejection) when over the limit or not running. */
    protected boolean admit() {
        if (open.incrementAndGet() > config.maxConnections() || !isRunning()) {
            open.decrementAndGet();
            stats.rejected.increment();
            return false;
        }
        return true;
    }

    /** A connection that was admitted has gone (or never opened); a draining server stops with its last one. */
    protected void released() {
        if (open.decrementAndGet() == 0 && state.get() == DRAINING) stop();
    }

    protected boolean isRunning() {
        return state.get() == RUNNING;
    }

    @Override
    public boolean isAccepting() {
        return isRunning();
    }

    protected boolean isDraining() {
        return state.get() == DRAINING;
    }

    protected boolean isStopped() {
        return state.get() == STOPPED;
    }

    @Override
    public final CompletableFuture<Void> shutdownGracefully(Duration deadline) {
        if (!state.compareAndSet(RUNNING, DRAINING)) return termination;
        beginDrain(deadline);
        if (open.get() == 0) stop();
        return termination;
    }

    /** Stop accepting, call {@code onDrain} on each connection, and close what is left when {@code deadline} passes. */
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
