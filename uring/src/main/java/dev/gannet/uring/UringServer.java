package dev.gannet.uring;

import dev.gannet.engine.internal.ConnectionGroup;
import dev.gannet.engine.internal.ServerBase;
import dev.gannet.engine.internal.SocketSetup;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.SocketOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A server on the io_uring engine. The listening sockets are made by the JDK (so every listen-side option and
 * address family works as on nio); accepting is a multishot accept on each, so one submission yields every
 * connection that arrives. Without SO_REUSEPORT loop 0 accepts and hands connections round-robin (or to the least
 * loaded loop); with it, every loop listens and the kernel spreads connections.
 */
final class UringServer extends ServerBase {
    private static final System.Logger LOG = System.getLogger(UringServer.class.getName());
    private static final int ENFILE = 23, EMFILE = 24;

    private final UringLoop[] loops;
    private final List<Listener> listeners = new ArrayList<>();
    private final ServerGroup group;
    private int nextLoop;

    private UringServer(ServerConfig config, Handler handler) {
        super(config, UringEngine.NAME);
        this.group = new ServerGroup(handler, stats, config);
        int n = config.loopCount();
        this.loops = new UringLoop[n];
        for (int i = 0; i < n; i++) loops[i] = new UringLoop("gannet-uring-" + i, config.blockedLoopWarning().toNanos());
    }

