package dev.gannet.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Medians over the rounds of a bench, one metric at a time, so one noisy round moves no column. */
public final class Medians {
    private Medians() {
    }

    /** NaN values (a percentile the load generator could not compute) are skipped; NaN if nothing is left. */
    public static <T> double of(List<T> runs, ToDoubleFunction<T> metric) {
        double[] v = runs.stream().mapToDouble(metric).filter(d -> !Double.isNaN(d)).sorted().toArray();
        int n = v.length;
        if (n == 0) return Double.NaN;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
