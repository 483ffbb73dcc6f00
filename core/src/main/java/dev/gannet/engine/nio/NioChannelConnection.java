package dev.gannet.engine.nio;

import dev.gannet.engine.internal.SocketSetup;
import dev.gannet.transport.Connection;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link NioConnection} is apart from its I/O: its identity, its channel and loop, the handler's context, and
 * the hand-off to its loop. Kept apart so that the connection's class holds only the reading, writing and closing.
 */
abstract class NioChannelConnection implements Connection {
    private static final AtomicLong IDS = new AtomicLong();

    final long id = IDS.incrementAndGet();
    final NioLoop loop;
    final SocketChannel channel;
    private Object context;

    NioChannelConnection(NioLoop loop, SocketChannel channel) {
        this.loop = loop;
        this.channel = channel;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public SocketAddress remoteAddress() {
        return SocketSetup.remoteAddress(channel);
    }

    @Override
    public SocketAddress localAddress() {
        return SocketSetup.localAddress(channel);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T context() {
        return (T) context;
    }

    @Override
    public void context(Object context) {
        this.context = context;
    }

    @Override
    public Executor loop() {
        return loop;
    }

    @Override
    public boolean isOwnerThread() {
        return loop.inLoop();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        return loop.schedule(task, delay.toNanos());
    }
}
