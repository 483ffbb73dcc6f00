package dev.gannet.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;

/**
 * The little DER (ASN.1 distinguished encoding) this package needs: enough to write a self-signed
 * certificate and to re-wrap PKCS#1 and SEC1 private keys as PKCS#8, and a reader for walking those key
 * structures. Only single-byte tags (tag numbers below 31) and definite lengths, which is all X.509 and the
 * key formats use.
 *
 * <p>Values are built bottom-up as byte arrays. That allocates, but it runs once per certificate or key
 * load, never on a connection's path, and keeps each encoder a one-liner that is easy to check against the
 * ASN.1 definitions.
 */
final class Der {

    static final int BOOLEAN = 0x01;
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int UTF8_STRING = 0x0c;
    static final int IA5_STRING = 0x16;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private static final DateTimeFormatter UTC_TIME_FORMAT = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
    private static final DateTimeFormatter GENERALIZED_TIME_FORMAT = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'");

    private Der() {
    }

    /** A tag-length-value whose content is the concatenation of {@code parts}. */
    static byte[] tlv(int tag, byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) length += part.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 6);
        out.write(tag);
        writeLength(out, length);
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        // Long form: 0x80 | number of length bytes, then the length big-endian without leading zeros.
        int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int i = bytes - 1; i >= 0; i--) out.write(length >>> (8 * i));
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(SEQUENCE, parts);
    }

    static byte[] set(byte[]... parts) {
        return tlv(SET, parts);
    }

    static byte[] integer(BigInteger value) {
        // BigInteger.toByteArray is already the minimal two's complement form DER requires.
        return tlv(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return tlv(BOOLEAN, new byte[] {(byte) (value ? 0xff : 0x00)});
    }

    static byte[] nul() {
        return new byte[] {NULL, 0};
    }

    /** An OBJECT IDENTIFIER from its dotted form, e.g. {@code "1.2.840.10045.2.1"}. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        if (arcs.length < 2) throw new IllegalArgumentException("OID needs at least two arcs: " + dotted);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // The first two arcs share one subidentifier (40 * first + second); the rest are base 128.
        writeBase128(out, 40 * Long.parseLong(arcs[0]) + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) writeBase128(out, Long.parseLong(arcs[i]));
        return tlv(OID, out.toByteArray());
    }

    private static void writeBase128(ByteArrayOutputStream out, long value) {
        int groups = Math.max(1, (Long.SIZE - Long.numberOfLeadingZeros(value) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int group = (int) (value >>> (7 * i)) & 0x7f;
            out.write(i == 0 ? group : group | 0x80);
        }
    }

    /** A BIT STRING holding whole bytes (no unused bits), as keys and signatures are. */
    static byte[] bitString(byte[] bytes) {
        return tlv(BIT_STRING, new byte[] {0}, bytes);
    }

    static byte[] octetString(byte[] bytes) {
        return tlv(OCTET_STRING, bytes);
    }

    static byte[] utf8String(String s) {
        return tlv(UTF8_STRING, s.getBytes(StandardCharsets.UTF_8));
    }

    /** RFC 5280 4.1.2.5: UTCTime for years 1950 to 2049, GeneralizedTime otherwise; always in seconds and UTC. */
    static byte[] time(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC).withNano(0);
        boolean utc = t.getYear() >= 1950 && t.getYear() < 2050;
        String text = (utc ? UTC_TIME_FORMAT : GENERALIZED_TIME_FORMAT).format(t);
        return tlv(utc ? UTC_TIME : GENERALIZED_TIME, text.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code [n] EXPLICIT}: a constructed context-specific tag around complete encodings. */
    static byte[] explicit(int tagNumber, byte[]... content) {
        return tlv(0xa0 | tagNumber, content);
    }

    /** {@code [n] IMPLICIT} over a primitive value: the context tag replaces the value's own tag. */
    static byte[] implicit(int tagNumber, byte[] content) {
        return tlv(0x80 | tagNumber, content);
    }

    /** One decoded tag-length-value, pointing into the buffer it was read from. */
    record Element(int tag, byte[] buffer, int start, int contentStart, int end) {

        byte[] content() {
            return Arrays.copyOfRange(buffer, contentStart, end);
        }

        /** The whole encoding, tag and length included. */
        byte[] encoded() {
            return Arrays.copyOfRange(buffer, start, end);
        }

        /** A reader over the content, for constructed values. */
        Reader children() {
            return new Reader(buffer, contentStart, end);
        }

        BigInteger integer() {
            expect(INTEGER);
            return new BigInteger(content());
        }

        void expect(int expectedTag) {
            if (tag != expectedTag) {
                throw new IllegalArgumentException(
                        "malformed DER: expected tag 0x%02x, found 0x%02x".formatted(expectedTag, tag));
            }
        }
    }

    /** Reads consecutive elements from a region of a buffer; throws IllegalArgumentException when malformed. */
    static final class Reader {
        private final byte[] buffer;
        private final int end;
        private int position;

        Reader(byte[] buffer) {
            this(buffer, 0, buffer.length);
        }

        Reader(byte[] buffer, int start, int end) {
            this.buffer = buffer;
            this.position = start;
            this.end = end;
        }

        boolean hasMore() {
            return position < end;
        }

        Element next() {
            int start = position;
            if (end - position < 2) throw new IllegalArgumentException("malformed DER: truncated element");
            int tag = buffer[position++] & 0xff;
            if ((tag & 0x1f) == 0x1f) throw new IllegalArgumentException("malformed DER: multi-byte tags are not supported");
            int length = buffer[position++] & 0xff;
            if (length == 0x80) throw new IllegalArgumentException("malformed DER: indefinite length");
            if (length > 0x80) {
                int bytes = length & 0x7f;
                if (bytes > 4 || end - position < bytes) throw new IllegalArgumentException("malformed DER: bad length");
                length = 0;
                for (int i = 0; i < bytes; i++) length = (length << 8) | (buffer[position++] & 0xff);
                if (length < 0) throw new IllegalArgumentException("malformed DER: bad length");
            }
            if (end - position < length) throw new IllegalArgumentException("malformed DER: truncated content");
            int contentStart = position;
            position += length;
            return new Element(tag, buffer, start, contentStart, position);
        }

        Element next(int expectedTag) {
            Element e = next();
            e.expect(expectedTag);
            return e;
        }
    }
}
