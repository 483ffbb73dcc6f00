package dev.gannet.http.h1;

import java.nio.ByteBuffer;

/**
 * A body of a known length: Content-Length, or none at all. Reusable: {@link #reset(long)} per request.
 */
public final class FixedLengthBody implements BodyDecoder {

    private long remaining;

    /** Starts a body of {@code length} bytes; 0 makes an empty body that is complete at once. */
    public FixedLengthBody reset(long length) {
        if (length < 0) throw new IllegalArgumentException("length must be >= 0: " + length);
        remaining = length;
        return this;
    }

    /** Body bytes not yet received. */
    public long remaining() {
        return remaining;
    }

    @Override
    public boolean isComplete() {
        return remaining == 0;
    }

    @Override
    public boolean decode(ByteBuffer in, BodySink sink) {
        if (remaining == 0) return true;
        int available = in.remaining();
        if (available == 0) return false;
        int n = (int) Math.min(remaining, available);
        int start = in.position();
        int limit = in.limit();
        int end = start + n;
        try {
            in.limit(end);
            sink.onBodyChunk(in);
        } finally {
            // The sink may have thrown or moved the limit; the caller must get its buffer back intact.
            in.limit(limit).position(end);
        }
        remaining -= n;
        return remaining == 0;
    }
}
