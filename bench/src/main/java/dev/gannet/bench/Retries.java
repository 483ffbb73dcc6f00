package dev.gannet.bench;

/**
 * The retry rule the side-by-side benchmarks share: a run that other work disturbed is measured once more, while a
 * budget lasts (so a busy machine cannot stretch a full benchmark without bound), and the less disturbed of the two
 * is kept.
 */
public final class Retries {
    /** What the rule needs to know of a run. */
    public interface Measured {
        /** The run produced figures (it did not fail). */
        boolean ok();

        /** The larger share of the two pinned cores that went to anything but the benchmark's processes. */
        double othersShare();

        /** Other work took a tenth or more of a core this run depends on. */
        default boolean disturbed() {
            return ok() && othersShare() >= QuietCores.DISTURBED;
        }
    }

    /** One attempt at a run, numbered from 1. */
    @FunctionalInterface
    public interface Attempt<R> {
        R run(int attempt) throws Exception;
    }

    private int left;

    /** At most {@code budget} repeated runs over the whole benchmark. */
    public Retries(int budget) {
        this.left = budget;
    }

    /** Runs {@code attempt} once, and once more when that run was disturbed and the budget lasts. */
    public <R extends Measured> R best(Attempt<R> attempt) throws Exception {
        R best = null;
        for (int n = 1; ; n++) {
            R r = attempt.run(n);
            best = best == null || lessDisturbed(r, best) ? r : best;
            if (!r.disturbed() || n >= 2 || left == 0) return best;
            left--;
        }
    }

    /** What a progress line says of an attempt: that it is a retry, and how long it waited for quiet cores. */
    public static String describe(int attempt, long waitedMillis) {
        return (attempt > 1 ? " (retry)" : "")
                + (waitedMillis >= 1000 ? " (waited " + waitedMillis / 1000 + " s for quiet cores)" : "");
    }

    private static boolean lessDisturbed(Measured candidate, Measured current) {
        if (!candidate.ok() || !current.ok()) return candidate.ok();
        return candidate.othersShare() < current.othersShare();
    }
}
