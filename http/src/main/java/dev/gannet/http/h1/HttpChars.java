package dev.gannet.http.h1;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Character classes of RFC 9110/9112 as one lookup table, so each scanning loop tests a byte with a single load
 * and mask instead of a chain of comparisons.
 */
final class HttpChars {

    /** token characters (tchar): method, field names, transfer codings. */
    static final int TCHAR = 1;
    /** field-vchar (VCHAR or obs-text) plus SP and HTAB: anything allowed inside a field value. */
    static final int VALUE = 2;
    /**
     * request-target characters that need no further attention: RFC 3986 unreserved, sub-delims, ":", "@", "/",
     * and "[" "]" for IPv6 literals in absolute- and authority-form.
     * "?" and "%" are left out so the scanning loop stops on them to note the query start and percent escapes.
     */
    static final int TARGET = 4;
    static final int HEX = 8;
    /** reg-name, IP-literal and port characters, for the Host field. */
    static final int HOST = 16;

    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';

    static final byte[] CLASS = new byte[256];
    /** ASCII lower case; other bytes map to themselves. */
    static final byte[] LOWER = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            int bits = 0;
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean digit = c >= '0' && c <= '9';
            if (alpha || digit || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) bits |= TCHAR;
            if ((c > 0x20 && c < 0x7F) || c >= 0x80 || c == ' ' || c == '\t') bits |= VALUE;
            if (alpha || digit || "-._~!$&'()*+,;=:@/[]".indexOf(c) >= 0) bits |= TARGET;
            if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) bits |= HEX;
            if (alpha || digit || "-._~!$&'()*+,;=%:[]".indexOf(c) >= 0) bits |= HOST;
            CLASS[c] = (byte) bits;
            LOWER[c] = (byte) (c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    private HttpChars() {
    }

    /**
     * The index of the first byte in {@code b[i, stop)} that is not allowed in a field value (a CTL other than
     * HTAB, or DEL), or {@code stop}. Field values are most of a head's bytes, and testing eight at a time with
     * word arithmetic is several times faster than a table lookup per byte.
     */
    static int skipValue(byte[] b, int i, int stop) {
        for (;;) {
            while (i + 8 <= stop) {
                long w = (long) LONGS.get(b, i);
                // A byte's high bit survives here if it is below 0x20 (and was below 0x80), or equals 0x7F. Borrows
                // only run upwards, so the lowest flagged byte, the first in memory, is always a true one.
                long below = (w - 0x20 * ONES) & ~w;
                long x = w ^ (0x7F * ONES);
                long del = (x - ONES) & ~x;
                long flagged = (below | del) & HIGH_BITS;
                if (flagged != 0) {
                    i += Long.numberOfTrailingZeros(flagged) >>> 3;
                    break;
                }
                i += 8;
            }
            // HTAB is the one control character allowed; it is rare, so it costs a trip back into the word loop.
            if (i < stop && b[i] == HTAB) {
                i++;
                continue;
            }
            while (i < stop && (CLASS[b[i] & 0xFF] & VALUE) != 0) i++;
            return i;
        }
    }

    static boolean is(byte b, int cls) {
        return (CLASS[b & 0xFF] & cls) != 0;
    }

    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') return b - '0';
        return (b | 0x20) - 'a' + 10;
    }

    /** Whether {@code a[off, off+len)} equals {@code lower}, ignoring ASCII case in {@code a}. */
    static boolean equalsLower(byte[] a, int off, int len, byte[] lower) {
        if (len != lower.length) return false;
        for (int i = 0; i < len; i++) {
            if (LOWER[a[off + i] & 0xFF] != lower[i]) return false;
        }
        return true;
    }

    static byte[] ascii(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < out.length; i++) out[i] = (byte) s.charAt(i);
        return out;
    }
}
