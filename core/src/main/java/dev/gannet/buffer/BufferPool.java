package dev.gannet.buffer;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Pooled off-heap buffers in power-of-two size classes from {@link #MIN_CAPACITY} to {@link #MAX_POOLED}.
 *
 * <p>An event loop owns one pool and uses it from its own thread only, so the fast path is an array-deque
 * pop with no lock. A pool built with {@code threadSafe} guards each class with a monitor instead, for the
 * vthread engine where connections run on many threads. Buffers larger than {@link #MAX_POOLED} are
 * allocated and dropped, since holding them would pin a lot of memory for a rare case.
 */
public final class BufferPool {
    public static final int MIN_CAPACITY = 4096;
    public static final int MAX_POOLED = 4 * 1024 * 1024;
    /** Retained bytes per pool by default: enough for a few thousand busy connections per loop. */
    public static final long DEFAULT_MAX_RETAINED = 64L * 1024 * 1024;

    private static final int CLASSES = Integer.numberOfTrailingZeros(MAX_POOLED) - Integer.numberOfTrailingZeros(MIN_CAPACITY) + 1;

    private final ArrayDeque<ByteBuffer>[] free;
    private final boolean threadSafe;
    private final long maxRetained;
    private long retained;
    private long allocated;

    @SuppressWarnings("unchecked")
    public BufferPool(long maxRetainedBytes, boolean threadSafe) {
        this.maxRetained = maxRetainedBytes;
        this.threadSafe = threadSafe;
        this.free = new ArrayDeque[CLASSES];
        for (int i = 0; i < CLASSES; i++) free[i] = new ArrayDeque<>();
    }

    /** A pool for one thread's exclusive use. */
    public static BufferPool forLoop() {
        return new BufferPool(DEFAULT_MAX_RETAINED, false);
    }

    /** A pool that any thread may use. */
    public static BufferPool shared() {
        return new BufferPool(DEFAULT_MAX_RETAINED, true);
    }

    /** The capacity that {@link #acquire(int)} returns for a request of {@code size} bytes. */
    public static int capacityFor(int size) {
        if (size <= MIN_CAPACITY) return MIN_CAPACITY;
        return Integer.highestOneBit(size - 1) << 1;
    }

    /** A cleared direct buffer of at least {@code minCapacity} bytes. Give it back with {@link #release}. */
    public ByteBuffer acquire(int minCapacity) {
        int capacity = capacityFor(minCapacity);
        if (capacity > MAX_POOLED) return ByteBuffer.allocateDirect(minCapacity);
        ByteBuffer b;
        if (threadSafe) {
            synchronized (this) {
                b = take(capacity);
            }
        } else {
            b = take(capacity);
        }
        return b != null ? b.clear() : ByteBuffer.allocateDirect(capacity);
    }

    private ByteBuffer take(int capacity) {
        ByteBuffer b = free[classOf(capacity)].pollLast();
        if (b != null) retained -= capacity;
        else allocated += capacity;
        return b;
    }

    /** A buffer of twice {@code full}'s capacity holding its bytes (in write mode); {@code full} goes back. */
    public ByteBuffer grow(ByteBuffer full) {
        ByteBuffer bigger = acquire(full.capacity() * 2);
        bigger.put(full.flip());
        release(full);
        return bigger;
    }

    /** Returns a buffer taken from this pool. Buffers of other sizes (or heap buffers) are dropped. */
    public void release(ByteBuffer buffer) {
        int capacity = buffer.capacity();
        if (!buffer.isDirect() || capacity > MAX_POOLED || capacity < MIN_CAPACITY || Integer.bitCount(capacity) != 1) return;
        if (threadSafe) {
            synchronized (this) {
                put(buffer, capacity);
            }
        } else {
            put(buffer, capacity);
        }
    }

    private void put(ByteBuffer buffer, int capacity) {
        if (retained + capacity > maxRetained) return;
        free[classOf(capacity)].addLast(buffer);
        retained += capacity;
    }

    private static int classOf(int capacity) {
        return Integer.numberOfTrailingZeros(capacity) - Integer.numberOfTrailingZeros(MIN_CAPACITY);
    }

    /** Bytes sitting free in the pool. */
    public synchronized long retainedBytes() {
        return retained;
    }

    /** Bytes ever allocated by this pool for pooled size classes. */
    public synchronized long allocatedBytes() {
        return allocated;
    }
}
