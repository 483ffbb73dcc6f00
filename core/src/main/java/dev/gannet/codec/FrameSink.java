package dev.gannet.codec;

import java.nio.ByteBuffer;

/** Receives the frames a {@link FrameDecoder} finds. */
@FunctionalInterface
public interface FrameSink {

    /**
     * One whole frame: its bytes are those between {@code frame.position()} and {@code frame.limit()}.
     *
     * <p>{@code frame} is a view of the decoder's input, not a copy, and is valid only during this call: copy
     * what must outlive it. Absolute reads must be offset by {@code frame.position()}, which is not zero in
     * general, because making a zero-based slice would allocate a buffer per frame.
     *
     * @return true to go on decoding, false to stop (for example because the connection is being closed); the
     *         frames still in the input are then left unconsumed
     */
    boolean onFrame(ByteBuffer frame);
}
