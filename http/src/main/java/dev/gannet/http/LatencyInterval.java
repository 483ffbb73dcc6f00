package dev.gannet.http;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Request latency per interval: each {@link #next()} gives the percentiles of the requests an {@link HttpMetrics}
 * recorded since the previous call, for a display that shows how the server does now rather than since it started.
 *
 * <p>Latency is the time a request spends in the server: from when its event loop woke for the bytes that completed
 * the request to when its response was handed to the connection. The network on either side is not in it.
 *
 * <p>It reads the metrics' cumulative histograms and keeps the previous reading, so recording stays as it is (no
 * extra work on the request path). Its memory is three histograms, whatever the traffic. {@link #next()} is
 * synchronized: one caller at a time, typically one ticker.
 */
public final class LatencyInterval {
    private final HttpMetrics metrics;
    private Histogram previous = HttpMetrics.newLatencyHistogram();
    private Histogram current = HttpMetrics.newLatencyHistogram();
    private final Histogram interval = HttpMetrics.newLatencyHistogram();

    /** Starts at the metrics' present state: the first {@link #next()} covers what is recorded from now on. */
    public LatencyInterval(HttpMetrics metrics) {
        this.metrics = metrics;
        metrics.addLatencyTo(previous);
    }

    /**
     * The requests recorded since the last call, in microseconds.
     *
     * @param count requests answered in the interval; when 0, the percentiles are 0 and mean nothing
     */
    public record Snapshot(long count, long p50, long p99, long p999, long max) {
    }

    /** The percentiles of what was recorded since the last call (or since this was made). */
    public synchronized Snapshot next() {
        current.reset();
        metrics.addLatencyTo(current);
        interval.reset();
        // A reading taken while a loop records may lag another one by a request: never count below zero.
        for (HistogramIterationValue v : current.recordedValues()) {
            long value = v.getValueIteratedTo();
            long added = v.getCountAtValueIteratedTo() - previous.getCountAtValue(value);
            if (added > 0) interval.recordValueWithCount(value, added);
        }
        Histogram swap = previous;
        previous = current;
        current = swap;
        long n = interval.getTotalCount();
        if (n == 0) return new Snapshot(0, 0, 0, 0, 0);
        return new Snapshot(n, interval.getValueAtPercentile(50), interval.getValueAtPercentile(99),
                interval.getValueAtPercentile(99.9), interval.getMaxValue());
    }
}
