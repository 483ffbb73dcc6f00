package dev.gannet.engine;

import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.TransportStats;

import java.time.Duration;

/**
 * What the connections of one server (or of an engine's client side) share: the handler, the counters, the limits,
 * and the hooks a server uses to track them. Engines read the fields on their loops; the hooks run there too.
 */
public class ConnectionGroup {
    public final Handler handler;
    public final TransportStats stats;
    public final int lowWaterMark;
    public final int highWaterMark;
    public final long idleNanos;
    public final long tickNanos;

    public ConnectionGroup(Handler handler, TransportStats stats, int lowWaterMark, int highWaterMark, Duration idle, Duration tick) {
        this.handler = handler;
        this.stats = stats;
        this.lowWaterMark = lowWaterMark;
        this.highWaterMark = highWaterMark;
        this.idleNanos = idle.toNanos();
        this.tickNanos = tick.toNanos();
    }

    /** How often the owning loop must sweep for idle timeouts and ticks, or 0 for never. */
    public long sweepNanos() {
        long s = Long.MAX_VALUE;
        // A quarter of the idle timeout bounds how late a timeout fires, within [10 ms, 1 s].
        if (idleNanos > 0) s = Math.clamp(idleNanos / 4, 10_000_000L, 1_000_000_000L);
        if (tickNanos > 0) s = Math.min(s, tickNanos);
        return s == Long.MAX_VALUE ? 0 : s;
    }

    public void opened(Connection c) {
        stats.accepted.increment();
    }

    public void closed(Connection c) {
        stats.closed.increment();
    }

    public void shutdownRequested() {
    }
}
