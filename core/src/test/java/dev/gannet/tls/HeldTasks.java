package dev.gannet.tls;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * A delegated-task executor for {@link MemoryPipe} tests: it holds each task until the pipe runs it, at a random
 * point among its deliveries and tasks, as a task finishing on another thread would be seen by a transport. A
 * pipe finds the instances its handlers' configs use and runs their tasks until everything has settled; a test
 * that wants something to happen while a task is out sets {@link #hold} and runs the task itself.
 */
final class HeldTasks implements Executor {
    final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** While true the pipe leaves the queue alone. */
    volatile boolean hold;
    /** How each task is run: replace it to fail or observe tasks. */
    volatile UnaryOperator<Runnable> wrapper = UnaryOperator.identity();
    volatile int submitted;
    volatile int ran;

    @Override
    public void execute(Runnable task) {
        submitted++;
        Runnable r = wrapper.apply(task);
        queue.add(() -> {
            ran++;
            r.run();
        });
    }

    /** Runs the oldest task; false if none is queued. */
    boolean runOne() {
        Runnable r = queue.poll();
        if (r == null) return false;
        r.run();
        return true;
    }
}
