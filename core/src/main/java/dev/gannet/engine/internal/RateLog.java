package dev.gannet.engine.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A log line for a condition that can repeat thousands of times a second (refused connections, closes that timed
 * out, failed accepts): the first occurrence is logged at once, later ones are counted and logged at most once per
 * interval with their count, so a flood of clients cannot flood the log. Thread-safe; recording costs two atomic
 * operations and no allocation unless a line is written.
 */
public final class RateLog {
    public static final long DEFAULT_INTERVAL_NANOS = 10_000_000_000L;

    private final System.Logger log;
    private final System.Logger.Level level;
    private final long intervalNanos;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong nextAt;

    public RateLog(System.Logger log, System.Logger.Level level) {
        this(log, level, DEFAULT_INTERVAL_NANOS);
    }

    public RateLog(System.Logger log, System.Logger.Level level, long intervalNanos) {
        this.log = log;
        this.level = level;
        this.intervalNanos = intervalNanos;
        this.nextAt = new AtomicLong(System.nanoTime());
    }

    /** Counts one occurrence; logs {@code message} and {@code detail} with the count when the interval allows. */
    public void record(String message, Object detail) {
        count.incrementAndGet();
        long now = System.nanoTime();
        long next = nextAt.get();
        if (now - next < 0 || !nextAt.compareAndSet(next, now + intervalNanos)) return;
        long n = count.getAndSet(0);
        try {
            if (!log.isLoggable(level)) return;
            log.log(level, message + (detail != null ? ": " + detail : "")
                    + (n > 1 ? " (" + n + " times since the last report; reported at most every "
                    + intervalNanos / 1_000_000_000L + " s)" : ""));
        } catch (RuntimeException | LinkageError e) {
            // Out of descriptors, a log handler can fail (a time-zone file it cannot open): the caller, an event
            // loop refusing clients, must go on.
        }
    }
}
