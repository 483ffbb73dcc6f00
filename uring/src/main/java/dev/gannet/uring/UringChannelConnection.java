package dev.gannet.uring;

import dev.gannet.transport.Connection;

import java.io.IOException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link UringConnection} is apart from its I/O: its identity, descriptor and loop, the handler's context, and
 * the hand-off to its loop. Kept apart so that the connection's class holds only the receiving, sending and closing.
 */
abstract class UringChannelConnection implements Connection {
    private static final AtomicLong IDS = new AtomicLong(1L << 40);

    final long id = IDS.incrementAndGet();
    final UringLoop loop;
    final int fd;
    /** Set once the descriptor is closed: its addresses can no longer be asked for. */
    boolean released;
    private Object context;
    private SocketAddress remote;
    private SocketAddress local;

    UringChannelConnection(UringLoop loop, int fd) {
        this.loop = loop;
        this.fd = fd;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public long eventTime() {
        long t = loop.watch.busySince;
        return t != 0 && loop.inLoop() ? t : System.nanoTime();
    }

    @Override
    public SocketAddress remoteAddress() {
        if (remote == null && !released) {
            try {
                remote = Sockets.remoteAddress(fd);
            } catch (IOException e) {
                return null;
            }
        }
        return remote;
    }

    @Override
    public SocketAddress localAddress() {
        if (local == null && !released) {
            try {
                local = Sockets.localAddress(fd);
            } catch (IOException e) {
                return null;
            }
        }
        return local;
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
