package dev.gannet.engine.internal;

import dev.gannet.transport.Connection;

import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;

/**
 * How engines log a connection closed by an error: every cause is logged, at a level that keeps routine
 * network churn (resets, idle timeouts) out of a production log while protocol errors and bugs stay visible.
 */
public final class CloseLog {
    private static final System.Logger LOG = System.getLogger("dev.gannet.transport.Connection");

    private CloseLog() {
    }

    public static void closed(long id, Throwable cause) {
        if (cause == null) return;
        System.Logger.Level level;
        // The JDK reports errno failures of read/write (broken pipe, reset) as a plain IOException; protocol errors
        // are subclasses (codec, TLS, HTTP parse errors), which stay at INFO.
        // A close that timed out is counted and logged per interval by the group, not once per connection.
        if (cause instanceof Connection.IdleTimeoutException || cause instanceof ConnectionGroup.CloseTimeoutException
                || cause instanceof SocketException
                || cause instanceof ClosedChannelException || cause.getClass() == IOException.class) {
            level = System.Logger.Level.DEBUG;
        } else if (cause instanceof IOException) {
            level = System.Logger.Level.INFO;
        } else {
            level = System.Logger.Level.WARNING;
        }
        if (!LOG.isLoggable(level)) return;
        if (level == System.Logger.Level.WARNING) LOG.log(level, "connection " + id + " closed by an error", cause);
        else LOG.log(level, "connection " + id + " closed: " + cause);
    }

    /** A handler threw something that is not a protocol error: a bug, logged with its stack. */
    public static void handlerFailed(long id, Throwable cause) {
        LOG.log(System.Logger.Level.WARNING, "handler failed on connection " + id + "; closing it", cause);
    }
}
