package dev.gannet.http.ws.codec;

import java.nio.ByteBuffer;

/**
 * Incremental UTF-8 checker (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF). It fails on the
 * first byte that cannot start or continue a valid sequence, so a bad text message is rejected while it is still
 * arriving, and a code point split across frames or reads is checked as if it had come whole.
 *
 * <p>The whole state is one int, so the decoder can hold it in a field instead of an object. Not thread-safe.
 */
public final class Utf8Validator {
    /** Sticky state after a failure; no valid state has the sign bit. */
    static final int INVALID = -1;
    private static final long HIGH_BITS = 0x8080808080808080L;
    /** Bounds of an ordinary continuation byte (0x80..0xBF) in the packed layout of {@link #scan}. */
    private static final int CONT = 0x80 << 8 | 0xBF << 16;

    private int state;

    /** Checks buf[from..to) (absolute indexes; position and limit untouched). False as soon as it is invalid. */
    public boolean feed(ByteBuffer buf, int from, int to) {
        if (state == INVALID) return false;
        state = scan(buf, from, to, state);
        return state != INVALID;
    }

    /** True if everything fed so far is valid and does not end inside a code point. */
    public boolean complete() {
        return state == 0;
    }

    public void reset() {
        state = 0;
    }

    /** Whether buf[from..to) is complete, valid UTF-8 on its own. */
    public static boolean isValid(ByteBuffer buf, int from, int to) {
        return scan(buf, from, to, 0) == 0;
    }

    /**
     * The checker itself. A state packs what must come next: bits 0-1 how many continuation bytes the current code
     * point still needs, bits 8-15 and 16-23 the lowest and highest value the next byte may take (RFC 3629 section 4
     * narrows the second byte after E0, ED, F0 and F4; that is what rules out overlongs, surrogates and values above
     * U+10FFFF). 0 means between code points. Returns the new state or {@link #INVALID}.
     */
    static int scan(ByteBuffer b, int i, int to, int s) {
        while (i < to) {
            if (s == 0) {
                // Between code points: skip ASCII eight bytes at a time (the byte order does not matter for the test).
                while (i + 8 <= to && (b.getLong(i) & HIGH_BITS) == 0) i += 8;
                if (i == to) break;
                int c = b.get(i++) & 0xFF;
                if (c < 0x80) continue;
                if (c < 0xC2) return INVALID;           // lone continuation byte, or C0/C1 (always overlong)
                if (c < 0xE0) s = 1 | CONT;
                else if (c < 0xF0) s = 2 | (c == 0xE0 ? 0xA0 : 0x80) << 8 | (c == 0xED ? 0x9F : 0xBF) << 16;
                else if (c < 0xF5) s = 3 | (c == 0xF0 ? 0x90 : 0x80) << 8 | (c == 0xF4 ? 0x8F : 0xBF) << 16;
                else return INVALID;                    // F5..FF never occur in UTF-8
            } else {
                int c = b.get(i++) & 0xFF;
                if (c < ((s >>> 8) & 0xFF) || c > (s >>> 16)) return INVALID;
                int need = (s & 3) - 1;
                s = need == 0 ? 0 : need | CONT;
            }
        }
        return s;
    }
}
