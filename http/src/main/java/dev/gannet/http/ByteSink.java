package dev.gannet.http;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array to build a response in: the head, and small bodies (JSON is serialized straight into it).
 * One lives per event-loop thread and is reused for every response, so building a response allocates nothing.
 */
final class ByteSink extends OutputStream {
    private static final byte[] DIGITS = "0123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final ThreadLocal<ByteSink> PER_THREAD = ThreadLocal.withInitial(() -> new ByteSink(4096));
    private static final ThreadLocal<ByteSink> BODY_PER_THREAD = ThreadLocal.withInitial(() -> new ByteSink(4096));

    byte[] buf;
    int len;

    ByteSink(int capacity) {
        buf = new byte[capacity];
    }

    /** The sink of the calling thread, emptied. Valid until the same thread asks again. */
    static ByteSink forThread() {
        ByteSink s = PER_THREAD.get();
        s.len = 0;
        return s;
    }

    /** A second sink of the calling thread, for a body serialized before its head is written. */
    static ByteSink bodyForThread() {
        ByteSink s = BODY_PER_THREAD.get();
        s.len = 0;
        return s;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    /** Appends {@code n} bytes from {@code src}'s position, advancing it. */
    void write(java.nio.ByteBuffer src, int n) {
        ensure(n);
        src.get(buf, len, n);
        len += n;
    }

    /** Appends all remaining bytes of {@code src} (a body chunk handed over by the chunked decoder). */
    void write(java.nio.ByteBuffer src) {
        write(src, src.remaining());
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    /** Writes a header value or name; characters above 0xFF become '?', since HTTP fields are octets. */
    void ascii(CharSequence s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            buf[len++] = (byte) (c <= 0xFF ? c : '?');
        }
    }

    void decimal(long v) {
        if (v == 0) {
            write('0');
            return;
        }
        ensure(20);
        int start = len;
        while (v > 0) {
            buf[len++] = DIGITS[(int) (v % 10)];
            v /= 10;
        }
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    void crlf() {
        ensure(2);
        buf[len++] = '\r';
        buf[len++] = '\n';
    }
}
