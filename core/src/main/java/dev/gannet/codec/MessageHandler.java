package dev.gannet.codec;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import java.nio.ByteBuffer;

/**
 * The callbacks of {@link dev.gannet.transport.Handler}, with whole frames instead of raw bytes; run by a
 * {@link FramingHandler}. The same threading rules apply: all callbacks for one connection run on its owner
 * thread, one at a time, and an instance is shared by every connection.
 *
 * <p>The {@link Connection} passed here is the framing layer's view of the transport's connection: its
 * {@link Connection#context()} is free for the handler's own state (the transport's context slot holds the
 * decoder) and every other method goes to the transport. It is the same object in every callback.
 */
@FunctionalInterface
public interface MessageHandler {

    /** See {@link dev.gannet.transport.Handler#onOpen}. */
    default Action onOpen(Connection connection) {
        return Action.KEEP;
    }

    /**
     * One frame, between {@code frame.position()} and {@code frame.limit()}, valid only during this call
     * (see {@link FrameSink#onFrame}). Returning {@link Action#CLOSE} or {@link Action#SHUTDOWN} stops the
     * decoding of any further frames already received.
     */
    Action onMessage(Connection connection, ByteBuffer frame);

    /**
     * The input could not be framed. The stream cannot be resynchronised: whatever this does, no further
     * frames are delivered and the connection is closed once pending output is flushed. The default drops
     * pending output and closes at once with {@code error} as the cause seen by {@link #onClose}; override to
     * write an error reply first.
     */
    default void onFrameError(Connection connection, FrameException error) {
        connection.abort(error);
    }

    /** See {@link dev.gannet.transport.Handler#onEndOfInput}. */
    default Action onEndOfInput(Connection connection) {
        return Action.CLOSE;
    }

    /** See {@link dev.gannet.transport.Handler#onWritabilityChanged}. */
    default void onWritabilityChanged(Connection connection, boolean writable) {
    }

    /** See {@link dev.gannet.transport.Handler#onTick}. */
    default Action onTick(Connection connection) {
        return Action.KEEP;
    }

    /** See {@link dev.gannet.transport.Handler#onDrain}. */
    default Action onDrain(Connection connection) {
        return Action.CLOSE;
    }

    /** See {@link dev.gannet.transport.Handler#onClose}. */
    default void onClose(Connection connection, Throwable cause) {
    }
}
