package dev.gannet.fep.session;

import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.Header;

import java.nio.ByteBuffer;

/**
 * A store in memory that keeps the last {@code capacity} frames sent, for tools (the simulator, the load driver)
 * that replay what a peer missed but need not survive a restart. Older frames are answered with a gap fill.
 */
public final class MemoryStore implements SessionStore {
    private final byte[] ring;
    private final ByteBuffer ringView;
    private final long[] seqs;
    private final int capacity;
    private final Frame reader = new Frame();
    private long nextIn = 1;
    private long nextOut = 1;

    public MemoryStore(int capacity) {
        if (Integer.bitCount(capacity) != 1) throw new IllegalArgumentException("capacity must be a power of two");
        this.capacity = capacity;
        this.ring = new byte[capacity * Header.MAX_FRAME];
        this.ringView = ByteBuffer.wrap(ring);
        this.seqs = new long[capacity];
    }

    @Override
    public long nextIn() {
        return nextIn;
    }

    @Override
    public long nextOut() {
        return nextOut;
    }

    @Override
    public void received(long seq, Frame frame) {
        nextIn = seq + 1;
    }

    @Override
    public void skipIn(long next, Frame reset) {
        nextIn = next;
    }

    @Override
    public void sent(Frame frame) {
        int slot = (int) (nextOut & (capacity - 1));
        frame.copyTo(ringView, slot * Header.MAX_FRAME);
        seqs[slot] = nextOut++;
    }

    @Override
    public int readSent(long seq, ByteBuffer dst) {
        int slot = (int) (seq & (capacity - 1));
        if (seqs[slot] != seq) return -1;
        int at = slot * Header.MAX_FRAME;
        int length = reader.wrap(ringView, at).length();
        dst.put(0, ring, at, length);
        return length;
    }
}
