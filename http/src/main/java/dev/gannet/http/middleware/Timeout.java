package dev.gannet.http.middleware;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.Middleware;
import dev.gannet.http.Request;
import dev.gannet.http.Response;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A deadline for blocking routes: when the rest of the chain runs longer than the timeout, the handler's thread is
 * interrupted and, if nothing was sent yet, the client gets 503.
 *
 * <p>Only handlers on virtual threads (routes declared after {@code .blocking()}, or every route on the vthread
 * engine) are timed. On an event loop there is nothing to interrupt that would help (the loop is the thread every
 * connection shares, and a handler there must not block anyway), so Timeout passes straight through.
 *
 * <p>Interrupting is a request, not a kill: {@code sleep}, {@code BlockingQueue}, socket and JDBC waits on virtual
 * threads end at once, but a handler spinning on the CPU keeps running until it returns, and its 503 is that late.
 * The 503 is written by the handler's own thread after the handler returns, never by the timer, because a response
 * is not safe to touch from two threads. The thread's interrupt status is cleared before returning so it cannot
 * leak into the next request.
 *
 * <p>Put Recovery outside Timeout: Timeout turns the handler's InterruptedException into the 503 itself.
 */
public final class Timeout implements Middleware {
    private final long nanos;

    private Timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be > 0");
        this.nanos = timeout.toNanos();
    }

    public static Timeout of(Duration timeout) {
        return new Timeout(timeout);
    }

    /** One daemon thread for every deadline of every Timeout: it only flips a flag and interrupts. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor INSTANCE = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread th = new Thread(r, "gannet-http-timeout");
                th.setDaemon(true);
                return th;
            });
            // Most deadlines are cancelled; without this they would sit in the queue until they expire.
            t.setRemoveOnCancelPolicy(true);
            return t;
        }
    }

    /**
     * The race between the deadline and the handler's return, settled under one lock: once the handler has marked
     * itself done no interrupt can arrive any more, so clearing the status afterwards really clears it.
     */
    private static final class Deadline implements Runnable {
        private final Thread thread;
        private boolean done;
        private boolean expired;

        Deadline(Thread thread) {
            this.thread = thread;
        }

        @Override
        public synchronized void run() {
            if (done) return;
            expired = true;
            thread.interrupt();
        }

        /** Marks the handler finished; true when the deadline had passed first. */
        synchronized boolean finish() {
            done = true;
            return expired;
        }
    }

    @Override
    public void handle(Request req, Response res, HttpHandler next) throws Exception {
        Thread thread = Thread.currentThread();
        if (!thread.isVirtual()) {
            next.handle(req, res);
            return;
        }
        Deadline deadline = new Deadline(thread);
        ScheduledFuture<?> timer = Timer.INSTANCE.schedule(deadline, nanos, TimeUnit.NANOSECONDS);
        Throwable failure = null;
        try {
            next.handle(req, res);
        } catch (Throwable t) {
            failure = t;
        }
        timer.cancel(false);
        if (deadline.finish()) {
            Thread.interrupted();
            if (!res.isSent()) {
                // Whatever the handler threw after the interrupt is a consequence of the timeout, not a bug to report.
                res.status(503).contentType("text/plain; charset=utf-8")
                        .send("Service Unavailable: the request took too long\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        if (failure instanceof Exception e) throw e;
        if (failure instanceof Error e) throw e;
        if (failure != null) throw new IllegalStateException(failure);
    }
}
