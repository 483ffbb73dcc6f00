package dev.gannet.http;

import dev.gannet.transport.Action;

import java.nio.ByteBuffer;

/**
 * What a connection runs once its HTTP exchange has handed it over to another protocol: a WebSocket after its 101
 * response, or a server-sent event stream after its 200 head. Installed through {@link Response#takeover}; from then
 * on the connection's transport events come here instead of to the HTTP parser. Every method runs on the
 * connection's owner thread.
 */
public interface Takeover {
    /** Bytes that arrived after the hand-over (the first call may carry what followed the request in one read). */
    Action onData(ByteBuffer in);

    /** Once a second, as for HTTP connections: keep-alive pings, timeouts. */
    default Action onTick() {
        return Action.KEEP;
    }

    /** The server is shutting down gracefully. Say goodbye in the protocol's own way, then close. */
    default Action onDrain() {
        return Action.CLOSE;
    }

    /** The peer half-closed. */
    default Action onEndOfInput() {
        return Action.CLOSE;
    }

    /** The transport's writability changed (its pending output crossed a water mark). */
    default void onWritabilityChanged(boolean writable) {
    }

    /** The connection closed; {@code cause} is null for an orderly close. */
    default void onClose(Throwable cause) {
    }
}
