package dev.gannet.engine.internal;

import java.util.concurrent.Executor;

/** What a connection needs of the event loop that owns it, whichever engine runs the loop (nio, io_uring). */
public interface EventLoop extends Executor {

    /** Whether the calling thread is this loop's thread. */
    boolean inLoop();

    /** Runs {@code task} on the loop after {@code delayNanos}; safe from any thread. */
    LoopTimer schedule(Runnable task, long delayNanos);
}
