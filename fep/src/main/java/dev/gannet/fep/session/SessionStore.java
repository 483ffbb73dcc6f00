package dev.gannet.fep.session;

import dev.gannet.fep.wire.Frame;

import java.nio.ByteBuffer;

/**
 * What a session remembers: the next sequence number in each direction, and the frames it sent, for replays. The
 * gateway's store is the journal, so a restart resumes where it stopped; tools keep theirs in memory.
 *
 * <p>Called only from the session's own thread.
 */
public interface SessionStore extends AutoCloseable {
    /** The sequence number the next frame received should carry. */
    long nextIn();

    /** The sequence number the next frame sent will carry. */
    long nextOut();

    /** A received frame was accepted in sequence: remember it, and expect {@code seq + 1} next. */
    void received(long seq, Frame frame);

    /** The SequenceReset {@code reset} moved the expected number forward to {@code nextIn}. */
    void skipIn(long nextIn, Frame reset);

    /** A frame is about to be sent with {@code nextOut()} as its sequence: remember it, and count it. */
    void sent(Frame frame);

    /** Copies the sent frame numbered {@code seq} to {@code dst} at 0; its length, or -1 when it is not kept. */
    int readSent(long seq, ByteBuffer dst);

    @Override
    default void close() {}
}
