package dev.gannet.fep.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Frames whose bytes follow from their direction and seq, so a test (or another JVM) can check any of them. */
final class Frames {
    private Frames() {}

    static byte[] frame(int direction, long seq) {
        int length = (int) ((seq * 37 + direction * 11) % 301); // includes empty frames
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) b[i] = (byte) (seq * 31 + i * 7 + direction);
        return b;
    }

    static byte[] bytes(ByteBuffer frame) {
        byte[] b = new byte[frame.remaining()];
        frame.duplicate().get(b);
        return b;
    }

    /** Every record of a direction, as seq and bytes. */
    static List<Object[]> records(Journal journal, int direction) {
        List<Object[]> out = new ArrayList<>();
        journal.forEach(direction, (seq, frame) -> out.add(new Object[] {seq, bytes(frame)}));
        return out;
    }

    /** The journal holds exactly {@code seqs} in {@code direction}, with {@link #frame} bytes. */
    static void assertHolds(Journal journal, int direction, List<Long> seqs) {
        List<Object[]> records = records(journal, direction);
        assertThat(records).hasSize(seqs.size());
        for (int i = 0; i < seqs.size(); i++) {
            long seq = seqs.get(i);
            assertThat((long) records.get(i)[0]).isEqualTo(seq);
            assertThat((byte[]) records.get(i)[1]).isEqualTo(frame(direction, seq));
        }
        assertThat(journal.count(direction)).isEqualTo(seqs.size());
        assertThat(journal.lastSeq(direction)).isEqualTo(seqs.isEmpty() ? 0 : seqs.getLast());
        if (direction == Journal.OUT) {
            ByteBuffer dst = ByteBuffer.allocate(512);
            for (long seq : seqs) {
                dst.clear();
                int n = journal.readOut(seq, dst);
                assertThat(n).isEqualTo(journal.outLength(seq));
                assertThat(bytes(dst.flip())).isEqualTo(frame(direction, seq));
            }
        }
    }
}
