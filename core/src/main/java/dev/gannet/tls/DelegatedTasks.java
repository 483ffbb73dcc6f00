package dev.gannet.tls;

import dev.gannet.transport.Connection;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Runs an {@link SSLEngine}'s delegated tasks (certificate checks, signatures, key agreement: the expensive part
 * of a handshake) on {@link TlsConfig#delegatedTaskExecutor()} rather than on the connection's thread, and hands
 * the handshake back to that thread when a task is done. On an event loop a burst of new connections would
 * otherwise hold up every other connection of the loop for the whole burst's signing time.
 *
 * <p>While a task is out ({@link #running()}) the connection must leave its engine alone: the JDK's task holds
 * the engine's lock for as long as it runs, so any engine call from the loop would wait on that lock, which is
 * the stall this class is here to avoid. So reading stops (the transport keeps what the handshake has not
 * consumed, the kernel the rest: nothing is buffered here) and the {@link TlsConnection} queues writes; when the
 * task is done, {@code resume} runs on the connection's thread, through {@link Connection#execute}, which the
 * transport serializes with the connection's callbacks and skips or makes harmless once it is closed.
 *
 * <p>One per connection, touched on the connection's thread only, except the task wrapper, which runs on the
 * executor.
 */
final class DelegatedTasks {

    private final Executor executor;
    private final Connection raw;
    private final Consumer<Throwable> resume;
    private boolean running;
    // Set while inside executor.execute, to recognise an executor that ran the task before returning. Not
    // volatile: the executor's thread only compares it with itself, and only the submitting thread can find
    // itself there.
    private Thread submitting;

    /**
     * @param resume runs on the connection's thread once an offloaded task is done, with what the task threw,
     *               or null
     */
    DelegatedTasks(Executor executor, Connection raw, Consumer<Throwable> resume) {
        this.executor = executor;
        this.raw = raw;
        this.resume = resume;
    }

    /** A task is out on the executor: the engine is not to be touched and reading is paused. */
    boolean running() {
        return running;
    }

    /**
     * Runs what the engine has to delegate, given its {@link SSLEngine#getDelegatedTask}. True when a task went
     * to the executor: the handshake then waits for {@code resume}. False when everything ran here (configured
     * inline, or an executor that ran the task at once or refused it), and the handshake goes on now.
     *
     * @throws SSLException a task that ran here threw (the JDK's own tasks never do: they keep a failure for
     *                      the engine's next wrap or unwrap to throw)
     */
    boolean start(Supplier<Runnable> delegatedTasks) throws SSLException {
        Runnable task;
        while ((task = delegatedTasks.get()) != null) {
            if (executor == TlsConfig.INLINE_TASKS) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    throw failed(e);
                }
            } else if (offload(task)) {
                return true;
            }
        }
        return false;
    }

    private boolean offload(Runnable task) throws SSLException {
        Job job = new Job(task);
        submitting = Thread.currentThread();
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            // An executor shut down or full: the handshake still has to finish, and running it here is what
            // Gannet did before offloading existed.
            job.run();
        } finally {
            submitting = null;
        }
        if (job.ranHere) {
            if (job.failure != null) throw failed(job.failure);
            return false;
        }
        running = true;
        // Before any further input: the engine is busy, and what arrives waits with the transport and the
        // kernel. The completion cannot overtake this: it comes through raw.execute, after this callback.
        raw.pauseReading();
        return true;
    }

    /** Back on the connection's thread. */
    private void done(Throwable failure) {
        running = false;
        resume.accept(failure);
    }

    /** The task as the executor sees it: runs it, then queues the rest of the handshake on the connection. */
    private final class Job implements Runnable {
        final Runnable task;
        boolean ranHere;
        Throwable failure;

        Job(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            Throwable thrown = null;
            try {
                task.run();
            } catch (Throwable t) {
                thrown = t; // the connection reports it; an executor would only log it, or swallow it
            }
            if (submitting == Thread.currentThread()) {
                // Run before execute returned (a same-thread executor): start goes on by itself. Going through
                // raw.execute instead would, on the vthread engine, run the rest of the handshake nested inside
                // the callback that is still starting it.
                ranHere = true;
                failure = thrown;
                return;
            }
            Throwable f = thrown;
            try {
                raw.execute(() -> done(f));
            } catch (RuntimeException e) {
                // The engine is stopping and takes no more tasks: the connection is being closed with it.
            }
        }
    }

    /**
     * A task that threw, as the handshake failure it is: the connection then fails as for any other handshake
     * error (an alert to the peer, the exception as the close cause), wherever the task ran.
     */
    static SSLException failed(Throwable taskFailure) {
        SSLException e = new SSLHandshakeException("TLS delegated task failed: " + taskFailure);
        e.initCause(taskFailure);
        return e;
    }
}
