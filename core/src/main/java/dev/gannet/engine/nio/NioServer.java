package dev.gannet.engine.nio;

import dev.gannet.engine.internal.ConnectionGroup;
import dev.gannet.engine.internal.ServerBase;
import dev.gannet.engine.internal.SocketSetup;
import dev.gannet.transport.Handler;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TransportStats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A server on the nio engine: its own event loops and either one acceptor (on loop 0) that hands connections to
 * the loops, or, in SO_REUSEPORT mode, one listening socket per loop so the kernel spreads connections.
 */
final class NioServer extends ServerBase {

    private final NioLoop[] loops;
    private final List<Listener> listeners = new ArrayList<>();
    private final ServerGroup group;
    private int nextLoop;

    private NioServer(ServerConfig config, Handler handler) throws IOException {
        super(config, NioEngine.NAME);
        this.group = new ServerGroup(handler, stats, config);
        int n = config.loopCount();
        this.loops = new NioLoop[n];
        for (int i = 0; i < n; i++) loops[i] = new NioLoop("gannet-nio-" + i, config.blockedLoopWarning().toNanos());
    }

    static NioServer start(ServerConfig config, Handler handler) throws IOException {
        NioServer s = new NioServer(config, handler);
        try {
            s.bind();
        } catch (IOException | RuntimeException e) {
            for (Listener l : s.listeners) l.channel.close();
            for (NioLoop loop : s.loops) loop.poller.close();
            throw e;
        }
        for (NioLoop loop : s.loops) loop.start();
        return s;
    }

    private void bind() throws IOException {
        InetSocketAddress address = config.address();
        int sockets = config.socket().reusePort() ? loops.length : 1;
        for (int i = 0; i < sockets; i++) {
            ServerSocketChannel ch = SocketSetup.openListener(address, config.socket());
            if (i == 0) {
                InetSocketAddress first = (InetSocketAddress) ch.getLocalAddress();
                bound(first);
                // With port 0 the other REUSEPORT sockets must join the port the first one got.
                address = new InetSocketAddress(address.getAddress(), first.getPort());
            }
            ch.configureBlocking(false);
            Listener l = new Listener(loops[i], ch);
            // The loop threads are not running yet, so registering from here cannot race a poll.
            l.key = loops[i].poller.register(ch, Poller.ACCEPT, l);
            listeners.add(l);
        }
    }

    private NioLoop pickLoop(NioLoop acceptorLoop) {
        if (config.socket().reusePort() || loops.length == 1) return acceptorLoop;
        if (config.balance() == ServerConfig.Balance.LEAST_CONNECTIONS) {
            NioLoop best = loops[0];
            for (NioLoop l : loops) if (l.connectionCount < best.connectionCount) best = l;
            return best;
        }
        NioLoop l = loops[nextLoop];
        nextLoop = nextLoop + 1 == loops.length ? 0 : nextLoop + 1;
        return l;
    }

    private void accepted(SocketChannel ch, NioLoop acceptorLoop) {
        if (!admit()) {
            closeQuietly(ch);
            return;
        }
        try {
            ch.configureBlocking(false);
            SocketSetup.configureConnection(ch, config.socket());
        } catch (IOException e) {
            closeQuietly(ch);
            released();
            return;
        }
        NioLoop target = pickLoop(acceptorLoop);
        if (target == acceptorLoop) openOn(target, ch);
        else target.execute(() -> openOn(target, ch));
    }

    private void openOn(NioLoop loop, SocketChannel ch) {
        if (isStopped()) {
            closeQuietly(ch);
            released();
            return;
        }
        NioConnection c = new NioConnection(loop, ch, group);
        try {
            c.open(null);
        } catch (IOException e) {
            c.abort(e);
            return;
        }
        if (isDraining()) c.drain();
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** The loop that outbound connections made with {@code ClientConfig.sameLoopAs(this)} run on. */
    NioLoop firstLoop() {
        return loops[0];
    }

    @Override
    public List<LoopStats> loops() {
        List<LoopStats> out = new ArrayList<>(loops.length);
        for (NioLoop l : loops) out.add(new LoopStats(l.threadName(), l.connectionCount, l.watch.warnings()));
        return out;
    }

    @Override
    protected void beginDrain(Duration deadline) {
        for (Listener l : listeners) l.loop.execute(l::close);
        for (NioLoop loop : loops) {
            loop.execute(() -> {
                for (NioConnection c = loop.first; c != null; ) {
                    NioConnection next = c.next;
                    c.drain();
                    c = next;
                }
            });
        }
        loops[0].schedule(this::forceClose, deadline.toNanos());
    }

    private void forceClose() {
        for (NioLoop loop : loops) {
            loop.execute(() -> {
                for (NioConnection c = loop.first; c != null; ) {
                    NioConnection next = c.next;
                    c.abort(new IOException("closed by server shutdown"));
                    c = next;
                }
            });
        }
    }

    @Override
    protected void stopEngine(CompletableFuture<Void> termination) {
        for (NioLoop loop : loops) loop.stop();
        // Joining the loops from one of them would wait for itself: a short-lived thread waits instead.
        Thread.ofPlatform().daemon(true).name("gannet-nio-stop").start(() -> {
            try {
                for (NioLoop loop : loops) loop.awaitTermination(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            termination.complete(null);
        });
    }

    /** Tracks the server's connections so a draining server stops when the last one closes. */
    private final class ServerGroup extends ConnectionGroup {
        ServerGroup(Handler handler, TransportStats stats, ServerConfig config) {
            super(handler, stats, config.lowWaterMark(), config.highWaterMark(), config.idleTimeout(), config.tickInterval(),
                    config.closeTimeout());
        }

        @Override
        public void closed(dev.gannet.transport.Connection c) {
            super.closed(c);
            released();
        }

        @Override
        public void shutdownRequested() {
            shutdownGracefully(config.shutdownTimeout());
        }
    }

    /** A listening socket and the loop that accepts on it. */
    private final class Listener implements Poller.Selectable {
        final NioLoop loop;
        final ServerSocketChannel channel;
        Poller.Key key;

        Listener(NioLoop loop, ServerSocketChannel channel) {
            this.loop = loop;
            this.channel = channel;
        }

        @Override
        public void ready(int readyOps) {
            // Bounded so that a connection storm still lets the loop serve its connections.
            for (int i = 0; i < 256; i++) {
                SocketChannel ch;
                try {
                    ch = channel.accept();
                } catch (IOException e) {
                    String why = String.valueOf(e.getMessage());
                    if (acceptFailed(why, dev.gannet.engine.internal.SpareDescriptor.isOutOfDescriptors(why), channel)) return;
                    // Nothing could be taken from the queue: pause rather than spin on a listener that stays ready.
                    key.interestOps(0);
                    loop.schedule(() -> {
                        if (key.isValid()) key.interestOps(Poller.ACCEPT);
                    }, 100_000_000L);
                    return;
                }
                if (ch == null) return;
                accepted(ch, loop);
            }
        }

        void close() {
            key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
