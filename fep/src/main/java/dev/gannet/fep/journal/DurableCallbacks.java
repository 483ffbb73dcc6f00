package dev.gannet.fep.journal;

import java.util.Arrays;

/**
 * The durable position and the callbacks waiting for it to pass a position.
 *
 * <p>The writer registers, the fsync thread advances. Both sides take this object's monitor for a few array
 * stores, never while running a callback, so neither waits on the other's work. The arrays are reused: once
 * they have grown to the usual number of pending callbacks, registering and draining allocate nothing. The
 * caller is expected to register one callback per batch of appends (say, per event-loop turn), not one per
 * record; a callback stands for every position before its own.
 */
final class DurableCallbacks {
    private long[] positions = new long[16];
    private Runnable[] callbacks = new Runnable[16];
    private int size;
    /** Due callbacks, copied out under the monitor and run outside it; used by the advancing thread only. */
    private Runnable[] due = new Runnable[16];
    private volatile long durable;

    DurableCallbacks(long durable) {
        this.durable = durable;
    }

    long durable() {
        return durable;
    }

    /**
     * Queues {@code callback} until {@code position} is durable. Returns false, queuing nothing, when it already
     * is; the caller then runs it itself. Deciding under the monitor closes the race with {@link #advance}.
     */
    synchronized boolean queueUnlessDurable(long position, Runnable callback) {
        if (position <= durable) return false;
        if (size == positions.length) {
            positions = Arrays.copyOf(positions, size * 2);
            callbacks = Arrays.copyOf(callbacks, size * 2);
        }
        positions[size] = position;
        callbacks[size] = callback;
        size++;
        return true;
    }

    /**
     * Makes {@code position} the durable position and runs, on the calling thread, every callback it satisfies.
     * A callback that throws is reported to the thread's uncaught-exception handler; the others still run.
     */
    void advance(long position) {
        int n = 0;
        synchronized (this) {
            durable = position;
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (positions[i] <= position) {
                    if (n == due.length) due = Arrays.copyOf(due, n * 2);
                    due[n++] = callbacks[i];
                } else {
                    positions[kept] = positions[i];
                    callbacks[kept++] = callbacks[i];
                }
            }
            Arrays.fill(callbacks, kept, size, null);
            size = kept;
        }
        for (int i = 0; i < n; i++) {
            Runnable r = due[i];
            due[i] = null;
            run(r);
        }
    }

    static void run(Runnable callback) {
        try {
            callback.run();
        } catch (Throwable t) {
            Thread current = Thread.currentThread();
            current.getUncaughtExceptionHandler().uncaughtException(current, t);
        }
    }

    synchronized int pending() {
        return size;
    }
}