    static UringServer start(ServerConfig config, Handler handler) throws IOException {
        UringServer s = new UringServer(config, handler);
        try {
            for (UringLoop loop : s.loops) loop.start();
            s.bind();
        } catch (IOException | RuntimeException e) {
            for (Listener l : s.listeners) l.channel.close();
            for (UringLoop loop : s.loops) loop.stop();
            throw e;
        }
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
                address = new InetSocketAddress(address.getAddress(), first.getPort());
            }
            int fd = Sockets.fd(ch);
            if (fd < 0) {
                ch.close();
                throw new IOException("cannot read the listening socket's descriptor (needs --add-exports "
                        + "java.base/sun.nio.ch=ALL-UNNAMED)");
            }
            Listener l = new Listener(loops[i], ch, fd);
            listeners.add(l);
            loops[i].execute(l::arm);
        }
    }

    private UringLoop pickLoop(UringLoop acceptorLoop) {
        if (config.socket().reusePort() || loops.length == 1) return acceptorLoop;
        if (config.balance() == ServerConfig.Balance.LEAST_CONNECTIONS) {
            UringLoop best = loops[0];
            for (UringLoop l : loops) if (l.connectionCount < best.connectionCount) best = l;
            return best;
        }
        UringLoop l = loops[nextLoop];
        nextLoop = nextLoop + 1 == loops.length ? 0 : nextLoop + 1;
        return l;
    }

    private void accepted(int fd, UringLoop acceptorLoop) {
        if (!admit()) {
            Native.close(fd);
            return;
        }
        try {
            configure(fd, config.socket());
        } catch (IOException e) {
            Native.close(fd);
            released();
            return;
        }
        UringLoop target = pickLoop(acceptorLoop);
        if (target == acceptorLoop) openOn(target, fd);
        else target.execute(() -> openOn(target, fd));
    }

    /** The per-connection options, as {@link SocketSetup#configureConnection} sets them on a channel. */
    static void configure(int fd, SocketOptions o) throws IOException {
        Sockets.setInt(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, o.tcpNoDelay() ? 1 : 0);
        if (o.keepAlive()) Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, 1);
        if (o.sendBufferSize() > 0) Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, o.sendBufferSize());
        if (o.receiveBufferSize() > 0) Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, o.receiveBufferSize());
    }

    private void openOn(UringLoop loop, int fd) {
        if (isStopped()) {
            Native.close(fd);
            released();
            return;
        }
        UringConnection c = new UringConnection(loop, fd, group);
        c.open();
        if (isDraining()) c.drain();
    }

    /** Slots in use over all loops: listeners plus connections (or their cancellations) not yet released. */
    /** The loop that outbound connections made with {@code ClientConfig.sameLoopAs(this)} run on. */
    UringLoop firstLoop() {
        return loops[0];
    }

    int slotsInUse() {
        int n = 0;
        for (UringLoop l : loops) n += l.slotsInUse();
        return n;
    }

    /** Receive buffers handed to handlers and not yet given back, over all loops. */
    int buffersOut() {
        int n = 0;
        for (UringLoop l : loops) n += l.buffers.outstanding();
        return n;
    }

    @Override
    public List<LoopStats> loops() {
        List<LoopStats> out = new ArrayList<>(loops.length);
        for (UringLoop l : loops) out.add(new LoopStats(l.threadName(), l.connectionCount, l.watch.warnings()));
        return out;
    }

    @Override
    protected void beginDrain(Duration deadline) {
        for (Listener l : listeners) l.loop.execute(l::close);
        for (UringLoop loop : loops) {
            loop.execute(() -> {
                // Receives of requests that arrived before the shutdown may not have completed yet: run them first,
                // so that each handler drains knowing what its client sent.
                loop.reapNow();
                for (UringConnection c = loop.first; c != null; ) {
                    UringConnection next = c.next;
                    c.drain();
                    c = next;
                }
            });
        }
        loops[0].schedule(this::forceClose, deadline.toNanos());
    }

    private void forceClose() {
        for (UringLoop loop : loops) {
            loop.execute(() -> {
                for (UringConnection c = loop.first; c != null; ) {
                    UringConnection next = c.next;
                    c.abort(new IOException("closed by server shutdown"));
                    c = next;
                }
            });
        }
    }

    @Override
    protected void stopEngine(CompletableFuture<Void> termination) {
        for (UringLoop loop : loops) loop.stop();
        Thread.ofPlatform().daemon(true).name("gannet-uring-stop").start(() -> {
            try {
                for (UringLoop loop : loops) loop.awaitTermination(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            termination.complete(null);
        });
    }

    private final class ServerGroup extends ConnectionGroup {
        ServerGroup(Handler handler, dev.gannet.transport.TransportStats stats, ServerConfig config) {
            super(handler, stats, config.lowWaterMark(), config.highWaterMark(), config.idleTimeout(),
                    config.tickInterval(), config.closeTimeout());
        }

        @Override
        public void closed(Connection c) {
            super.closed(c);
            released();
        }

        @Override
        public void shutdownRequested() {
            shutdownGracefully(config.shutdownTimeout());
        }
    }

    /** A listening socket with its multishot accept on one loop. */
    private final class Listener implements UringLoop.Owner {
        final UringLoop loop;
        final ServerSocketChannel channel;
        final int fd;
        int slot = -1;
        boolean armed;
        boolean closed;

        Listener(UringLoop loop, ServerSocketChannel channel, int fd) {
            this.loop = loop;
            this.channel = channel;
            this.fd = fd;
        }

        void arm() {
            if (closed) return;
            if (slot < 0) slot = loop.allocate(this);
            try {
                // Accepted sockets come non-blocking and close-on-exec, like the JDK's.
                loop.ring.prep(Ring.OP_ACCEPT, 0, Ring.ACCEPT_MULTISHOT, fd, 0, 0, 0,
                        Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, loop.userData(slot, UringLoop.OP_ACCEPT), 0);
                armed = true;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot arm accept", e);
            }
        }

        @Override
        public void complete(int op, int res, int flags) {
            if (op != UringLoop.OP_ACCEPT) {
                return;
            }
            if ((flags & Ring.CQE_F_MORE) == 0) armed = false;
            if (res >= 0) {
                if (closed) Native.close(res);
                else accepted(res, loop);
            } else if (res != -Sockets.ECANCELED && !closed) {
                boolean outOfDescriptors = res == -EMFILE || res == -ENFILE;
                // Nothing taken from the queue: back off rather than spin on a listener that stays ready.
                if (!acceptFailed(Sockets.describe(-res), outOfDescriptors, channel)) {
                    if (!armed) loop.schedule(this::arm, 100_000_000L);
                    return;
                }
            }
            if (closed && !armed) {
                loop.free(slot);
                closeChannel();
            } else if (!armed) {
                arm();
            }
        }

        @Override
        public void loopEnding() {
            close();
        }

        void close() {
            if (closed) return;
            closed = true;
            if (armed) {
                try {
                    loop.ring.prep(Ring.OP_ASYNC_CANCEL, 0, 0, -1, 0, loop.userData(slot, UringLoop.OP_ACCEPT), 0, 0,
                            loop.userData(slot, UringLoop.OP_CANCEL), 0);
                } catch (IOException e) {
                    closeChannel();
                }
            } else {
                if (slot >= 0) loop.free(slot);
                closeChannel();
            }
        }

        private void closeChannel() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
