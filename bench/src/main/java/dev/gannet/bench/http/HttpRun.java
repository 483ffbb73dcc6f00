package dev.gannet.bench.http;

import dev.gannet.bench.Retries;

/**
 * One measured run of one contender on one workload; {@code failure} is null when it succeeded.
 *
 * <p>{@code serverCpuSeconds} is the server's utime+stime over the measured window and {@code wrkCpuSeconds}
 * wrk's (both from /proc). {@code othersOnServerCore} and {@code othersOnDriverCore} are the shares of the two
 * pinned cores that went to anything else (other processes, the hypervisor): a run with much of it measured the
 * machine rather than the server.
 */
record HttpRun(String contender, HttpWorkload workload, int round, Wrk.Result wrk, double windowSeconds,
               double serverCpuSeconds, double wrkCpuSeconds, double othersOnServerCore, double othersOnDriverCore,
               String failure) implements Retries.Measured {

    static HttpRun failed(String contender, HttpWorkload workload, int round, String why) {
        return new HttpRun(contender, workload, round, null, 0, 0, 0, 0, 0, why);
    }

    @Override
    public boolean ok() {
        return failure == null;
    }

    @Override
    public double othersShare() {
        return Math.max(othersOnServerCore, othersOnDriverCore);
    }

    double rate() {
        return wrk.rate();
    }

    /** Server CPU-seconds per million requests: what separates servers when wrk is the bottleneck. */
    double cpuPerMillion() {
        return serverCpuSeconds / wrk.requests() * 1e6;
    }

    double serverCoreShare() {
        return windowSeconds > 0 ? serverCpuSeconds / windowSeconds : 0;
    }

    double wrkCoreShare() {
        return windowSeconds > 0 ? wrkCpuSeconds / windowSeconds : 0;
    }
}
