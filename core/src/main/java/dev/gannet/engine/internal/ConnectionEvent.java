package dev.gannet.engine.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.EventType;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A connection's life, committed when it closes. Off by default (enable {@code dev.gannet.Connection} in a JFR
 * configuration); while off, closing a connection checks one flag.
 */
@Name("dev.gannet.Connection")
@Label("Connection")
@Category({"Gannet", "Transport"})
@Description("A TCP connection served by Gannet, committed when it closes")
@Enabled(false)
@StackTrace(false)
public final class ConnectionEvent extends Event {
    private static final EventType TYPE = EventType.getEventType(ConnectionEvent.class);

    @Label("Engine")
    public String engine;
    @Label("Connection Id")
    public long id;
    @Label("Remote Address")
    public String remote;
    @Label("Lifetime")
    @Timespan(Timespan.NANOSECONDS)
    public long lifetime;
    @Label("Close Cause")
    public String cause;

    /** Records a closed connection if the event is enabled. */
    public static void closed(String engine, dev.gannet.transport.Connection c, long openedAtNanos, Throwable cause) {
        if (!TYPE.isEnabled()) return;
        ConnectionEvent e = new ConnectionEvent();
        if (!e.shouldCommit()) return;
        e.engine = engine;
        e.id = c.id();
        e.remote = String.valueOf(c.remoteAddress());
        e.lifetime = System.nanoTime() - openedAtNanos;
        e.cause = cause == null ? null : cause.toString();
        e.commit();
    }
}
