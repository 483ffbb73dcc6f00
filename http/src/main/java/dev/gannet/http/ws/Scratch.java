package dev.gannet.http.ws;

import java.nio.ByteBuffer;

/**
 * Per-thread scratch space for encoding frames: {@code Connection.write} copies what it is given before returning,
 * so one header buffer and one masking buffer per loop thread serve every socket on it, and a send allocates none.
 */
final class Scratch {
    private static final int MAX_KEPT = 64 * 1024;
    private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

    private final ByteBuffer header = ByteBuffer.allocate(14);
    private ByteBuffer payload = ByteBuffer.allocate(256);
    private final ByteBuffer keys = ByteBuffer.allocate(1024).position(1024);
    private java.security.SecureRandom random;

    private Scratch() {
    }

    /** An empty 14-byte buffer: room for the longest header with a mask key. */
    static ByteBuffer header() {
        return LOCAL.get().header.clear();
    }

    /** An empty buffer of at least {@code len} bytes, for a masked copy of a payload. */
    static ByteBuffer payload(int len) {
        Scratch s = LOCAL.get();
        if (s.payload.capacity() < len) {
            ByteBuffer b = ByteBuffer.allocate(Math.max(len, s.payload.capacity() * 2));
            // Keep big buffers only up to a bound: one huge message should not pin its size per thread forever.
            if (len <= MAX_KEPT) s.payload = b;
            return b.clear().limit(len);
        }
        return s.payload.clear().limit(len);
    }

    /**
     * A mask key. RFC 6455 section 5.3 wants them from a strong source of entropy; SecureRandom is slow per call, so
     * each thread draws 1 KiB at a time and hands out 256 keys from it.
     */
    static int maskKey() {
        Scratch s = LOCAL.get();
        if (!s.keys.hasRemaining()) {
            if (s.random == null) s.random = new java.security.SecureRandom();
            s.random.nextBytes(s.keys.array());
            s.keys.clear();
        }
        return s.keys.getInt();
    }
}
