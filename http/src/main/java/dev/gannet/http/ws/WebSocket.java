package dev.gannet.http.ws;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * One WebSocket connection, server or client side. Sending methods may be called from any thread: off the owner
 * loop they re-enter it. Each connection has a bounded outbound queue: a send that would pass
 * {@link WebSocketConfig#maxQueuedBytes()} applies the {@link WebSocketConfig#slowConsumer()} policy (drop the
 * message, or close with 1008) and returns false. A slow consumer's close does not wait for the peer's answer: the
 * socket leaves its topics and the connection goes to the transport's close at once.
 */
public interface WebSocket {
    long id();

    /** The request path of the handshake. */
    String path();

    /** A path parameter of the route ({@code /chat/{room}}), or null. */
    String pathParam(String name);

    /** The subprotocol agreed on in the handshake, or null. */
    String subprotocol();

    SocketAddress remoteAddress();

    /** Sends a text message; false if it was dropped (closed, or the slow-consumer policy). */
    boolean send(String text);

    /** Sends a binary message (the bytes are copied before this returns). */
    boolean send(ByteBuffer data);

    default boolean send(byte[] data) {
        return send(ByteBuffer.wrap(data));
    }

    /** Sends a frame encoded once for many sockets (a broadcast): the bytes are shared, not re-encoded. */
    boolean send(SharedFrame frame);

    /** Sends a ping (at most 125 bytes of payload). */
    void ping(ByteBuffer data);

    /** Starts the close handshake with 1000. */
    default void close() {
        close(CloseCodes.NORMAL, "");
    }

    /** Starts the close handshake; the connection closes when the peer answers, or after the close timeout. */
    void close(int code, String reason);

    boolean isOpen();

    /** Bytes queued for this socket and not yet written to the kernel. */
    long queuedBytes();

    /** Messages refused by the slow-consumer policy so far. */
    long droppedMessages();

    /** An object the application keeps with this socket (a user, a room list). */
    <T> T attachment();

    void attachment(Object value);
}
