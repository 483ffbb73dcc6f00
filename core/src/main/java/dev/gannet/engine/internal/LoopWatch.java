package dev.gannet.engine.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The blocked-loop detector's view of one event loop. The loop writes {@link #busySince} when a turn's work starts
 * and zero when it goes back to waiting; one daemon thread for the whole process checks every watched loop 20 times a
 * second and, when one has been busy for longer than its threshold, logs the loop's stack once per blocked episode,
 * which points at the blocking code. A volatile store per turn is all it costs the loop.
 *
 * <p>Engines with event loops (nio, io_uring) each hold one per loop.
 */
public final class LoopWatch {
    private static final System.Logger LOG = System.getLogger("dev.gannet.engine.BlockedLoop");
    private static final Set<LoopWatch> WATCHED = ConcurrentHashMap.newKeySet();
    private static volatile Thread detector;

    private final Thread thread;
    private final long thresholdNanos;
    /** When the current turn's work began ({@link System#nanoTime()}), 0 while the loop waits for events. */
    public volatile long busySince;
    private long reported;
    private volatile int warnings;

    /** Watches {@code thread} (not yet started) for turns longer than {@code thresholdNanos}; 0 turns it off. */
    public LoopWatch(Thread thread, long thresholdNanos) {
        this.thread = thread;
        this.thresholdNanos = thresholdNanos;
    }

    /** Starts watching; call when the loop starts. */
    public void start() {
        if (thresholdNanos <= 0) return;
        WATCHED.add(this);
        if (detector == null) {
            synchronized (LoopWatch.class) {
                if (detector == null) {
                    detector = Thread.ofPlatform().daemon(true).name("gannet-blocked-loop-detector").start(LoopWatch::run);
                }
            }
        }
    }

    /** Stops watching; call when the loop ends. */
    public void stop() {
        WATCHED.remove(this);
    }

    /** Warnings logged about this loop. */
    public int warnings() {
        return warnings;
    }

    private static void run() {
        while (true) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (LoopWatch w : WATCHED) {
                long since = w.busySince;
                if (since == 0 || now - since < w.thresholdNanos || w.reported == since) continue;
                w.reported = since;
                w.warnings++;
                StringBuilder sb = new StringBuilder("event loop ").append(w.thread.getName())
                        .append(" has been blocked for ").append((now - since) / 1_000_000)
                        .append(" ms; its other connections wait. Move blocking work to a virtual thread (a blocking "
                                + "route). Where it is now:");
                for (StackTraceElement e : w.thread.getStackTrace()) sb.append("\n\tat ").append(e);
                LOG.log(System.Logger.Level.WARNING, sb.toString());
            }
        }
    }
}
