package dev.gannet.codec;

import java.nio.ByteBuffer;

/**
 * Splits a byte stream into frames. A push parser: it does no I/O and is fed whatever bytes arrived.
 *
 * <p>The contract matches {@link dev.gannet.transport.Handler#onData}: {@code in} is in read mode;
 * {@link #decode} consumes every whole frame it holds, passing each to the sink, and leaves the position at
 * the start of the first incomplete frame. The caller keeps those bytes and hands them back, at the front
 * of the next input, together with what arrives next. A decoder may remember how far into that incomplete
 * frame it has already looked, so the caller must not drop or reorder the unconsumed bytes; if it does
 * (after an error, say), it calls {@link #reset()}.
 *
 * <p>Decoders are stateful and not thread safe: use one instance per connection.
 */
public interface FrameDecoder {

    /**
     * Decodes the whole frames in {@code in}, stopping early if the sink returns false.
     *
     * @throws FrameException if the input cannot be framed; the position is then left at the start of the
     *         offending frame and the stream is not recoverable
     */
    void decode(ByteBuffer in, FrameSink sink) throws FrameException;

    /** Forgets any state about a partially received frame. */
    default void reset() {
    }
}
