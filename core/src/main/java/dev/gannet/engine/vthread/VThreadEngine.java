package dev.gannet.engine.vthread;

import dev.gannet.buffer.BufferPool;
import dev.gannet.engine.Engine;
import dev.gannet.engine.internal.SocketSetup;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TransportStats;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One virtual thread per connection with blocking I/O: the model for handlers that must block. Timers run on
 * one shared scheduler thread, which only hands work to virtual threads.
 */
public final class VThreadEngine implements Engine {
    public static final String NAME = "vthread";
    public static final VThreadEngine INSTANCE = new VThreadEngine();
    public static final TransportStats CLIENT_STATS = new TransportStats();
    static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("gannet-vthread-timer").daemon(true).factory());
    static final BufferPool POOL = BufferPool.shared();

    private VThreadEngine() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Server bind(ServerConfig config, Handler handler) throws IOException {
        return VThreadServer.start(config, handler);
    }

    @Override
    public CompletableFuture<Connection> connect(InetSocketAddress remote, ClientConfig config, Handler handler) {
        CompletableFuture<Connection> result = new CompletableFuture<>();
        Thread.ofVirtual().name("gannet-vthread-connect").start(() -> {
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open();
                SocketSetup.configureConnection(ch, config.socket());
                if (config.localAddress() != null) ch.bind(config.localAddress());
                SocketChannel channel = ch;
                // A blocking connect has no timeout of its own: close the channel when time is up.
                var timer = SCHEDULER.schedule(() -> {
                    if (!channel.isConnected()) closeQuietly(channel);
                }, config.connectTimeout().toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
                try {
                    ch.connect(remote);
                } catch (IOException e) {
                    throw timer.isDone() ? new SocketTimeoutException("connect to " + remote + " timed out after "
                            + config.connectTimeout().toMillis() + " ms") : e;
                } finally {
                    timer.cancel(false);
                }
                VThreadGroup group = new VThreadGroup(handler, CLIENT_STATS, POOL, config.highWaterMark(),
                        config.idleTimeout(), config.tickInterval()) {
                    @Override
                    void closed(VThreadConnection c) {
                        super.closed(c);
                        stopSweeper();
                    }
                };
                VThreadConnection c = new VThreadConnection(ch, group);
                // Completing after onOpen ran keeps the contract of Engine#connect.
                c.afterOpen = () -> result.complete(c);
                group.opened(c);
            } catch (Throwable e) {
                if (ch != null) closeQuietly(ch);
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
