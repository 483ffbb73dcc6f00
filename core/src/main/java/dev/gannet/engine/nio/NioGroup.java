package dev.gannet.engine.nio;

import dev.gannet.transport.Handler;
import dev.gannet.transport.TransportStats;

import java.time.Duration;

/**
 * What the connections of one server (or of the client side) share: the handler, the counters, the limits,
 * and the hooks a server uses to track them.
 */
class NioGroup {
    final Handler handler;
    final TransportStats stats;
    final int lowWaterMark;
    final int highWaterMark;
    final long idleNanos;
    final long tickNanos;

    NioGroup(Handler handler, TransportStats stats, int lowWaterMark, int highWaterMark, Duration idle, Duration tick) {
        this.handler = handler;
        this.stats = stats;
        this.lowWaterMark = lowWaterMark;
        this.highWaterMark = highWaterMark;
        this.idleNanos = idle.toNanos();
        this.tickNanos = tick.toNanos();
    }

    /** How often the owning loop must sweep for idle timeouts and ticks, or 0 for never. */
    long sweepNanos() {
        long s = Long.MAX_VALUE;
        // A quarter of the idle timeout bounds how late a timeout fires, within [10 ms, 1 s].
        if (idleNanos > 0) s = Math.clamp(idleNanos / 4, 10_000_000L, 1_000_000_000L);
        if (tickNanos > 0) s = Math.min(s, tickNanos);
        return s == Long.MAX_VALUE ? 0 : s;
    }

    void opened(NioConnection c) {
        stats.accepted.increment();
    }

    void closed(NioConnection c) {
        stats.closed.increment();
    }

    void shutdownRequested() {
    }
}
