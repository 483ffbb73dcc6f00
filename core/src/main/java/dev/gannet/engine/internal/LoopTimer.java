package dev.gannet.engine.internal;

import dev.gannet.transport.Connection;

/**
 * A task an event loop runs at a deadline, kept in the loop's priority queue. Equal deadlines run in the order they
 * were scheduled. Cancelling only marks it; the loop skips it when it comes due. Shared by the nio and io_uring loops.
 */
public final class LoopTimer implements Comparable<LoopTimer>, Connection.Cancellable {
    public final Runnable task;
    /** The {@link System#nanoTime()} at which it is due. */
    public final long deadline;
    private final long sequence;
    private volatile boolean cancelled;

    public LoopTimer(Runnable task, long deadline, long sequence) {
        this.task = task;
        this.deadline = deadline;
        this.sequence = sequence;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public boolean cancel() {
        boolean was = cancelled;
        cancelled = true;
        return !was;
    }

    @Override
    public int compareTo(LoopTimer o) {
        int c = Long.compare(deadline - o.deadline, 0);
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}
