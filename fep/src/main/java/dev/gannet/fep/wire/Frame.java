package dev.gannet.fep.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A flyweight over one frame in a {@link ByteBuffer}: it reads and writes the header and body fields in place, by
 * absolute index, little-endian whatever the buffer's own byte order, and never moves the buffer's position.
 * Re-pointed with {@link #wrap} for each frame, so decoding and encoding allocate nothing.
 *
 * <p>Reading assumes a frame that {@link Validator} accepted; the accessors themselves check nothing beyond the
 * buffer's bounds.
 */
public final class Frame {
    private static final VarHandle U16 = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ByteBuffer buf;
    private int base;

    /** Points this flyweight at the frame starting at {@code offset} of {@code buf}. */
    public Frame wrap(ByteBuffer buf, int offset) {
        this.buf = buf;
        this.base = offset;
        return this;
    }

    public ByteBuffer buffer() {
        return buf;
    }

    public int offset() {
        return base;
    }

    // ---- header ------------------------------------------------------------------------------------------------

    public int length() {
        return (int) U32.get(buf, base + Header.OFF_LENGTH);
    }

    public int type() {
        return Short.toUnsignedInt((short) U16.get(buf, base + Header.OFF_TYPE));
    }

    public int version() {
        return Byte.toUnsignedInt(buf.get(base + Header.OFF_VERSION));
    }

    public int flags() {
        return Byte.toUnsignedInt(buf.get(base + Header.OFF_FLAGS));
    }

    public boolean possDup() {
        return (flags() & Header.FLAG_POSS_DUP) != 0;
    }

    public long sessionId() {
        return (long) U64.get(buf, base + Header.OFF_SESSION);
    }

    public long seq() {
        return (long) U64.get(buf, base + Header.OFF_SEQ);
    }

    public long sendingTime() {
        return (long) U64.get(buf, base + Header.OFF_TIME);
    }

    /**
     * Starts a frame of {@code type} here: writes the whole header and zeroes the body, so unset fields and the
     * reserved bytes are 0. The buffer must have room for {@link MsgType#frameLength} bytes.
     */
    public Frame begin(int type, int flags, long sessionId, long seq, long sendingTime) {
        int length = MsgType.frameLength(type);
        for (int i = Header.LENGTH; i < length; i += 8) U64.set(buf, base + i, 0L);
        U32.set(buf, base + Header.OFF_LENGTH, length);
        U16.set(buf, base + Header.OFF_TYPE, (short) type);
        buf.put(base + Header.OFF_VERSION, (byte) Header.VERSION);
        buf.put(base + Header.OFF_FLAGS, (byte) flags);
        U64.set(buf, base + Header.OFF_SESSION, sessionId);
        U64.set(buf, base + Header.OFF_SEQ, seq);
        U64.set(buf, base + Header.OFF_TIME, sendingTime);
        return this;
    }

    public Frame seq(long seq) {
        U64.set(buf, base + Header.OFF_SEQ, seq);
        return this;
    }

    public Frame sessionId(long sessionId) {
        U64.set(buf, base + Header.OFF_SESSION, sessionId);
        return this;
    }

    public Frame sendingTime(long nanos) {
        U64.set(buf, base + Header.OFF_TIME, nanos);
        return this;
    }

    public Frame flags(int flags) {
        buf.put(base + Header.OFF_FLAGS, (byte) flags);
        return this;
    }

    // ---- body fields, by offset within the body ----------------------------------------------------------------

    public int u8(int field) {
        return Byte.toUnsignedInt(buf.get(base + Header.LENGTH + field));
    }

    public int u16(int field) {
        return Short.toUnsignedInt((short) U16.get(buf, base + Header.LENGTH + field));
    }

    public long u32(int field) {
        return Integer.toUnsignedLong((int) U32.get(buf, base + Header.LENGTH + field));
    }

    /** A u64 or i64 field (a u64 above 2^63 reads as negative; the protocol keeps its u64 fields below that). */
    public long i64(int field) {
        return (long) U64.get(buf, base + Header.LENGTH + field);
    }

    public Frame u8(int field, int v) {
        buf.put(base + Header.LENGTH + field, (byte) v);
        return this;
    }

    public Frame u16(int field, int v) {
        U16.set(buf, base + Header.LENGTH + field, (short) v);
        return this;
    }

    public Frame u32(int field, long v) {
        U32.set(buf, base + Header.LENGTH + field, (int) v);
        return this;
    }

    public Frame i64(int field, long v) {
        U64.set(buf, base + Header.LENGTH + field, v);
        return this;
    }

    /**
     * Writes {@code value} as US-ASCII into a fixed field of {@code width} bytes, NUL-padded. Fails on a value too
     * long or not ASCII rather than cutting it, so a wrong account never reaches the wire.
     */
    public Frame ascii(int field, int width, CharSequence value) {
        int n = value.length();
        if (n > width) throw new IllegalArgumentException("'" + value + "' is longer than " + width + " bytes");
        int at = base + Header.LENGTH + field;
        for (int i = 0; i < width; i++) {
            char c = i < n ? value.charAt(i) : 0;
            if (c > 0x7e || (i < n && c < 0x20)) throw new IllegalArgumentException("not printable ASCII: " + value);
            buf.put(at + i, (byte) c);
        }
        return this;
    }

    /** Copies a fixed field's raw bytes into {@code dst} (no allocation; for comparing or keys). */
    public void asciiBytes(int field, int width, byte[] dst) {
        buf.get(base + Header.LENGTH + field, dst, 0, width);
    }

    /** A fixed ASCII field as a String without its NUL padding. Allocates: for logs, tools and tests. */
    public String ascii(int field, int width) {
        int at = base + Header.LENGTH + field;
        int n = 0;
        while (n < width && buf.get(at + n) != 0) n++;
        byte[] b = new byte[n];
        buf.get(at, b, 0, n);
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** Whether the fixed field holds exactly {@code expected} (NUL-padded). */
    public boolean asciiEquals(int field, int width, byte[] expected) {
        int at = base + Header.LENGTH + field;
        for (int i = 0; i < width; i++) {
            byte want = i < expected.length ? expected[i] : 0;
            if (buf.get(at + i) != want) return false;
        }
        return true;
    }

    /** Copies this frame's bytes to {@code dst} at {@code at}; returns the length. */
    public int copyTo(ByteBuffer dst, int at) {
        int n = length();
        dst.put(at, buf, base, n);
        return n;
    }

    @Override
    public String toString() {
        if (buf == null) return "Frame[unwrapped]";
        return MsgType.name(type()) + "[session=" + sessionId() + " seq=" + seq() + " length=" + length()
                + (possDup() ? " possDup" : "") + "]";
    }
}
