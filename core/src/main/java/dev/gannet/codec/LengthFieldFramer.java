package dev.gannet.codec;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Frames whose header carries their length, the same model as Netty's LengthFieldBasedFrameDecoder:
 *
 * <pre>
 * |&lt;- lengthFieldOffset -&gt;|&lt;- lengthFieldLength -&gt;|&lt;--- length value + lengthAdjustment ---&gt;|
 * +----------------------+-----------------------+-------------------------------------------+
 * | other header bytes   | length value          | rest of the frame                         |
 * +----------------------+-----------------------+-------------------------------------------+
 * |&lt;- initialBytesToStrip -&gt;| (these bytes are not passed to the sink)
 * </pre>
 *
 * The frame's total length is {@code lengthFieldOffset + lengthFieldLength + value + lengthAdjustment}; it
 * is checked against {@code maxFrameLength} as soon as the length field is readable, so an oversized frame
 * fails before any of its body is buffered. 1, 2 and 4 byte length fields are unsigned; an 8 byte one is
 * signed, and a negative value is {@link FrameException.Kind#MALFORMED MALFORMED}.
 *
 * <p>The decoder keeps no state between calls (reparsing a header is cheaper than tracking it), so
 * {@link #reset()} has nothing to do; one instance per connection is still the rule of {@link FrameDecoder}.
 */
public final class LengthFieldFramer implements FrameDecoder {

    /**
     * @param lengthFieldOffset   bytes before the length field
     * @param lengthFieldLength   1, 2, 4 or 8
     * @param lengthAdjustment    added to the length value to get the number of bytes after the length field;
     *                            negative when the value also counts the header, e.g. {@code -lengthFieldLength}
     *                            for a value that includes its own field
     * @param initialBytesToStrip bytes removed from the start of each frame before it is passed on, usually
     *                            the header length to get only the payload
     * @param maxFrameLength      the longest frame accepted, header included (before stripping)
     * @param byteOrder           of the length field
     */
    public record Config(
            int lengthFieldOffset,
            int lengthFieldLength,
            int lengthAdjustment,
            int initialBytesToStrip,
            int maxFrameLength,
            ByteOrder byteOrder) {

        public static final int DEFAULT_LENGTH_FIELD_OFFSET = 0;
        public static final int DEFAULT_LENGTH_FIELD_LENGTH = 4;
        public static final int DEFAULT_LENGTH_ADJUSTMENT = 0;
        public static final int DEFAULT_INITIAL_BYTES_TO_STRIP = 0;
        /** 1 MiB: large enough for typical RPC messages, small enough that a hostile header cannot make a
         *  server buffer much. */
        public static final int DEFAULT_MAX_FRAME_LENGTH = 1 << 20;
        public static final ByteOrder DEFAULT_BYTE_ORDER = ByteOrder.BIG_ENDIAN;

        public Config {
            Objects.requireNonNull(byteOrder, "byteOrder");
            if (lengthFieldOffset < 0) throw new IllegalArgumentException("lengthFieldOffset must be >= 0: " + lengthFieldOffset);
            if (lengthFieldLength != 1 && lengthFieldLength != 2 && lengthFieldLength != 4 && lengthFieldLength != 8) {
                throw new IllegalArgumentException("lengthFieldLength must be 1, 2, 4 or 8: " + lengthFieldLength);
            }
            if (initialBytesToStrip < 0) throw new IllegalArgumentException("initialBytesToStrip must be >= 0: " + initialBytesToStrip);
            if (maxFrameLength < 1) throw new IllegalArgumentException("maxFrameLength must be >= 1: " + maxFrameLength);
            // Either of these would make every frame an error, which is a configuration mistake, not a peer's.
            if ((long) lengthFieldOffset + lengthFieldLength > maxFrameLength) {
                throw new IllegalArgumentException("the length field ends past maxFrameLength " + maxFrameLength);
            }
            if (initialBytesToStrip > maxFrameLength) {
                throw new IllegalArgumentException("initialBytesToStrip " + initialBytesToStrip + " exceeds maxFrameLength " + maxFrameLength);
            }
        }

        /** Frames made of a length field counting the payload only, then the payload; the sink gets the payload. */
        public static Config prefixed(int lengthFieldLength, int maxFrameLength) {
            return builder().lengthFieldLength(lengthFieldLength).initialBytesToStrip(lengthFieldLength)
                    .maxFrameLength(maxFrameLength).build();
        }

        public static Builder builder() {
            return new Builder();
        }

        public Builder toBuilder() {
            return new Builder().lengthFieldOffset(lengthFieldOffset).lengthFieldLength(lengthFieldLength)
                    .lengthAdjustment(lengthAdjustment).initialBytesToStrip(initialBytesToStrip)
                    .maxFrameLength(maxFrameLength).byteOrder(byteOrder);
        }

        /** Offset of the first byte after the length field. */
        public int lengthFieldEnd() {
            return lengthFieldOffset + lengthFieldLength;
        }

        public static final class Builder {
            private int lengthFieldOffset = DEFAULT_LENGTH_FIELD_OFFSET;
            private int lengthFieldLength = DEFAULT_LENGTH_FIELD_LENGTH;
            private int lengthAdjustment = DEFAULT_LENGTH_ADJUSTMENT;
            private int initialBytesToStrip = DEFAULT_INITIAL_BYTES_TO_STRIP;
            private int maxFrameLength = DEFAULT_MAX_FRAME_LENGTH;
            private ByteOrder byteOrder = DEFAULT_BYTE_ORDER;

            private Builder() {
            }

            public Builder lengthFieldOffset(int v) { lengthFieldOffset = v; return this; }
            public Builder lengthFieldLength(int v) { lengthFieldLength = v; return this; }
            public Builder lengthAdjustment(int v) { lengthAdjustment = v; return this; }
            public Builder initialBytesToStrip(int v) { initialBytesToStrip = v; return this; }
            public Builder maxFrameLength(int v) { maxFrameLength = v; return this; }
            public Builder byteOrder(ByteOrder v) { byteOrder = v; return this; }

            public Config build() {
                return new Config(lengthFieldOffset, lengthFieldLength, lengthAdjustment, initialBytesToStrip,
                        maxFrameLength, byteOrder);
            }
        }
    }

    /**
     * Above this a length value cannot fit any configuration (max is an int and the adjustment cannot
     * subtract more than 2^31), and refusing it early keeps the long arithmetic below from overflowing.
     */
    private static final long IMPOSSIBLE_LENGTH = 1L << 40;

    private final Config config;
    private final int lengthFieldOffset;
    private final int lengthFieldLength;
    private final int lengthFieldEnd;
    private final int lengthAdjustment;
    private final int initialBytesToStrip;
    private final int maxFrameLength;
    private final ByteOrder byteOrder;

    public LengthFieldFramer(Config config) {
        this.config = Objects.requireNonNull(config, "config");
        // Copied into fields so the per-frame path does not go through accessor calls on the record.
        this.lengthFieldOffset = config.lengthFieldOffset();
        this.lengthFieldLength = config.lengthFieldLength();
        this.lengthFieldEnd = config.lengthFieldEnd();
        this.lengthAdjustment = config.lengthAdjustment();
        this.initialBytesToStrip = config.initialBytesToStrip();
        this.maxFrameLength = config.maxFrameLength();
        this.byteOrder = config.byteOrder();
    }

    /** See {@link Config#prefixed}. */
    public static LengthFieldFramer prefixed(int lengthFieldLength, int maxFrameLength) {
        return new LengthFieldFramer(Config.prefixed(lengthFieldLength, maxFrameLength));
    }

    public Config config() {
        return config;
    }

    @Override
    public void decode(ByteBuffer in, FrameSink sink) throws FrameException {
        final int limit = in.limit();
        final boolean swap = in.order() != byteOrder;
        try {
            while (true) {
                int start = in.position();
                if (limit - start < lengthFieldEnd) return;
                int frameLength = frameLength(in, start, swap);
                if (limit - start < frameLength) return;
                int end = start + frameLength;
                // The frame is handed over as `in` itself, narrowed: a slice would cost an allocation per frame.
                in.limit(end).position(start + initialBytesToStrip);
                boolean more = sink.onFrame(in);
                in.limit(limit).position(end);
                if (!more) return;
            }
        } finally {
            // The sink may have thrown, or moved the limit; the caller must get its buffer back intact.
            in.limit(limit);
        }
    }

    private int frameLength(ByteBuffer in, int start, boolean swap) throws FrameException {
        long value = readLength(in, start + lengthFieldOffset, swap);
        if (value < 0) throw FrameException.malformed("negative length field: " + value);
        if (value >= IMPOSSIBLE_LENGTH) throw FrameException.tooLong(value, maxFrameLength);
        long afterField = value + lengthAdjustment;
        if (afterField < 0) {
            throw FrameException.malformed("length field " + value + " with adjustment " + lengthAdjustment
                    + " is shorter than the header");
        }
        long frameLength = lengthFieldEnd + afterField;
        if (frameLength > maxFrameLength) throw FrameException.tooLong(frameLength, maxFrameLength);
        if (frameLength < initialBytesToStrip) {
            throw FrameException.malformed("frame length " + frameLength + " is shorter than the "
                    + initialBytesToStrip + " bytes to strip");
        }
        return (int) frameLength;
    }

    private long readLength(ByteBuffer in, int index, boolean swap) {
        // The caller's byte order is left alone: another reader of `in` may depend on it.
        return switch (lengthFieldLength) {
            case 1 -> in.get(index) & 0xFF;
            case 2 -> {
                short s = in.getShort(index);
                yield Short.toUnsignedInt(swap ? Short.reverseBytes(s) : s);
            }
            case 4 -> {
                int i = in.getInt(index);
                yield Integer.toUnsignedLong(swap ? Integer.reverseBytes(i) : i);
            }
            default -> {
                long l = in.getLong(index);
                yield swap ? Long.reverseBytes(l) : l;
            }
        };
    }

    /**
     * Writes the length field for a frame with {@code bytesAfterLengthField} bytes after it, at absolute
     * {@code index} of {@code dst}, leaving its position alone. For headers with bytes before the length
     * field, or to fill in a length once the body has been written behind a reserved header.
     *
     * @throws IllegalArgumentException if the value does not fit the field
     */
    public static void putLength(Config config, ByteBuffer dst, int index, long bytesAfterLengthField) {
        long value = bytesAfterLengthField - config.lengthAdjustment();
        int fieldLength = config.lengthFieldLength();
        long maxValue = fieldLength == 8 ? Long.MAX_VALUE : (1L << (fieldLength * 8)) - 1;
        if (bytesAfterLengthField < 0 || value < 0 || value > maxValue) {
            throw new IllegalArgumentException("length " + bytesAfterLengthField + " (field value " + value
                    + ") does not fit a " + fieldLength + " byte length field");
        }
        boolean swap = dst.order() != config.byteOrder();
        switch (fieldLength) {
            case 1 -> dst.put(index, (byte) value);
            case 2 -> dst.putShort(index, swap ? Short.reverseBytes((short) value) : (short) value);
            case 4 -> dst.putInt(index, swap ? Integer.reverseBytes((int) value) : (int) value);
            default -> dst.putLong(index, swap ? Long.reverseBytes(value) : value);
        }
    }

    /**
     * Writes a whole frame, length field then the remaining bytes of {@code payload} (consumed), into
     * {@code dst}. Only for configurations whose header is the length field alone (offset 0); other headers
     * are written by the caller with {@link #putLength}.
     *
     * @throws IllegalArgumentException if the header has bytes before the length field, or the frame would
     *         exceed {@code maxFrameLength} (the peer would reject it)
     * @throws BufferOverflowException  if {@code dst} cannot hold the frame; nothing is written then
     */
    public static void writeFrame(Config config, ByteBuffer payload, ByteBuffer dst) {
        if (config.lengthFieldOffset() != 0) {
            throw new IllegalArgumentException("lengthFieldOffset is " + config.lengthFieldOffset()
                    + ": write the header and use putLength");
        }
        int payloadLength = payload.remaining();
        long frameLength = (long) config.lengthFieldLength() + payloadLength;
        if (frameLength > config.maxFrameLength()) {
            throw new IllegalArgumentException("frame length " + frameLength + " exceeds maxFrameLength " + config.maxFrameLength());
        }
        if (dst.remaining() < frameLength) throw new BufferOverflowException();
        int at = dst.position();
        putLength(config, dst, at, payloadLength);
        dst.position(at + config.lengthFieldLength());
        dst.put(payload);
    }
}
