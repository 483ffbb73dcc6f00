package dev.gannet.engine.vthread;

import dev.gannet.buffer.BufferPool;
import dev.gannet.transport.Handler;
import dev.gannet.transport.TransportStats;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The connections of one server (or the client side) on the vthread engine, with their sweeper. */
class VThreadGroup {
    final Handler handler;
    final TransportStats stats;
    final BufferPool pool;
    final int highWaterMark;
    final long idleNanos;
    final long tickNanos;
    /** See {@link dev.gannet.transport.ServerConfig#closeTimeout()}. */
    final long closeNanos;
    /** See {@link dev.gannet.engine.internal.ConnectionGroup#lingerNanos}. */
    final long lingerNanos;
    final dev.gannet.engine.internal.RateLog closeTimeoutLog = new dev.gannet.engine.internal.RateLog(
            System.getLogger("dev.gannet.transport.Connection"), System.Logger.Level.WARNING);
    final Set<VThreadConnection> connections = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> sweeper;

    VThreadGroup(Handler handler, TransportStats stats, BufferPool pool, int highWaterMark, Duration idle, Duration tick) {
        this(handler, stats, pool, highWaterMark, idle, tick, dev.gannet.transport.ServerConfig.DEFAULT_CLOSE_TIMEOUT);
    }

    VThreadGroup(Handler handler, TransportStats stats, BufferPool pool, int highWaterMark, Duration idle, Duration tick,
                 Duration close) {
        this.closeNanos = close.toNanos();
        this.lingerNanos = Math.min(closeNanos, dev.gannet.engine.internal.ConnectionGroup.MAX_LINGER_NANOS);
        this.handler = handler;
        this.stats = stats;
        this.pool = pool;
        this.highWaterMark = highWaterMark;
        this.idleNanos = idle.toNanos();
        this.tickNanos = tick.toNanos();
        long every = Long.MAX_VALUE;
        if (idleNanos > 0) every = Math.clamp(idleNanos / 4, 10_000_000L, 1_000_000_000L);
        if (tickNanos > 0) every = Math.min(every, tickNanos);
        sweeper = every == Long.MAX_VALUE ? null
                : VThreadEngine.SCHEDULER.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.NANOSECONDS);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (VThreadConnection c : connections) c.sweep(now);
    }

    void opened(VThreadConnection c) {
        connections.add(c);
        stats.accepted.increment();
        c.start();
    }

    void closed(VThreadConnection c) {
        connections.remove(c);
        stats.closed.increment();
    }

    void shutdownRequested() {
    }

    void stopSweeper() {
        if (sweeper != null) sweeper.cancel(false);
    }
}
