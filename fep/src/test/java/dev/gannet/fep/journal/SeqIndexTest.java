package dev.gannet.fep.journal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqIndexTest {
    @Test
    void smallJumpsFillInPlaceLargeOnesStartARun() {
        SeqIndex index = new SeqIndex();
        for (long seq = 1; seq <= 5000; seq++) index.add(seq, seq * 8);
        index.add(5000 + SeqIndex.MAX_FILL + 1, 1);
        assertThat(index.runCount()).isEqualTo(1);
        index.add(5000 + 3L * SeqIndex.MAX_FILL, 2);
        assertThat(index.runCount()).isEqualTo(2);
        for (int r = 0; r < 10; r++) index.add(1_000_000_000L * (r + 1), r); // more runs than the first arrays
        assertThat(index.runCount()).isEqualTo(12);

        assertThat(index.find(0)).isEqualTo(SeqIndex.ABSENT);
        assertThat(index.find(4321)).isEqualTo(4321 * 8);
        assertThat(index.find(5001)).isEqualTo(SeqIndex.ABSENT);
        assertThat(index.find(5000 + SeqIndex.MAX_FILL + 1)).isEqualTo(1);
        assertThat(index.find(5000 + 3L * SeqIndex.MAX_FILL)).isEqualTo(2);
        assertThat(index.find(5000 + 3L * SeqIndex.MAX_FILL + 1)).isEqualTo(SeqIndex.ABSENT);
        assertThat(index.find(7_000_000_000L)).isEqualTo(6);
        assertThat(index.find(-1)).isEqualTo(SeqIndex.ABSENT);
    }
}
