package dev.gannet.fep.journal;

import java.nio.ByteBuffer;

/** Receives journaled frames from {@link Journal#forEach}, in the order they were appended. */
@FunctionalInterface
public interface RecordVisitor {
    /**
     * One record.
     *
     * @param seq   the frame's sequence number
     * @param frame a read-only view of the frame bytes, position 0 to limit; it reads the mapping directly, so it
     *              is valid only during this call (copy what you keep)
     */
    void record(long seq, ByteBuffer frame);
}
