package dev.gannet.tls;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recycles the heap buffers TLS connections use for records and plaintext, so that steady traffic does
 * not allocate, while a connection that is idle holds none (100k idle TLS connections would otherwise pin
 * gigabytes in per-connection buffers).
 *
 * <p>Event loop threads each keep a small private stack: they are few and long-lived, and need no
 * synchronization. Virtual threads (one per connection) share a bounded lock-free queue instead, since a
 * thread-local would just be a per-connection buffer again.
 *
 * <p>Heap rather than direct buffers: the JDK's SSLEngine encrypts through byte arrays and would copy
 * a direct buffer anyway, and the transport copies what is written into its own off-heap buffers.
 */
final class BufferCache {

    /**
     * Every buffer has at least this capacity: enough for the largest TLS record (16 KiB of plaintext, or
     * 33093 bytes on the wire when large fragments are accepted), so one size fits every use and any
     * cached buffer fits any request.
     */
    static final int STANDARD_CAPACITY = 34 * 1024;

    private static final int PER_THREAD = 8;
    private static final int SHARED_MAX = 512;

    private static final ThreadLocal<ArrayDeque<ByteBuffer>> LOCAL = ThreadLocal.withInitial(ArrayDeque::new);
    private static final ConcurrentLinkedQueue<ByteBuffer> SHARED = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger SHARED_SIZE = new AtomicInteger();

    private BufferCache() {
    }

    /** A cleared buffer of at least {@code minCapacity} bytes. */
    static ByteBuffer take(int minCapacity) {
        ByteBuffer b;
        if (Thread.currentThread().isVirtual()) {
            b = SHARED.poll();
            if (b != null) SHARED_SIZE.decrementAndGet();
        } else {
            b = LOCAL.get().pollFirst();
        }
        if (b != null && b.capacity() >= minCapacity) return b.clear();
        return ByteBuffer.allocate(Math.max(minCapacity, STANDARD_CAPACITY));
    }

    /** Returns a buffer; the caller must not touch it afterwards. Odd-sized (grown) buffers are dropped. */
    static void give(ByteBuffer b) {
        if (b == null || b.capacity() != STANDARD_CAPACITY) return;
        if (Thread.currentThread().isVirtual()) {
            if (SHARED_SIZE.incrementAndGet() <= SHARED_MAX) {
                SHARED.offer(b);
            } else {
                SHARED_SIZE.decrementAndGet();
            }
        } else {
            ArrayDeque<ByteBuffer> local = LOCAL.get();
            if (local.size() < PER_THREAD) local.addFirst(b);
        }
    }

    /** Gives {@code old} back and returns a larger heap buffer, for the rare record that needs one. */
    static ByteBuffer replace(ByteBuffer old, int capacity) {
        give(old);
        return ByteBuffer.allocate(capacity);
    }

    /** A heap copy of what {@code src} holds (consumed), for bytes that must outlive the caller's buffer. */
    static ByteBuffer copyOf(ByteBuffer src) {
        ByteBuffer copy = ByteBuffer.allocate(src.remaining());
        copy.put(src).flip();
        return copy;
    }
}
