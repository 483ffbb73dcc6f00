package dev.gannet.engine.internal;

import dev.gannet.transport.Connection;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a connection owned by an event loop is apart from its I/O, the same on every loop engine: its identity, its
 * loop, the handler's context, and the hand-off of work to the loop. An engine's connection adds its socket and the
 * reading, writing and closing.
 *
 * @param <L> the engine's loop
 */
public abstract class LoopConnection<L extends EventLoop> implements Connection {
    /** One sequence for every engine, so that ids stay unique in a process that runs several. */
    private static final AtomicLong IDS = new AtomicLong();

    protected final long id = IDS.incrementAndGet();
    protected final L loop;
    private Object context;

    protected LoopConnection(L loop) {
        this.loop = loop;
    }

    @Override
    public long id() {
        return id;
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
