package dev.gannet.bench;

import java.io.IOException;
import java.time.Duration;

/**
 * Waits, before each run, until the server core and the driver core are nearly idle, so a run does not start in the
 * middle of someone else's build on this shared machine. The total wait over a whole bench is capped by its patience.
 */
public final class QuietCores {
    /** Core 0 runs the server, core 1 the load generator. */
    public static final int SERVER_CORE = 0;
    public static final int DRIVER_CORE = 1;
    /** A core more than this busy with other work makes a run "disturbed". */
    public static final double DISTURBED = 0.10;
    private static final long MAX_WAIT_PER_RUN_MILLIS = 10_000;

    private final long sampleMillis;
    private long patienceMillis;

    public QuietCores(Duration patience, Duration sample) {
        this.patienceMillis = patience.toMillis();
        this.sampleMillis = sample.toMillis();
    }

    /** @return how long it waited beyond the first sample, in milliseconds */
    public long await() throws IOException, InterruptedException {
        long start = System.nanoTime();
        while (true) {
            long[][] a = ProcStat.cpuTimes();
            Thread.sleep(sampleMillis);
            long[][] b = ProcStat.cpuTimes();
            long waited = (System.nanoTime() - start) / 1_000_000 - sampleMillis;
            // Idle servers left on core 0 count as "others" here; they use well under 1% of it.
            boolean quiet = others(a, b, SERVER_CORE, 0) < DISTURBED && others(a, b, DRIVER_CORE, 0) < DISTURBED;
            if (quiet || waited >= Math.min(patienceMillis, MAX_WAIT_PER_RUN_MILLIS)) {
                patienceMillis = Math.max(0, patienceMillis - waited);
                return waited;
            }
        }
    }

    /** The share of {@code core} that was busy with something other than {@code processTicks} of the pinned process. */
    public static double others(long[][] before, long[][] after, int core, long processTicks) {
        if (core >= before.length || core >= after.length) return 0;
        long total = after[core][1] - before[core][1];
        long busy = after[core][0] - before[core][0];
        return total <= 0 ? 0 : Math.max(0, busy - processTicks) / (double) total;
    }
}
