package dev.gannet.fep.session;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;

import java.nio.ByteBuffer;
import java.util.function.Function;

/**
 * Runs {@link Session}s on transport connections. For an acceptor, {@code sessions} makes a fresh session for each
 * accepted connection; for an initiator, it returns the one long-lived session, which each reconnection of a
 * {@link dev.gannet.transport.TcpClient} attaches to again.
 *
 * <p>The server or client should run with a tick interval of about 100 ms, which drives heartbeats.
 */
public final class SessionHandler implements Handler {
    private final Function<Connection, Session> sessions;

    public SessionHandler(Function<Connection, Session> sessions) {
        this.sessions = sessions;
    }

    @Override
    public Action onOpen(Connection c) {
        Session s = sessions.apply(c);
        c.context(s);
        s.attach(c, c.eventTime());
        return Action.KEEP;
    }

    @Override
    public Action onData(Connection c, ByteBuffer in) {
        Session s = c.context();
        s.onData(in, c.eventTime());
        return Action.KEEP;
    }

    @Override
    public Action onTick(Connection c) {
        Session s = c.context();
        s.tick(System.nanoTime());
        return Action.KEEP;
    }

    @Override
    public void onClose(Connection c, Throwable cause) {
        Session s = c.context();
        if (s != null && s.connection() == c) s.detached();
    }
}
