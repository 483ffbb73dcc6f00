package dev.gannet.http.h1;

import java.nio.ByteBuffer;

/** Receives the body bytes a {@link BodyDecoder} takes out of the input. */
@FunctionalInterface
public interface BodySink {

    /**
     * Some body bytes: those between {@code data.position()} and {@code data.limit()}.
     *
     * <p>{@code data} is the decoder's input itself with its position and limit narrowed to the slice, not a copy,
     * and is valid only during this call: copy what must outlive it. Making a zero-based slice would allocate a
     * buffer per call, so absolute reads must be offset by {@code data.position()}. The sink may move the position;
     * the decoder treats the slice as consumed either way.
     */
    void onBodyChunk(ByteBuffer data);
}
