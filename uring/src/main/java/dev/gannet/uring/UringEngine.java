package dev.gannet.uring;

import dev.gannet.engine.internal.ConnectionGroup;
import dev.gannet.engine.Engine;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TransportStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The io_uring engine, registered as {@code io_uring} through {@link java.util.ServiceLoader}. Each server gets its
 * own loops; outbound connections share client loops, one per core, started on first use.
 */
public final class UringEngine implements Engine {
    public static final String NAME = "io_uring";
    /** Counters for all outbound connections of this engine. */
    public static final TransportStats CLIENT_STATS = new TransportStats();

    private volatile UringLoop[] clientLoops;
    private final AtomicInteger nextClientLoop = new AtomicInteger();

    public UringEngine() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean isAvailable() {
        return Uring.isAvailable();
    }

    @Override
    public String unavailableReason() {
        return Uring.unavailableReason();
    }

    @Override
    public Server bind(ServerConfig config, Handler handler) throws IOException {
        return UringServer.start(config, handler);
    }

    @Override
    public CompletableFuture<Connection> connect(InetSocketAddress remote, ClientConfig config, Handler handler) {
        if (remote.isUnresolved()) {
            return CompletableFuture.failedFuture(new java.net.UnknownHostException(remote.getHostString()));
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        int fd;
        try {
            fd = Sockets.socket(Sockets.family(remote.getAddress()),
                    Sockets.SOCK_STREAM | Sockets.SOCK_NONBLOCK | Sockets.SOCK_CLOEXEC, 0);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        try {
            UringServer.configure(fd, config.socket());
            if (config.localAddress() != null) Sockets.bind(fd, config.localAddress());
        } catch (IOException e) {
            Native.close(fd);
            return CompletableFuture.failedFuture(e);
        }
        UringLoop loop;
        try {
            loop = config.sameLoopAs() instanceof UringServer server ? server.firstLoop() : clientLoop();
        } catch (UncheckedIOException e) {
            Native.close(fd);
            return CompletableFuture.failedFuture(e.getCause());
        }
        ConnectionGroup group = new ConnectionGroup(handler, CLIENT_STATS, config.lowWaterMark(),
                config.highWaterMark(), config.idleTimeout(), config.tickInterval());
        loop.execute(() -> new PendingConnect(loop, fd, group, result).start(remote, config));
        return result;
    }

    private UringLoop clientLoop() {
        UringLoop[] loops = clientLoops;
        if (loops == null) {
            synchronized (this) {
                loops = clientLoops;
                if (loops == null) {
                    int n = Runtime.getRuntime().availableProcessors();
                    loops = new UringLoop[n];
                    try {
                        for (int i = 0; i < n; i++) {
                            loops[i] = new UringLoop("gannet-uring-client-" + i);
                            loops[i].start();
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    clientLoops = loops;
                }
            }
        }
        return loops[Math.floorMod(nextClientLoop.getAndIncrement(), loops.length)];
    }

    /** A connect in flight on the ring; a timer cancels it at the connect timeout. */
    private static final class PendingConnect implements UringLoop.Owner {
        final UringLoop loop;
        final int fd;
        final ConnectionGroup group;
        final CompletableFuture<Connection> result;
        /** The sockaddr the kernel reads until the connect completes; the GC frees it after. */
        final MemorySegment address = Arena.ofAuto().allocate(Sockets.SOCKADDR_MAX, 8);
        int slot;
        dev.gannet.engine.internal.LoopTimer timeout;
        Throwable timedOut;

        PendingConnect(UringLoop loop, int fd, ConnectionGroup group, CompletableFuture<Connection> result) {
            this.loop = loop;
            this.fd = fd;
            this.group = group;
            this.result = result;
        }

        void start(InetSocketAddress remote, ClientConfig config) {
            slot = loop.allocate(this);
            try {
                int length = Sockets.writeSockaddr(address, remote);
                loop.ring.prep(Ring.OP_CONNECT, 0, 0, fd, length, address.address(), 0, 0,
                        loop.userData(slot, UringLoop.OP_CONNECT), 0);
            } catch (IOException | RuntimeException e) {
                loop.free(slot);
                Native.close(fd);
                result.completeExceptionally(e);
                return;
            }
            timeout = loop.schedule(() -> {
                timedOut = new ConnectException("connect to " + remote + " timed out after "
                        + config.connectTimeout().toMillis() + " ms");
                try {
                    loop.ring.prep(Ring.OP_ASYNC_CANCEL, 0, 0, -1, 0, loop.userData(slot, UringLoop.OP_CONNECT), 0, 0,
                            loop.userData(slot, UringLoop.OP_CANCEL), 0);
                } catch (IOException e) {
                    timedOut.addSuppressed(e);
                }
            }, config.connectTimeout().toNanos());
        }

        @Override
        public void loopEnding() {
            timedOut = new ConnectException("the engine's loop closed before the connect completed");
            try {
                loop.ring.prep(Ring.OP_ASYNC_CANCEL, 0, 0, -1, 0, loop.userData(slot, UringLoop.OP_CONNECT), 0, 0,
                        loop.userData(slot, UringLoop.OP_CANCEL), 0);
            } catch (IOException ignored) {
                // the ring is going; its closing cancels the connect
            }
        }

        @Override
        public void complete(int op, int res, int flags) {
            if (op != UringLoop.OP_CONNECT) return;
            timeout.cancel();
            loop.free(slot);
            if (res < 0 || timedOut != null || result.isDone()) {
                Native.close(fd);
                Throwable failure = timedOut != null ? timedOut : Sockets.exception("connect", -res);
                result.completeExceptionally(failure);
                return;
            }
            UringConnection c = new UringConnection(loop, fd, group);
            c.open();
            if (!result.complete(c)) c.abort(null);
        }
    }
}
