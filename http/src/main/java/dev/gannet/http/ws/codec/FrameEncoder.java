package dev.gannet.http.ws.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Writes frame headers and whole frames (RFC 6455 5.2), and applies masks. Stateless; any thread. */
public final class FrameEncoder {
    /** Reads and writes eight bytes of a byte[] at once, in wire order, for masking. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    /** Longest close reason in bytes: a control payload is at most 125 bytes, two of which hold the code. */
    private static final int MAX_REASON = 123;

    private FrameEncoder() {
    }

    /** Bytes of a header for this payload length (2, 4 or 10, plus 4 if masked). */
    public static int headerLength(long payloadLength, boolean masked) {
        if (payloadLength < 0) throw new IllegalArgumentException("negative payload length " + payloadLength);
        int n = payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
        return masked ? n + 4 : n;
    }

    /**
     * Writes a header at dst's position, advancing it; always the shortest length encoding, as 5.2 requires of a
     * sender. maskKey (big-endian: its high byte masks the first payload byte) is used only when masked.
     * Returns the bytes written.
     */
    public static int writeHeader(ByteBuffer dst, boolean fin, boolean rsv1, int opcode, long payloadLength,
                                  boolean masked, int maskKey) {
        if (payloadLength < 0) throw new IllegalArgumentException("negative payload length " + payloadLength);
        if ((opcode & ~0x0F) != 0) throw new IllegalArgumentException("opcode " + opcode);
        int start = dst.position();
        dst.put((byte) ((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode));
        int m = masked ? 0x80 : 0;
        // Byte by byte rather than putShort/putLong: the wire order must not depend on dst's byte order.
        if (payloadLength <= 125) {
            dst.put((byte) (m | payloadLength));
        } else if (payloadLength <= 0xFFFF) {
            dst.put((byte) (m | 126)).put((byte) (payloadLength >>> 8)).put((byte) payloadLength);
        } else {
            dst.put((byte) (m | 127));
            for (int shift = 56; shift >= 0; shift -= 8) dst.put((byte) (payloadLength >>> shift));
        }
        if (masked) {
            dst.put((byte) (maskKey >>> 24)).put((byte) (maskKey >>> 16)).put((byte) (maskKey >>> 8)).put((byte) maskKey);
        }
        return dst.position() - start;
    }

    /** A whole unmasked frame with FIN set (server side), e.g. for a broadcast encoded once and written to many. */
    public static byte[] frame(int opcode, boolean rsv1, byte[] payload, int off, int len) {
        byte[] out = new byte[headerLength(len, false) + len];
        int h = writeHeader(ByteBuffer.wrap(out), true, rsv1, opcode, len, false, 0);
        System.arraycopy(payload, off, out, h, len);
        return out;
    }

    /**
     * A whole masked frame with FIN set (client side). The mask comes from the thread's ThreadLocalRandom: RFC 6455
     * 10.3 wants masks a script cannot predict; a per-thread generator is fast and this codec's clients are not
     * browsers running untrusted scripts.
     */
    public static byte[] maskedFrame(int opcode, boolean rsv1, byte[] payload, int off, int len) {
        byte[] out = new byte[headerLength(len, true) + len];
        int key = ThreadLocalRandom.current().nextInt();
        ByteBuffer b = ByteBuffer.wrap(out);
        int h = writeHeader(b, true, rsv1, opcode, len, true, key);
        System.arraycopy(payload, off, out, h, len);
        mask(b, h, len, key, 0);
        return out;
    }

    /** Close frame payload: 2-byte code + UTF-8 reason truncated to fit 125 bytes without splitting a character. */
    public static byte[] closePayload(int code, String reason) {
        byte[] r = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
        int n = r.length;
        if (n > MAX_REASON) {
            n = MAX_REASON;
            // Back up over continuation bytes (10xxxxxx) to the start of the character that would be cut.
            while (n > 0 && (r[n] & 0xC0) == 0x80) n--;
        }
        byte[] out = new byte[2 + n];
        out[0] = (byte) (code >>> 8);
        out[1] = (byte) code;
        System.arraycopy(r, 0, out, 2, n);
        return out;
    }

    /**
     * XORs buf[pos..pos+len) (absolute; position and limit untouched) with the mask, starting at byte maskOffset
     * (0..3) of maskKey, so a payload can be unmasked in pieces as it arrives. Masking twice restores the bytes.
     */
    public static void mask(ByteBuffer buf, int pos, int len, int maskKey, int maskOffset) {
        if (len <= 0) return;
        // Rotate so that the key's high byte is the one for buf[pos]; then every 4-aligned step restarts the key.
        int k = Integer.rotateLeft(maskKey, (maskOffset & 3) << 3);
        if (buf.hasArray()) {
            maskArray(buf.array(), buf.arrayOffset() + pos, len, k);
            return;
        }
        long lk = (k & 0xFFFFFFFFL) * 0x1_0000_0001L;            // the key twice
        if (buf.order() == ByteOrder.LITTLE_ENDIAN) lk = Long.reverseBytes(lk);
        int i = pos;
        int end = pos + len;
        for (; i + 8 <= end; i += 8) buf.putLong(i, buf.getLong(i) ^ lk);
        for (int j = 0; i < end; i++, j++) buf.put(i, (byte) (buf.get(i) ^ (k >>> (24 - ((j & 3) << 3)))));
    }

    private static void maskArray(byte[] a, int from, int len, int k) {
        long lk = (k & 0xFFFFFFFFL) * 0x1_0000_0001L;
        int i = from;
        int end = from + len;
        for (; i + 8 <= end; i += 8) LONGS.set(a, i, (long) LONGS.get(a, i) ^ lk);
        for (int j = 0; i < end; i++, j++) a[i] ^= (byte) (k >>> (24 - ((j & 3) << 3)));
    }
}
