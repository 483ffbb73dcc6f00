package dev.gannet.fep.session;

/**
 * A token bucket kept in nanoseconds of credit: {@code perSecond} tokens a second, holding at most {@code burst},
 * full to begin with. No allocation and no clock read of its own: the caller passes the time. Not thread-safe.
 */
final class TokenBucket {
    private long costNanos;
    private long capacityNanos;
    private long credit;
    private long updated;

    /** {@code perSecond} 0 or less: never empty. */
    void set(int perSecond, int burst) {
        if (perSecond <= 0) {
            costNanos = 0;
            return;
        }
        costNanos = 1_000_000_000L / perSecond;
        capacityNanos = costNanos * Math.max(1, burst);
        credit = capacityNanos;
        updated = 0;
    }

    /** Takes one token at {@code now} (System.nanoTime()); false when there is none. */
    boolean take(long now) {
        if (costNanos == 0) return true;
        credit = updated == 0 ? capacityNanos : Math.min(capacityNanos, credit + (now - updated));
        updated = now;
        if (credit < costNanos) return false;
        credit -= costNanos;
        return true;
    }
}
