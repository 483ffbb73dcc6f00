package dev.gannet.engine.internal;

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
    /** The longest a close discards input after shutting its output down (bounded by the close timeout too). */
    public static final long MAX_LINGER_NANOS = 1_000_000_000L;
    /** How long a close may take to flush before it is reset. */
    public final long closeNanos;
    /** How long a close then discards input, waiting for the peer's end, before closing anyway. */
    public final long lingerNanos;
    /** Closes that timed out, logged once per interval with a count. */
    public final RateLog closeTimeoutLog = new RateLog(System.getLogger("dev.gannet.transport.Connection"),
            System.Logger.Level.WARNING);

    public ConnectionGroup(Handler handler, TransportStats stats, int lowWaterMark, int highWaterMark, Duration idle, Duration tick) {
        this(handler, stats, lowWaterMark, highWaterMark, idle, tick, dev.gannet.transport.ServerConfig.DEFAULT_CLOSE_TIMEOUT);
    }

    public ConnectionGroup(Handler handler, TransportStats stats, int lowWaterMark, int highWaterMark, Duration idle,
                           Duration tick, Duration close) {
        this.handler = handler;
        this.stats = stats;
        this.lowWaterMark = lowWaterMark;
        this.highWaterMark = highWaterMark;
        this.idleNanos = idle.toNanos();
        this.tickNanos = tick.toNanos();
        this.closeNanos = close.toNanos();
        this.lingerNanos = Math.min(closeNanos, MAX_LINGER_NANOS);
    }

    /**
     * A close could not flush before its deadline: counts and logs it (rate-limited) and returns the cause to
     * abort the connection with.
     */
    public java.io.IOException closeTimedOut(Connection c, long unsent) {
        return closeTimedOut(stats, closeTimeoutLog, closeNanos, c, unsent);
    }

    /** As {@link #closeTimedOut(Connection, long)}, for engines that keep their groups otherwise. */
    public static java.io.IOException closeTimedOut(TransportStats stats, RateLog log, long closeNanos, Connection c,
                                                    long unsent) {
        stats.closeTimeouts.increment();
        log.record("closes timed out with output unsent (peers not reading); reset them",
                "last " + c.id() + " with " + unsent + " bytes");
        return new CloseTimeoutException(closeNanos, unsent);
    }

    /** Why a connection was reset: its close could not flush in time. */
    public static final class CloseTimeoutException extends java.io.IOException {
        CloseTimeoutException(long nanos, long unsent) {
            super("close timed out after " + nanos / 1_000_000 + " ms with " + unsent + " bytes unsent", null);
        }
    }

    /** How often the owning loop must sweep for idle timeouts and ticks, or 0 for never. */
    public long sweepNanos() {
        long s = Long.MAX_VALUE;
        // A quarter of the idle timeout bounds how late a timeout fires, within [10 ms, 1 s].
        if (idleNanos > 0) s = Math.clamp(idleNanos / 4, 10_000_000L, 1_000_000_000L);
        if (tickNanos > 0) s = Math.min(s, tickNanos);
        return s == Long.MAX_VALUE ? 0 : s;
    }

    /**
     * Tells the handler a connection closed, after counting and logging the cause ({@code handlerBug}, a handler
     * exception already logged with its stack, is not logged again). Runs on the connection's owner.
     */
    public void notifyClosed(Connection c, Throwable cause, Throwable handlerBug) {
        notifyClosed(handler, stats, c, cause, handlerBug);
    }

    /** As {@link #notifyClosed(Connection, Throwable, Throwable)}, for engines that keep their groups otherwise. */
    public static void notifyClosed(Handler handler, TransportStats stats, Connection c, Throwable cause,
                                    Throwable handlerBug) {
        if (cause instanceof java.io.IOException && !(cause instanceof Connection.IdleTimeoutException)) stats.errors.increment();
        if (cause != handlerBug) CloseLog.closed(c.id(), cause);
        try {
            handler.onClose(c, cause);
        } catch (Throwable t) {
            stats.handlerErrors.increment();
            CloseLog.handlerFailed(c.id(), t);
        }
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
