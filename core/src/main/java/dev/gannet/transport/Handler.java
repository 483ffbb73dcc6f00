package dev.gannet.transport;

import java.nio.ByteBuffer;

/**
 * Connection callbacks, in the style of gnet: each returns an {@link Action}.
 *
 * <p>All callbacks for one connection run on the thread that owns it (its event loop, or its virtual
 * thread), one at a time, so a handler needs no locks for per-connection state. Keep that state in
 * {@link Connection#context(Object)}. A handler instance is shared by every connection of a server and
 * MUST NOT keep per-connection state in its own fields.
 *
 * <p>An exception thrown by a callback closes that connection, is logged and counted; it never reaches
 * the event loop.
 */
public interface Handler {

    /** A connection was opened (accepted, or connected for a client). */
    default Action onOpen(Connection connection) {
        return Action.KEEP;
    }

    /**
     * Bytes arrived. {@code in} is in read mode and is valid only during this call. Consume what forms
     * whole messages by advancing its position; the bytes left are kept and handed back, with what
     * arrives next, on the following call; and, if reading was paused ({@link Connection#pauseReading()} or the
     * high water mark), once it resumes, even when nothing new arrives.
     */
    Action onData(Connection connection, ByteBuffer in);

    /**
     * The peer shut down its output (end of stream). The default closes after pending writes are flushed;
     * return {@link Action#KEEP} to keep writing on a half-closed connection.
     */
    default Action onEndOfInput(Connection connection) {
        return Action.CLOSE;
    }

    /**
     * Pending output crossed the high water mark ({@code writable == false}) or fell back under the low
     * one. While a connection is not writable the transport also stops reading from it, so a peer that
     * does not read cannot make the server buffer without bound.
     */
    default void onWritabilityChanged(Connection connection, boolean writable) {
    }

    /** Called every {@link ServerConfig#tickInterval()} for each open connection, for heartbeats and timers. */
    default Action onTick(Connection connection) {
        return Action.KEEP;
    }

    /**
     * The server began a graceful shutdown. Input the peer sent before it is handed to {@link #onData} first, so
     * a request waiting in the socket is seen, not reset. Return {@link Action#CLOSE} (the default) to close once
     * pending output is flushed, or {@link Action#KEEP} to finish in-flight work and close later; connections still
     * open at the deadline are closed hard.
     */
    default Action onDrain(Connection connection) {
        return Action.CLOSE;
    }

    /**
     * The connection closed. {@code cause} is null for an orderly close, or the error that closed it (a
     * reset, a timeout, a codec error, or an exception from this handler).
     */
    default void onClose(Connection connection, Throwable cause) {
    }
}
