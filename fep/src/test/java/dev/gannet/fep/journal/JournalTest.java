package dev.gannet.fep.journal;

import static dev.gannet.fep.journal.Frames.assertHolds;
import static dev.gannet.fep.journal.Frames.frame;
import static dev.gannet.fep.journal.Journal.IN;
import static dev.gannet.fep.journal.Journal.OUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    /** Small, so a few hundred KiB of records remap the file several times. */
    private static final long GROWTH = 64 * 1024;

    @TempDir
    Path dir;

    private Journal open(Path file) throws IOException {
        return Journal.open(file, FsyncPolicy.NONE, Journal.DEFAULT_GROUP_INTERVAL, GROWTH);
    }

    /** Appends frame(direction, seq), through a heap array, a heap buffer or a direct buffer in turn. */
    private static long append(Journal journal, int direction, long seq) {
        byte[] frame = frame(direction, seq);
        return switch ((int) (seq % 3)) {
            case 0 -> journal.append(direction, seq, frame);
            case 1 -> {
                ByteBuffer heap = ByteBuffer.allocate(frame.length + 10);
                heap.put(5, frame).position(9); // absolute: the position does not matter and does not move
                long end = journal.append(direction, seq, heap, 5, frame.length);
                assertThat(heap.position()).isEqualTo(9);
                assertThat(heap.limit()).isEqualTo(heap.capacity());
                yield end;
            }
            default -> {
                ByteBuffer direct = ByteBuffer.allocateDirect(frame.length + 10);
                direct.put(7, frame);
                yield journal.append(direction, seq, direct, 7, frame.length);
            }
        };
    }

    @Test
    void roundTripAcrossRemaps() throws IOException {
        Path file = dir.resolve("a/b/session.journal");
        List<Long> seqs = new ArrayList<>();
        long appended;
        try (Journal journal = open(file)) {
            for (long seq = 1; seq <= 3_000; seq++) {
                append(journal, IN, seq);
                append(journal, OUT, seq);
                seqs.add(seq);
            }
            appended = journal.appendedPosition();
            assertThat(appended).isGreaterThan(8 * GROWTH);
            assertThat(journal.durablePosition()).isEqualTo(appended);
            assertHolds(journal, IN, seqs);
            assertHolds(journal, OUT, seqs);
        }
        assertThat(Files.size(file)).as("cut to the used length").isEqualTo(appended);

        try (Journal journal = open(file)) {
            assertThat(journal.appendedPosition()).isEqualTo(appended);
            assertHolds(journal, IN, seqs);
            assertHolds(journal, OUT, seqs);
            append(journal, OUT, 3_001);
            seqs.add(3_001L);
            assertHolds(journal, OUT, seqs);
        }
        try (Journal journal = open(file)) {
            assertHolds(journal, OUT, seqs);
            assertHolds(journal, IN, seqs.subList(0, 3_000));
        }
    }

    @Test
    void emptyJournal() throws IOException {
        Path file = dir.resolve("empty.journal");
        try (Journal journal = open(file)) {
            assertThat(journal.lastSeq(IN)).isZero();
            assertThat(journal.lastSeq(OUT)).isZero();
            assertThat(journal.count(OUT)).isZero();
            assertThat(journal.readOut(1, ByteBuffer.allocate(8))).isEqualTo(-1);
            assertThat(journal.appendedPosition()).isZero();
        }
        assertThat(Files.size(file)).isZero();
        try (Journal journal = open(file)) {
            assertThat(journal.count(IN)).isZero();
        }
    }

    /** Appends seq 1..n in both directions and closes; returns each record's end position, in order. */
    private List<Long> writeRecords(Path file, int n) throws IOException {
        List<Long> ends = new ArrayList<>();
        try (Journal journal = open(file)) {
            for (long seq = 1; seq <= n; seq++) {
                ends.add(append(journal, IN, seq));
                ends.add(append(journal, OUT, seq));
            }
        }
        return ends;
    }

    private static void patch(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> seqs = new ArrayList<>();
        for (long s = from; s <= to; s++) seqs.add(s);
        return seqs;
    }

    @Test
    void corruptLastRecordIsCutAndAppendsContinue() throws IOException {
        Path file = dir.resolve("torn.journal");
        List<Long> ends = writeRecords(file, 50); // record 50-out is last; frame(OUT, 50) is not empty
        long lastStart = ends.get(ends.size() - 2);
        patch(file, lastStart + Journal.HEADER_BYTES + 3, new byte[] {0x55});

        try (Journal journal = open(file)) {
            assertThat(journal.appendedPosition()).isEqualTo(lastStart);
            assertHolds(journal, IN, range(1, 50));
            assertHolds(journal, OUT, range(1, 49));
            append(journal, OUT, 50);
            append(journal, OUT, 51);
        }
        try (Journal journal = open(file)) {
            assertHolds(journal, IN, range(1, 50));
            assertHolds(journal, OUT, range(1, 51));
        }
    }

    @Test
    void garbageAfterTheLastRecordIsIgnoredAndCut() throws IOException {
        Path file = dir.resolve("garbage.journal");
        List<Long> ends = writeRecords(file, 20);
        long end = ends.getLast();
        byte[] garbage = new byte[1000];
        new java.util.Random(42).nextBytes(garbage);
        patch(file, end, garbage);

        try (Journal journal = open(file)) {
            assertThat(journal.appendedPosition()).isEqualTo(end);
            assertThat(Files.size(file)).isGreaterThanOrEqualTo(GROWTH); // mapped again, zero past the end
            assertHolds(journal, IN, range(1, 20));
            assertHolds(journal, OUT, range(1, 20));
            append(journal, IN, 21);
        }
        assertThat(Files.size(file)).isGreaterThan(end).isLessThan(end + 1000);
        try (Journal journal = open(file)) {
            assertHolds(journal, IN, range(1, 21));
        }
    }

    @Test
    void halfWrittenRecordIsCut() throws IOException {
        // A writer killed mid-append leaves the body without the length word, or a length over a short file.
        Path file = dir.resolve("half.journal");
        List<Long> ends = writeRecords(file, 10);
        long end = ends.getLast();
        ByteBuffer header = ByteBuffer.allocate(24).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        header.putInt(0, 4000).putInt(4, 1234).put(8, (byte) OUT).putLong(16, 11);
        patch(file, end, header.array());

        try (Journal journal = open(file)) {
            assertThat(journal.appendedPosition()).isEqualTo(end);
            assertHolds(journal, OUT, range(1, 10));
        }
    }

    @Test
    void validRecordsAfterATornOneNeverComeBack() throws IOException {
        // Pages can reach the disk out of order: record 3 torn, records after it intact. They are dropped with
        // the tail, and must not resurface after new, shorter records are written over the torn one.
        Path file = dir.resolve("resurrect.journal");
        List<Long> ends = writeRecords(file, 10);
        long cut = ends.get(3); // the end of 2-out, the start of 3-in
        patch(file, cut + 4, new byte[] {1, 2, 3, 4}); // 3-in's checksum
        try (Journal journal = open(file)) {
            assertThat(journal.appendedPosition()).isEqualTo(cut);
            assertHolds(journal, IN, range(1, 2));
            assertHolds(journal, OUT, range(1, 2));
            // The same length as the torn record, so the next record boundary is where 3-out, intact, used to be.
            journal.append(IN, 3, frame(IN, 3));
            // Were the process killed now, recovery would read on from here: the old 3-out must be gone.
            long end = journal.appendedPosition();
            ByteBuffer after = ByteBuffer.allocate((int) (ends.getLast() - end));
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ch.read(after, end);
            }
            assertThat(after.array()).containsOnly(0);
        }
        try (Journal journal = open(file)) {
            assertThat(journal.count(IN)).isEqualTo(3);
            assertThat(journal.count(OUT)).isEqualTo(2);
            assertThat(journal.lastSeq(OUT)).isEqualTo(2);
        }
    }

    @Test
    void seqMustIncreasePerDirection() throws IOException {
        try (Journal journal = open(dir.resolve("seq.journal"))) {
            assertThatThrownBy(() -> journal.append(OUT, 0, new byte[1])).isInstanceOf(IllegalArgumentException.class);
            journal.append(OUT, 5, frame(OUT, 5));
            assertThatThrownBy(() -> journal.append(OUT, 5, new byte[1])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> journal.append(OUT, 4, new byte[1])).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> journal.append(2, 6, new byte[1])).isInstanceOf(IllegalArgumentException.class);
            long before = journal.appendedPosition();
            journal.append(IN, 1, frame(IN, 1)); // directions are independent
            assertThat(journal.appendedPosition()).isGreaterThan(before);
            assertThat(journal.count(OUT)).isEqualTo(1);
            assertThat(journal.lastSeq(OUT)).isEqualTo(5);
        }
    }

    @Test
    void forwardJumpsLeaveHoles() throws IOException {
        Path file = dir.resolve("jump.journal");
        long far = 5_000_000_000L; // beyond any array: a new index run
        List<Long> seqs = List.of(1L, 2L, 3L, 10L, 11L, 70_000L, 70_001L, far, far + 1);
        try (Journal journal = open(file)) {
            for (long seq : seqs) journal.append(OUT, seq, frame(OUT, seq));
            checkJumps(journal, seqs, far);
        }
        try (Journal journal = open(file)) {
            checkJumps(journal, seqs, far);
        }
    }

    private static void checkJumps(Journal journal, List<Long> seqs, long far) {
        assertHolds(journal, OUT, seqs);
        ByteBuffer dst = ByteBuffer.allocate(512);
        for (long skipped : new long[] {0, 4, 9, 12, 69_999, 70_002, far - 1, far + 2, -1}) {
            assertThat(journal.readOut(skipped, dst)).as("seq %d", skipped).isEqualTo(-1);
            assertThat(journal.outLength(skipped)).isEqualTo(-1);
        }
        assertThat(dst.position()).isZero();
    }

    @Test
    void unsignedSeqs() throws IOException {
        Path file = dir.resolve("unsigned.journal");
        try (Journal journal = open(file)) {
            journal.append(IN, Long.MAX_VALUE, new byte[] {1});
            journal.append(IN, Long.MIN_VALUE, new byte[] {2}); // 2^63, greater as u64
            assertThatThrownBy(() -> journal.append(IN, 7, new byte[1])).isInstanceOf(IllegalArgumentException.class);
        }
        try (Journal journal = open(file)) {
            assertThat(journal.lastSeq(IN)).isEqualTo(Long.MIN_VALUE);
            assertThat(journal.count(IN)).isEqualTo(2);
        }
    }

    @Test
    void readOutChecksRoomAndFillsDirectBuffers() throws IOException {
        try (Journal journal = open(dir.resolve("read.journal"))) {
            byte[] frame = frame(OUT, 7);
            journal.append(OUT, 7, frame);
            ByteBuffer small = ByteBuffer.allocate(frame.length - 1);
            assertThatThrownBy(() -> journal.readOut(7, small)).isInstanceOf(BufferOverflowException.class);
            assertThat(small.position()).isZero();

            ByteBuffer direct = ByteBuffer.allocateDirect(frame.length + 20);
            direct.position(4);
            assertThat(journal.readOut(7, direct)).isEqualTo(frame.length);
            assertThat(direct.position()).isEqualTo(4 + frame.length);
            assertThat(Frames.bytes(direct.flip().position(4))).isEqualTo(frame);
        }
    }

    @Test
    void sourceRangeIsCheckedAgainstTheLimit() throws IOException {
        try (Journal journal = open(dir.resolve("range.journal"))) {
            ByteBuffer src = ByteBuffer.allocateDirect(16).limit(8);
            assertThatThrownBy(() -> journal.append(IN, 1, src, 4, 5)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(journal.appendedPosition()).isZero();
            journal.append(IN, 1, src, 4, 4);
            assertThat(journal.count(IN)).isEqualTo(1);
        }
    }

    @Test
    void visitorsCannotAppend() throws IOException {
        try (Journal journal = open(dir.resolve("visit.journal"))) {
            journal.append(IN, 1, new byte[] {1, 2, 3});
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            journal.forEach(IN, (seq, frame) -> {
                assertThat(frame.isReadOnly()).isTrue();
                try {
                    journal.append(IN, 2, new byte[1]);
                } catch (IllegalStateException e) {
                    thrown.set(e);
                }
            });
            assertThat(thrown.get()).isInstanceOf(IllegalStateException.class);
            journal.append(IN, 2, new byte[1]);
        }
    }

    @Test
    void oneJournalPerFile() throws IOException {
        Path file = dir.resolve("locked.journal");
        try (Journal journal = open(file)) {
            assertThatThrownBy(() -> open(file)).isInstanceOf(IOException.class);
            journal.append(IN, 1, new byte[] {1});
        }
        try (Journal journal = open(file)) {
            assertThat(journal.count(IN)).isEqualTo(1);
        }
    }

    @Test
    void closedJournalRefusesAppends() throws IOException {
        Journal journal = open(dir.resolve("closed.journal"));
        journal.close();
        journal.close();
        assertThatThrownBy(() -> journal.append(IN, 1, new byte[1])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> journal.readOut(1, ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void groupPolicyCatchesUpAndRunsEachCallbackOnce() throws Exception {
        int batches = 200;
        AtomicInteger[] runs = new AtomicInteger[batches];
        CountDownLatch all = new CountDownLatch(batches);
        Thread caller = Thread.currentThread();
        AtomicInteger onCaller = new AtomicInteger();
        try (Journal journal = Journal.open(dir.resolve("group.journal"), FsyncPolicy.GROUP, Duration.ofMillis(1), GROWTH)) {
            long seq = 0;
            for (int b = 0; b < batches; b++) {
                long end = 0;
                for (int i = 0; i < 20; i++) end = append(journal, OUT, ++seq);
                AtomicInteger count = runs[b] = new AtomicInteger();
                journal.whenDurable(end, () -> {
                    count.incrementAndGet();
                    if (Thread.currentThread() == caller) onCaller.incrementAndGet();
                    all.countDown();
                });
                if (b % 50 == 0) Thread.sleep(3); // let the fsync thread go idle now and then
            }
            assertThat(all.await(30, TimeUnit.SECONDS)).as("all callbacks ran").isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (journal.durablePosition() != journal.appendedPosition() && System.nanoTime() < deadline) Thread.sleep(1);
            assertThat(journal.durablePosition()).isEqualTo(journal.appendedPosition());

            // Already durable: runs at once, on the caller.
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            journal.whenDurable(journal.appendedPosition(), () -> ranOn.set(Thread.currentThread()));
            assertThat(ranOn.get()).isSameAs(caller);
            assertThatThrownBy(() -> journal.whenDurable(journal.appendedPosition() + 8, () -> {}))
                    .isInstanceOf(IllegalArgumentException.class);

            // After an idle spell the fsync thread is woken by the next append.
            Thread.sleep(20);
            CountDownLatch late = new CountDownLatch(1);
            journal.whenDurable(append(journal, OUT, ++seq), late::countDown);
            assertThat(late.await(30, TimeUnit.SECONDS)).isTrue();
        }
        for (AtomicInteger r : runs) assertThat(r.get()).isEqualTo(1);
        assertThat(onCaller.get()).as("callbacks due later run on the fsync thread").isLessThan(batches);
    }

    @Test
    void pendingCallbacksRunOnClose() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        // A long interval: the append is forced at once, the next not before a minute — or close.
        Journal journal = Journal.open(dir.resolve("close.journal"), FsyncPolicy.GROUP, Duration.ofMinutes(1), GROWTH);
        long first = journal.append(IN, 1, new byte[] {1});
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (journal.durablePosition() < first && System.nanoTime() < deadline) Thread.sleep(1);
        long second = journal.append(IN, 2, new byte[] {2});
        journal.whenDurable(second, ran::incrementAndGet);
        Thread.sleep(20);
        assertThat(journal.durablePosition()).isEqualTo(first);
        assertThat(ran.get()).isZero();
        journal.close();
        assertThat(ran.get()).isEqualTo(1);
    }

    @Test
    void everyPolicyIsDurableOnReturn() throws IOException {
        Path file = dir.resolve("every.journal");
        try (Journal journal = Journal.open(file, FsyncPolicy.EVERY, Journal.DEFAULT_GROUP_INTERVAL, GROWTH)) {
            for (long seq = 1; seq <= 500; seq++) { // crosses a remap
                long end = append(journal, OUT, seq);
                assertThat(journal.appendedPosition()).isEqualTo(end);
                assertThat(journal.durablePosition()).isEqualTo(end);
            }
            AtomicInteger ran = new AtomicInteger();
            journal.whenDurable(journal.appendedPosition(), ran::incrementAndGet);
            assertThat(ran.get()).isEqualTo(1);
        }
        try (Journal journal = Journal.open(file, FsyncPolicy.EVERY)) {
            assertHolds(journal, OUT, range(1, 500));
        }
    }

    @Test
    void nonePolicyReportsAppendedAsDurable() throws IOException {
        try (Journal journal = open(dir.resolve("none.journal"))) {
            long end = journal.append(IN, 1, new byte[] {1});
            assertThat(journal.durablePosition()).isEqualTo(end);
            AtomicInteger ran = new AtomicInteger();
            journal.whenDurable(end, ran::incrementAndGet);
            assertThat(ran.get()).isEqualTo(1);
        }
    }

    @Test
    void appendDoesNotAllocate() throws IOException {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        byte[] array = new byte[100];
        ByteBuffer direct = ByteBuffer.allocateDirect(100);
        ByteBuffer heap = ByteBuffer.allocate(100);
        // Large enough that the measured appends never remap, and IN records, which have no index to grow.
        try (Journal journal = Journal.open(dir.resolve("alloc.journal"), FsyncPolicy.GROUP, Duration.ofMillis(1), 256L << 20)) {
            long seq = 0;
            for (int i = 0; i < 30_000; i++) seq = appendThree(journal, seq, array, direct, heap); // warm up
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) seq = appendThree(journal, seq, array, direct, heap);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(allocated).as("bytes allocated by 30000 appends").isLessThan(30_000);
        }
    }

    private static long appendThree(Journal journal, long seq, byte[] array, ByteBuffer direct, ByteBuffer heap) {
        journal.append(IN, ++seq, array, 0, array.length);
        journal.append(IN, ++seq, direct, 10, 80);
        journal.append(IN, ++seq, heap, 5, 60);
        return seq;
    }
}
