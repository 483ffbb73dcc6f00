package dev.gannet.fep.journal;

import java.util.Arrays;

/**
 * File positions of one direction's records by sequence number, so a ResendRequest finds each frame in O(1).
 *
 * <p>Sequence numbers arrive in increasing order, usually by one. The index is a short list of runs; a run is a
 * {@code long[]} of positions indexed by {@code seq - firstSeq}. A small forward jump (a SequenceReset with
 * GapFill) stays in the current run, its skipped slots marked {@link #ABSENT}; a large one (a reset to a new
 * range) starts a new run rather than filling millions of slots. Lookups walk the runs from the newest, and
 * there is nearly always one. Sequence numbers are unsigned 64-bit values.
 *
 * <p>A run is kept in pages of {@link #PAGE} positions rather than one array that doubles, so a journal that grows
 * for hours adds a page now and then and never copies (or leaves for the collector) what it already indexed.
 */
final class SeqIndex {
    /** Position of a sequence number that was skipped or never journaled. */
    static final long ABSENT = -1;
    /** The largest jump filled in place; larger jumps start a new run. */
    static final int MAX_FILL = 1 << 16;
    /** A run stops growing here so slot arithmetic stays well inside an int. */
    private static final int MAX_RUN = 1 << 30;
    private static final int PAGE_SHIFT = 16;
    static final int PAGE = 1 << PAGE_SHIFT;

    private long[] firstSeqs = new long[2];
    /** runs[r][page][slot & (PAGE - 1)]. */
    private long[][][] runs = new long[2][][];
    private int[] sizes = new int[2];
    private int runCount;

    /** Records {@code position} for {@code seq}, which must be greater than every seq added before. */
    void add(long seq, long position) {
        if (runCount > 0) {
            int r = runCount - 1;
            long slot = seq - firstSeqs[r];
            long gap = slot - sizes[r];
            if (Long.compareUnsigned(gap, MAX_FILL) <= 0 && Long.compareUnsigned(slot, MAX_RUN) < 0) {
                int s = (int) slot;
                for (int i = sizes[r]; i < s; i++) set(r, i, ABSENT);
                set(r, s, position);
                sizes[r] = s + 1;
                return;
            }
        }
        if (runCount == runs.length) {
            firstSeqs = Arrays.copyOf(firstSeqs, runCount * 2);
            runs = Arrays.copyOf(runs, runCount * 2);
            sizes = Arrays.copyOf(sizes, runCount * 2);
        }
        firstSeqs[runCount] = seq;
        runs[runCount] = new long[4][];
        sizes[runCount] = 0;
        set(runCount, 0, position);
        sizes[runCount] = 1;
        runCount++;
    }

    private void set(int r, int slot, long position) {
        int page = slot >>> PAGE_SHIFT;
        long[][] pages = runs[r];
        if (page >= pages.length) runs[r] = pages = Arrays.copyOf(pages, Math.max(page + 1, pages.length * 2));
        long[] p = pages[page];
        if (p == null) pages[page] = p = new long[PAGE];
        p[slot & (PAGE - 1)] = position;
    }

    /** The position recorded for {@code seq}, or {@link #ABSENT}. */
    long find(long seq) {
        for (int r = runCount - 1; r >= 0; r--) {
            if (Long.compareUnsigned(seq, firstSeqs[r]) < 0) continue;
            long slot = seq - firstSeqs[r];
            if (Long.compareUnsigned(slot, sizes[r]) >= 0) return ABSENT;
            int s = (int) slot;
            return runs[r][s >>> PAGE_SHIFT][s & (PAGE - 1)];
        }
        return ABSENT;
    }

    int runCount() {
        return runCount;
    }
}
