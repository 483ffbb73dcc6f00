package dev.gannet.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * A provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}): receive buffers the kernel picks from when data
 * arrives, so a connection waiting for input holds no buffer of its own. A completion names the buffer it filled
 * ({@code flags >> 16}); the loop hands it to the handler and {@link #recycle}s it, which puts it back at the tail.
 *
 * <p>When every buffer is out, multishot receives end with {@code -ENOBUFS} and are re-armed once buffers return.
 * Threading: the owning loop only.
 */
public final class BufferRing implements AutoCloseable {
    private static final int REGISTER_PBUF_RING = 22;
    private static final int UNREGISTER_PBUF_RING = 23;
    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();

    public final int group;
    public final int bufferSize;
    private final Ring ring;
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment entries;
    private final MemorySegment memory;
    private final ByteBuffer[] views;
    private final int mask;
    private int tail;
    private int out;

    /** Registers {@code count} (a power of two) buffers of {@code size} bytes as group {@code group} of {@code ring}. */
    public BufferRing(Ring ring, int group, int count, int size) throws IOException {
        if (Integer.bitCount(count) != 1 || count > 32768) throw new IllegalArgumentException("count " + count);
        this.ring = ring;
        this.group = group;
        this.bufferSize = size;
        this.mask = count - 1;
        this.entries = arena.allocate(16L * count, 4096);
        this.memory = arena.allocate((long) size * count, 4096);
        this.views = new ByteBuffer[count];
        for (int i = 0; i < count; i++) views[i] = memory.asSlice((long) i * size, size).asByteBuffer();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment reg = tmp.allocate(40, 8);
            reg.set(ValueLayout.JAVA_LONG, 0, entries.address());
            reg.set(ValueLayout.JAVA_INT, 8, count);
            reg.set(ValueLayout.JAVA_SHORT, 12, (short) group);
            ring.register(REGISTER_PBUF_RING, reg.address(), 1);
        }
        for (int i = 0; i < count; i++) add(i);
        publish();
    }

    /** The buffer {@code id}, positioned over the {@code length} bytes a completion put there. */
    public ByteBuffer filled(int id, int length) {
        out++;
        return views[id].clear().limit(length);
    }

    /** Gives buffer {@code id} back to the kernel. */
    public void recycle(int id) {
        add(id);
        publish();
        out--;
    }

    /** Buffers handed out by completions and not yet recycled. */
    public int outstanding() {
        return out;
    }

    public int capacity() {
        return mask + 1;
    }

    private void add(int id) {
        long e = 16L * (tail & mask);
        entries.set(ValueLayout.JAVA_LONG, e, memory.address() + (long) id * bufferSize);
        entries.set(ValueLayout.JAVA_INT, e + 8, bufferSize);
        entries.set(ValueLayout.JAVA_SHORT, e + 12, (short) id);
        tail++;
    }

    /** Makes added buffers visible: the tail overlays the reserved field of entry 0. */
    private void publish() {
        SHORT.setRelease(entries, 14L, (short) tail);
    }

    /**
     * Unregisters the group. The memory stays until the garbage collector finds it unreachable (an automatic
     * arena), so a receive that completes late never writes into freed memory.
     */
    @Override
    public void close() {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment reg = tmp.allocate(40, 8);
            reg.set(ValueLayout.JAVA_SHORT, 12, (short) group);
            ring.register(UNREGISTER_PBUF_RING, reg.address(), 1);
        } catch (IOException ignored) {
            // the ring is closing anyway
        }
    }
}
