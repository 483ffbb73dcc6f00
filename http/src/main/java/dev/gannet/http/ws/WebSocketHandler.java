package dev.gannet.http.ws;

import java.nio.ByteBuffer;

/**
 * A WebSocket endpoint's callbacks, registered with {@code HttpServer.ws("/path", handler)}. Each runs on the
 * connection's event loop, in order, one at a time per connection: do not block in them.
 */
public interface WebSocketHandler {
    /** The handshake is done; the socket can send. */
    default void onOpen(WebSocket ws) {
    }

    /** A whole text message (fragments joined, UTF-8 checked). */
    default void onText(WebSocket ws, String text) {
    }

    /**
     * A whole binary message. {@code data} is valid only during the call (it may be the connection's input
     * buffer): copy what you keep.
     */
    default void onBinary(WebSocket ws, ByteBuffer data) {
    }

    /** A pong arrived (an answer to {@link WebSocket#ping}, or unsolicited). */
    default void onPong(WebSocket ws, ByteBuffer data) {
    }

    /**
     * The socket closed: after a close handshake (the peer's code and reason), or abruptly (1006, when the
     * connection dropped without a close frame). Called once.
     */
    default void onClose(WebSocket ws, int code, String reason) {
    }
}
