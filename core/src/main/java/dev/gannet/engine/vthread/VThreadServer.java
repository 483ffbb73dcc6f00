package dev.gannet.engine.vthread;

import dev.gannet.engine.SocketSetup;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TransportStats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A server on the vthread engine: one acceptor thread, and a virtual thread per connection. */
final class VThreadServer implements Server {
    private static final System.Logger LOG = System.getLogger(VThreadServer.class.getName());
    private static final int RUNNING = 0, DRAINING = 1, STOPPED = 2;

    private final ServerConfig config;
    private final ServerSocketChannel listener;
    private final TransportStats stats = new TransportStats();
    private final VThreadGroup group;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final CompletableFuture<Void> termination = new CompletableFuture<>();
    private final InetSocketAddress bound;
    private final Thread acceptor;

    private VThreadServer(ServerConfig config, Handler handler) throws IOException {
        this.config = config;
        this.listener = SocketSetup.openListener(config.address(), config.socket());
        this.bound = (InetSocketAddress) listener.getLocalAddress();
        this.group = new VThreadGroup(handler, stats, VThreadEngine.POOL, config.highWaterMark(),
                config.idleTimeout(), config.tickInterval()) {
            @Override
            void closed(VThreadConnection c) {
                super.closed(c);
                if (open.decrementAndGet() == 0 && state.get() == DRAINING) stop();
            }

            @Override
            void shutdownRequested() {
                shutdownGracefully(config.shutdownTimeout());
            }
        };
        this.acceptor = Thread.ofVirtual().name("gannet-vthread-acceptor").unstarted(this::acceptLoop);
    }

    static VThreadServer start(ServerConfig config, Handler handler) throws IOException {
        VThreadServer s = new VThreadServer(config, handler);
        s.acceptor.start();
        return s;
    }

    private void acceptLoop() {
        while (state.get() == RUNNING) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (state.get() != RUNNING) return;
                // Typically EMFILE: back off rather than spin.
                LOG.log(System.Logger.Level.WARNING, "accept failed, pausing accepts for 100 ms: " + e);
                stats.errors.increment();
                sleep(100);
                continue;
            }
            if (open.incrementAndGet() > config.maxConnections() || state.get() != RUNNING) {
                open.decrementAndGet();
                stats.rejected.increment();
                VThreadEngine.closeQuietly(ch);
                continue;
            }
            try {
                SocketSetup.configureConnection(ch, config.socket());
            } catch (IOException e) {
                open.decrementAndGet();
                VThreadEngine.closeQuietly(ch);
                continue;
            }
            group.opened(new VThreadConnection(ch, group));
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return bound;
    }

    @Override
    public String engine() {
        return VThreadEngine.NAME;
    }

    @Override
    public TransportStats stats() {
        return stats;
    }

    @Override
    public CompletableFuture<Void> shutdownGracefully(Duration deadline) {
        if (!state.compareAndSet(RUNNING, DRAINING)) return termination;
        VThreadEngine.closeQuietly(listener);
        for (VThreadConnection c : group.connections) c.drain();
        VThreadEngine.SCHEDULER.schedule(() -> {
            for (VThreadConnection c : group.connections) c.abort(new IOException("closed by server shutdown"));
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
        if (open.get() == 0) stop();
        return termination;
    }

    private void stop() {
        if (state.compareAndSet(DRAINING, STOPPED)) {
            group.stopSweeper();
            termination.complete(null);
        }
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
