package dev.gannet.fep.session;

import dev.gannet.fep.wire.RejectReason;

import java.util.concurrent.atomic.LongAdder;

/** What the sessions of one gateway (or tool) counted; shared by its sessions, read by /stats and tests. */
public final class SessionCounters {
    private final LongAdder[] rejects = new LongAdder[RejectReason.LIMIT];
    public final LongAdder disconnects = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder gaps = new LongAdder();
    public final LongAdder heartbeatTimeouts = new LongAdder();
    public final LongAdder logons = new LongAdder();
    public final LongAdder applicationIn = new LongAdder();
    public final LongAdder replayed = new LongAdder();

    public SessionCounters() {
        for (int i = 0; i < rejects.length; i++) rejects[i] = new LongAdder();
    }

    /** Counts one frame refused for {@code reason} (a Reject sent, or a disconnect). */
    public void rejected(int reason) {
        rejects[reason >= 0 && reason < rejects.length ? reason : 0].increment();
    }

    public long rejects(int reason) {
        return rejects[reason].sum();
    }

    public long rejectsTotal() {
        long n = 0;
        for (LongAdder a : rejects) n += a.sum();
        return n;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("logons=").append(logons.sum()).append(" app=").append(applicationIn.sum())
                .append(" gaps=").append(gaps.sum()).append(" duplicates=").append(duplicates.sum())
                .append(" replayed=").append(replayed.sum()).append(" disconnects=").append(disconnects.sum())
                .append(" heartbeatTimeouts=").append(heartbeatTimeouts.sum());
        for (int i = 1; i < rejects.length; i++) {
            long n = rejects[i].sum();
            if (n > 0) b.append(" reject[").append(RejectReason.name(i)).append("]=").append(n);
        }
        return b.toString();
    }
}
