package dev.gannet.engine.vthread;

import dev.gannet.engine.internal.ServerBase;
import dev.gannet.engine.internal.SocketSetup;
import dev.gannet.transport.Handler;
import dev.gannet.transport.ServerConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A server on the vthread engine: one acceptor thread, and a virtual thread per connection. */
final class VThreadServer extends ServerBase {

    private final ServerSocketChannel listener;
    private final VThreadGroup group;
    private final Thread acceptor;

    private VThreadServer(ServerConfig config, Handler handler) throws IOException {
        super(config, VThreadEngine.NAME);
        this.listener = SocketSetup.openListener(config.address(), config.socket());
        bound((InetSocketAddress) listener.getLocalAddress());
        this.group = new VThreadGroup(handler, stats, VThreadEngine.POOL, config.highWaterMark(),
                config.idleTimeout(), config.tickInterval(), config.closeTimeout()) {
            @Override
            void closed(VThreadConnection c) {
                super.closed(c);
                released();
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
        while (isRunning()) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!isRunning()) return;
                String why = String.valueOf(e.getMessage());
                // Nothing taken from the queue: back off rather than spin.
                if (!acceptFailed(why, dev.gannet.engine.internal.SpareDescriptor.isOutOfDescriptors(why), listener)) sleep(100);
                continue;
            }
            if (!admit()) {
                VThreadEngine.closeQuietly(ch);
                continue;
            }
            try {
                SocketSetup.configureConnection(ch, config.socket());
            } catch (IOException e) {
                VThreadEngine.closeQuietly(ch);
                released();
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
    protected void beginDrain(Duration deadline) {
        VThreadEngine.closeQuietly(listener);
        for (VThreadConnection c : group.connections) c.drain();
        VThreadEngine.SCHEDULER.schedule(() -> {
            for (VThreadConnection c : group.connections) c.abort(new IOException("closed by server shutdown"));
        }, deadline.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void stopEngine(CompletableFuture<Void> termination) {
        group.stopSweeper();
        // A channel closed while a thread is blocked in accept() releases its port only once that thread leaves
        // accept(): wait for the acceptor, so that a terminated server has really given its port back.
        Thread.ofVirtual().name("gannet-vthread-stop").start(() -> {
            try {
                acceptor.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            termination.complete(null);
        });
    }
}
