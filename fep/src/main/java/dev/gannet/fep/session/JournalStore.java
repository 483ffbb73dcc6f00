package dev.gannet.fep.session;

import dev.gannet.fep.journal.FsyncPolicy;
import dev.gannet.fep.journal.Journal;
import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A session store on a {@link Journal}: every frame received in sequence and every frame sent is appended before
 * it is acted on or written, so a restarted gateway resumes both numbers and can replay what it sent.
 */
public final class JournalStore implements SessionStore {
    private final Journal journal;
    /** False: a received frame is kept as its header only, which is all a restart needs of it. */
    private final boolean keepReceived;
    private long nextIn;
    private long nextOut;

    public JournalStore(Journal journal) {
        this(journal, true);
    }

    /**
     * {@code keepReceived} false keeps only the header of each frame received: enough to resume the numbers, and
     * less to write where nothing else reads them (the gateway's upstream sessions: a reply is journaled in full
     * where it goes on, in its member's session).
     */
    public JournalStore(Journal journal, boolean keepReceived) {
        this.journal = journal;
        this.keepReceived = keepReceived;
        this.nextIn = journal.lastSeq(Journal.IN) + 1;
        this.nextOut = journal.lastSeq(Journal.OUT) + 1;
    }

    public static JournalStore open(Path file, FsyncPolicy policy, Duration groupCommit) throws IOException {
        return open(file, policy, groupCommit, true);
    }

    public static JournalStore open(Path file, FsyncPolicy policy, Duration groupCommit, boolean keepReceived)
            throws IOException {
        return new JournalStore(Journal.open(file, policy, groupCommit), keepReceived);
    }

    public Journal journal() {
        return journal;
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
        journal.append(Journal.IN, seq, frame.buffer(), frame.offset(), keepReceived ? frame.length() : Header.LENGTH);
        nextIn = seq + 1;
    }

    @Override
    public void skipIn(long next, Frame reset) {
        // Kept under the last number it skips, so a restart resumes after the gap it filled.
        journal.append(Journal.IN, next - 1, reset.buffer(), reset.offset(), reset.length());
        nextIn = next;
    }

    @Override
    public void sent(Frame frame) {
        journal.append(Journal.OUT, nextOut++, frame.buffer(), frame.offset(), frame.length());
    }

    @Override
    public int readSent(long seq, ByteBuffer dst) {
        dst.clear();
        int n = journal.readOut(seq, dst);
        dst.clear();
        return n;
    }

    @Override
    public void close() {
        journal.close();
    }
}
