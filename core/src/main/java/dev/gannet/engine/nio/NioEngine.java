package dev.gannet.engine.nio;

import dev.gannet.engine.internal.ConnectionGroup;
import dev.gannet.engine.Engine;
import dev.gannet.engine.internal.SocketSetup;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TransportStats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The java.nio engine (epoll on Linux). Each server gets its own loops; outbound connections share a set of
 * client loops, one per core, started on first use.
 */
public final class NioEngine implements Engine {
    public static final String NAME = "nio";
    public static final NioEngine INSTANCE = new NioEngine();
    /** Counters for all outbound connections of this engine. */
    public static final TransportStats CLIENT_STATS = new TransportStats();

    private volatile NioLoop[] clientLoops;
    private final AtomicInteger nextClientLoop = new AtomicInteger();

    private NioEngine() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Server bind(ServerConfig config, Handler handler) throws IOException {
        return NioServer.start(config, handler);
    }

    @Override
    public CompletableFuture<Connection> connect(InetSocketAddress remote, ClientConfig config, Handler handler) {
        CompletableFuture<Connection> result = new CompletableFuture<>();
        NioLoop loop = config.sameLoopAs() instanceof NioServer server ? server.firstLoop() : clientLoop();
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            SocketSetup.configureConnection(ch, config.socket());
            if (config.localAddress() != null) ch.bind(config.localAddress());
        } catch (IOException e) {
            closeQuietly(ch);
            return CompletableFuture.failedFuture(e);
        }
        ConnectionGroup group = new ConnectionGroup(handler, CLIENT_STATS, config.lowWaterMark(), config.highWaterMark(),
                config.idleTimeout(), config.tickInterval());
        SocketChannel channel = ch;
        loop.execute(() -> new PendingConnect(loop, channel, group, result).start(remote, config));
        return result;
    }

    private NioLoop clientLoop() {
        NioLoop[] loops = clientLoops;
        if (loops == null) {
            synchronized (this) {
                loops = clientLoops;
                if (loops == null) {
                    int n = Runtime.getRuntime().availableProcessors();
                    loops = new NioLoop[n];
                    try {
                        for (int i = 0; i < n; i++) {
                            loops[i] = new NioLoop("gannet-nio-client-" + i);
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

    /** A connect in progress: waits for OP_CONNECT, or fails at the timeout. */
    private static final class PendingConnect implements Poller.Selectable {
        final NioLoop loop;
        final SocketChannel channel;
        final ConnectionGroup group;
        final CompletableFuture<Connection> result;
        dev.gannet.engine.internal.LoopTimer timeout;
        Poller.Key key;

        PendingConnect(NioLoop loop, SocketChannel channel, ConnectionGroup group, CompletableFuture<Connection> result) {
            this.loop = loop;
            this.channel = channel;
            this.group = group;
            this.result = result;
        }

        void start(InetSocketAddress remote, ClientConfig config) {
            try {
                if (channel.connect(remote)) {
                    established(null);
                } else {
                    key = loop.poller.register(channel, Poller.CONNECT, this);
                    timeout = loop.schedule(() -> fail(new ConnectException("connect to " + remote + " timed out after "
                            + config.connectTimeout().toMillis() + " ms")), config.connectTimeout().toNanos());
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }

        @Override
        public void ready(int readyOps) {
            try {
                if (channel.finishConnect()) established(key);
            } catch (IOException e) {
                fail(e);
            }
        }

        private void established(Poller.Key key) throws IOException {
            if (result.isDone()) return;
            if (timeout != null) timeout.cancel();
            NioConnection c = new NioConnection(loop, channel, group);
            c.open(key);
            if (!result.complete(c)) c.abort(null);
        }

        private void fail(Throwable e) {
            if (result.isDone()) return;
            if (key != null) key.cancel();
            try {
                channel.close();
            } catch (IOException ignored) {
                // failing anyway
            }
            result.completeExceptionally(e);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // failing already; the first error is the one to report
        }
    }
}
