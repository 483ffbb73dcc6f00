package dev.gannet.server;

import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} ticks of the dashboard's figures, oldest first, in a fixed array: a page that opens gets
 * the recent past at once instead of one point. Thread-safe (one ticker adds, pages opening read).
 */
final class StatsRing {
    /** The figures of one tick. Latencies are of the requests answered in that tick alone ({@code requests} of them). */
    record Tick(long timeMillis, long connections, long requestsPerSecond, long requests, long p50Micros, long p99Micros) {
    }

    private final Tick[] ticks;
    private int next; // guarded by this
    private int size; // guarded by this

    StatsRing(int capacity) {
        if (capacity <= 0) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        ticks = new Tick[capacity];
    }

    int capacity() {
        return ticks.length;
    }

    /** Adds the newest tick; when full, the oldest goes. */
    synchronized void add(Tick tick) {
        ticks[next] = tick;
        next = (next + 1) % ticks.length;
        if (size < ticks.length) size++;
    }

    /** The ticks held, oldest first. */
    synchronized List<Tick> ticks() {
        List<Tick> out = new ArrayList<>(size);
        int first = (next - size + ticks.length) % ticks.length;
        for (int i = 0; i < size; i++) out.add(ticks[(first + i) % ticks.length]);
        return out;
    }

    /**
     * The ticks as one JSON object of columns ({@code time}, {@code connections}, {@code perSecond},
     * {@code requests}, {@code p50}, {@code p99}), with the server's clock at {@code nowMillis}, so that a page
     * can place them on its own clock.
     */
    String toJson(long nowMillis) {
        List<Tick> list = ticks();
        StringBuilder sb = new StringBuilder(64 + list.size() * 48);
        sb.append("{\"now\":").append(nowMillis);
        column(sb, "time", list, Tick::timeMillis);
        column(sb, "connections", list, Tick::connections);
        column(sb, "perSecond", list, Tick::requestsPerSecond);
        column(sb, "requests", list, Tick::requests);
        column(sb, "p50", list, Tick::p50Micros);
        column(sb, "p99", list, Tick::p99Micros);
        return sb.append('}').toString();
    }

    private static void column(StringBuilder sb, String name, List<Tick> list, java.util.function.ToLongFunction<Tick> f) {
        sb.append(",\"").append(name).append("\":[");
        for (int i = 0; i < list.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(f.applyAsLong(list.get(i)));
        }
        sb.append(']');
    }
}
