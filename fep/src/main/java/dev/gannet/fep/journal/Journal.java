package dev.gannet.fep.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

/**
 * One FEP session's append-only journal of the frames it received ({@link #IN}) and sent ({@link #OUT}).
 *
 * <p>The gateway appends a frame before acting on it, recovers its sequence numbers from the journal after a
 * restart ({@link #lastSeq}), and answers a ResendRequest from it ({@link #readOut}). The file format and the
 * thread rules are in the {@linkplain dev.gannet.fep.journal package documentation}.
 *
 * <p>An append copies the record into a shared memory mapping of the file: no system call, no allocation, and
 * the bytes are in the page cache — safe from a process kill — as soon as it returns. The mapping grows by
 * remapping the whole file in large steps; the file is cut back to the used length on {@link #close}. What
 * survives a machine crash depends on the {@link FsyncPolicy}.
 */
public final class Journal implements AutoCloseable {
    /** Direction of a frame the session received. */
    public static final int IN = 0;
    /** Direction of a frame the session sent. */
    public static final int OUT = 1;
    /** Bytes before the frame in each record. */
    public static final int HEADER_BYTES = 24;
    /** The largest frame one record holds: the padded record length must stay a positive int. */
    public static final int MAX_FRAME = (Integer.MAX_VALUE & ~7) - HEADER_BYTES;
    /** How much the mapping grows when it is full. */
    public static final long DEFAULT_GROWTH = 64L << 20;
    /** How often, at most, {@link FsyncPolicy#GROUP} forces the file. */
    public static final Duration DEFAULT_GROUP_INTERVAL = Duration.ofMillis(1);

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int LENGTH_AT = 0;
    private static final int DIRECTION_AT = 8;
    private static final int SEQ_AT = 16;
    /** The checksum covers everything after itself. */
    private static final int CHECKED_FROM = 8;

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final FsyncPolicy policy;
    private final long growth;
    private final long intervalNanos;

    // Writer-thread state.
    private final CRC32C crc = new CRC32C();
    /** Direction word and seq as the checksum sees them, so the header is summed without a buffer per append. */
    private final ByteBuffer checkedHeader = ByteBuffer.allocate(HEADER_BYTES - CHECKED_FROM).order(ByteOrder.LITTLE_ENDIAN);
    private final long[] lastSeq = new long[2];
    private final long[] count = new long[2];
    private final SeqIndex outIndex = new SeqIndex();
    /**
     * Two views of source buffers, because a session appends from two in turn (the transport's input for what it
     * receives, its own scratch for what it sends); one would be rebuilt, an allocation, on every append.
     */
    private final BufferView sourceView = new BufferView();
    private final BufferView otherSourceView = new BufferView();
    private boolean otherSourceUsedLast;
    private final BufferView targetView = new BufferView();
    private Arena arena;
    private boolean visiting;
    private boolean closed;

    // Shared with the fsync thread.
    /** The current mapping; replaced (never resized) when the file grows. */
    private volatile MemorySegment map;
    private volatile long appended;
    private final DurableCallbacks durable;
    /** Mappings replaced while the fsync thread may still be forcing them; that thread closes them. */
    private final ConcurrentLinkedQueue<Arena> retired = new ConcurrentLinkedQueue<>();
    private final Thread syncThread;
    /** Set by the fsync thread before it parks with nothing to do, so the writer knows to wake it. */
    private volatile boolean syncIdle;
    private volatile boolean stopping;
    private volatile Throwable failure;

    private Journal(Path file, FileChannel channel, FileLock lock, FsyncPolicy policy, Duration interval, long growth)
            throws IOException {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.policy = policy;
        this.growth = growth;
        this.intervalNanos = Math.max(0, interval.toNanos());
        long end = recover();
        Arena first = Arena.ofShared();
        try {
            map = channel.map(FileChannel.MapMode.READ_WRITE, 0, (end / growth + 1) * growth, first);
            Madvise.noReadAhead(map);
            // What was recovered may still be only in the page cache (the last process was killed): make it as
            // durable as the policy promises before reporting it as such.
            if (policy != FsyncPolicy.NONE && end > 0) map.asSlice(0, end).force();
        } catch (IOException | RuntimeException e) {
            first.close();
            throw e;
        }
        arena = first;
        appended = end;
        durable = new DurableCallbacks(end);
        syncThread = policy == FsyncPolicy.GROUP
                ? Thread.ofPlatform().daemon().name("gannet-journal-fsync-" + file.getFileName()).start(this::syncLoop)
                : null;
    }

    /** Opens (creating it and its directories if needed) the journal in {@code file}, with the default interval. */
    public static Journal open(Path file, FsyncPolicy policy) throws IOException {
        return open(file, policy, DEFAULT_GROUP_INTERVAL);
    }

    /**
     * Opens the journal in {@code file}, creating it and its parent directories if needed, and recovers its
     * records. A torn tail (the last process died in the middle of an append, or a machine crash lost pages) is
     * cut off. The file is locked against other processes for as long as the journal is open.
     *
     * @param groupInterval how often, at most, {@link FsyncPolicy#GROUP} forces; ignored by the other policies
     * @throws IOException if the file cannot be opened or mapped, or another journal holds it
     */
    public static Journal open(Path file, FsyncPolicy policy, Duration groupInterval) throws IOException {
        return open(file, policy, groupInterval, DEFAULT_GROWTH);
    }

    /** {@link #open(Path, FsyncPolicy, Duration)} with the mapping's growth step; tests use a small one. */
    static Journal open(Path file, FsyncPolicy policy, Duration groupInterval, long growth) throws IOException {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(groupInterval, "groupInterval");
        if (growth <= 0 || growth % 4096 != 0) throw new IllegalArgumentException("growth must be a multiple of 4096: " + growth);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = null;
        try {
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) throw new IOException("journal " + file + " is open elsewhere");
            return new Journal(file, channel, lock, policy, groupInterval, growth);
        } catch (IOException | RuntimeException | Error e) {
            try {
                channel.close(); // also releases the lock
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Reads the records already in the file into the writer state and cuts the file after the last good one.
     * Cutting (rather than just appending over the tail) matters: records from before a torn one may survive a
     * machine crash, and without the cut one of them could line up with a later record boundary and come back.
     */
    private long recover() throws IOException {
        long size = channel.size();
        long end = 0;
        if (size > 0) {
            try (Arena scan = Arena.ofConfined()) {
                end = scan(channel.map(FileChannel.MapMode.READ_ONLY, 0, size, scan));
            }
        }
        if (end < size) channel.truncate(end);
        return end;
    }

    private long scan(MemorySegment m) {
        long size = m.byteSize();
        long pos = 0;
        while (size - pos >= HEADER_BYTES) {
            long word = m.get(LONG, pos + LENGTH_AT);
            long length = word & 0xFFFF_FFFFL;
            if (length < HEADER_BYTES || length > size - pos || length > MAX_FRAME + HEADER_BYTES) break;
            int direction = m.get(ValueLayout.JAVA_BYTE, pos + DIRECTION_AT);
            if (direction != IN && direction != OUT) break;
            long seq = m.get(LONG, pos + SEQ_AT);
            if (Long.compareUnsigned(seq, lastSeq[direction]) <= 0) break;
            crc.reset();
            crc.update(m.asSlice(pos + CHECKED_FROM, length - CHECKED_FROM).asByteBuffer());
            if ((int) crc.getValue() != (int) (word >>> 32)) break;
            indexRecord(direction, seq, pos);
            pos += align(length);
        }
        return pos;
    }

    /**
     * Appends {@code length} bytes of {@code src} starting at absolute index {@code offset} as the frame with
     * sequence number {@code seq}. The buffer's position and limit are not used or changed.
     *
     * <p>No allocation and no system call (except under {@link FsyncPolicy#EVERY}, and when the mapping grows).
     * A direct {@code src} is viewed through a cached segment, so passing the same few buffers each time — as an
     * event loop does — keeps this allocation-free; a read-only heap buffer is checksummed through a copy.
     *
     * @param direction {@link #IN} or {@link #OUT}
     * @param seq       an unsigned sequence number greater than {@code lastSeq(direction)}; it may jump forward
     * @return the position after the record, for {@link #whenDurable}
     * @throws IllegalArgumentException if the direction is unknown or {@code seq} does not increase
     * @throws IllegalStateException    if the journal is closed, is inside {@link #forEach}, or an fsync failed
     * @throws UncheckedIOException     if the file cannot grow, or (under EVERY) cannot be forced
     */
    public long append(int direction, long seq, ByteBuffer src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.limit());
        long start = beginRecord(direction, seq, length);
        MemorySegment m = map;
        if (src.hasArray()) {
            byte[] array = src.array();
            int at = src.arrayOffset() + offset;
            MemorySegment.copy(array, at, m, ValueLayout.JAVA_BYTE, start + HEADER_BYTES, length);
            crc.update(array, at, length);
        } else {
            BufferView view;
            if (sourceView.bound == src) {
                view = sourceView;
            } else if (otherSourceView.bound == src) {
                view = otherSourceView;
            } else {
                // A third buffer: rebind the view used less recently.
                view = otherSourceUsedLast ? sourceView : otherSourceView;
                view.bind(src);
            }
            otherSourceUsedLast = view == otherSourceView;
            MemorySegment.copy(view.segment(), offset, m, start + HEADER_BYTES, length);
            crc.update(view.window(offset, length));
        }
        return endRecord(m, start, direction, seq, length);
    }

    /** {@link #append(int, long, ByteBuffer, int, int)} from an array. */
    public long append(int direction, long seq, byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        long start = beginRecord(direction, seq, length);
        MemorySegment m = map;
        MemorySegment.copy(src, offset, m, ValueLayout.JAVA_BYTE, start + HEADER_BYTES, length);
        crc.update(src, offset, length);
        return endRecord(m, start, direction, seq, length);
    }

    /** Appends the whole array as one frame. */
    public long append(int direction, long seq, byte[] frame) {
        return append(direction, seq, frame, 0, frame.length);
    }

    /** Checks the record, makes room for it, writes the direction and seq and sums them. Returns its position. */
    private long beginRecord(int direction, long seq, int length) {
        if (closed) throw new IllegalStateException("journal closed: " + file);
        if (visiting) throw new IllegalStateException("append from inside forEach");
        Throwable failed = failure;
        if (failed != null) throw new IllegalStateException("journal fsync failed: " + file, failed);
        checkDirection(direction);
        if (Long.compareUnsigned(seq, lastSeq[direction]) <= 0) {
            throw new IllegalArgumentException("seq " + Long.toUnsignedString(seq) + " is not greater than "
                    + Long.toUnsignedString(lastSeq[direction]) + " (" + (direction == IN ? "in" : "out") + ")");
        }
        if (length > MAX_FRAME) throw new IllegalArgumentException("frame too large: " + length);
        long start = appended;
        long end = start + align(HEADER_BYTES + length);
        if (end > map.byteSize()) grow(end);
        MemorySegment m = map;
        // Direction in byte 8, reserved bytes 9..15 zero: one store. The tail of the file is zero (recovery cut
        // it, the mapping extended it), so the padding needs no store.
        m.set(LONG, start + DIRECTION_AT, direction);
        m.set(LONG, start + SEQ_AT, seq);
        checkedHeader.putLong(0, direction).putLong(8, seq);
        crc.reset();
        crc.update(checkedHeader.array(), 0, HEADER_BYTES - CHECKED_FROM);
        return start;
    }

    /**
     * Writes the length and checksum — last, so a process killed mid-append leaves a zero length that recovery
     * stops at — then publishes the record.
     */
    private long endRecord(MemorySegment m, long start, int direction, long seq, int length) {
        int recordLength = HEADER_BYTES + length;
        m.set(LONG, start + LENGTH_AT, (crc.getValue() << 32) | recordLength);
        indexRecord(direction, seq, start);
        long end = start + align(recordLength);
        appended = end;
        if (syncThread != null) {
            // Dekker with syncLoop: appended is written before syncIdle is read, and the fsync thread sets
            // syncIdle before it reads appended, so one of us sees the other. At most one unpark per idle spell.
            if (syncIdle) {
                syncIdle = false;
                LockSupport.unpark(syncThread);
            }
        } else if (policy == FsyncPolicy.EVERY) {
            try {
                m.asSlice(start, end - start).force();
            } catch (UncheckedIOException e) {
                failure = e;
                throw e;
            }
            durable.advance(end);
        }
        return end;
    }

    private void indexRecord(int direction, long seq, long position) {
        lastSeq[direction] = seq;
        count[direction]++;
        if (direction == OUT) outIndex.add(seq, position);
    }

    /** Maps a larger file. The old mapping is closed now, or by the fsync thread once it cannot be forcing it. */
    private void grow(long needed) {
        long size = (needed + growth - 1) / growth * growth;
        Arena next = Arena.ofShared();
        MemorySegment bigger;
        try {
            bigger = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, next);
            Madvise.noReadAhead(bigger);
        } catch (IOException e) {
            next.close();
            throw new UncheckedIOException("cannot grow journal " + file + " to " + size + " bytes", e);
        }
        Arena old = arena;
        arena = next;
        map = bigger;
        if (syncThread != null) {
            retired.add(old);
        } else {
            // Unmapping a large mapping full of dirty pages took the writer ~7 ms (perf: unmap_page_range under
            // munmap); the writer is an event loop, so another thread does it.
            UNMAPPER.execute(old::close);
        }
    }

    /** Closes retired mappings for journals without a sync thread of their own. */
    private static final java.util.concurrent.Executor UNMAPPER = java.util.concurrent.Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("gannet-journal-unmap").unstarted(r));

    /**
     * The group-commit loop: force what was appended since the last force, at most once per interval, and park
     * without a timeout when there is nothing — an idle session costs no wake-ups.
     */
    private void syncLoop() {
        long lastForce = System.nanoTime() - intervalNanos;
        while (true) {
            closeRetired();
            if (stopping) return;
            long target = appended;
            long from = durable.durable();
            if (target == from) {
                syncIdle = true;
                if (appended == from && !stopping) LockSupport.park(this);
                syncIdle = false;
                continue;
            }
            long wait = lastForce + intervalNanos - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
                continue;
            }
            // Read after appended: the writer publishes a bigger mapping before any position inside it.
            MemorySegment m = map;
            try {
                m.asSlice(from, target - from).force();
            } catch (Throwable t) {
                // Linux marks the pages clean even when writeback fails, so a retry could report data durable
                // that is not. Stop, and make the writer fail.
                failure = t;
                return;
            }
            lastForce = System.nanoTime();
            durable.advance(target);
        }
    }

    private void closeRetired() {
        for (Arena a; (a = retired.poll()) != null; ) a.close();
    }

    /** The position after the last appended record; any thread may read it. */
    public long appendedPosition() {
        return appended;
    }

    /**
     * The position up to which records are forced to the device; any thread may read it. Under
     * {@link FsyncPolicy#NONE} this is the appended position: nothing more will be done for them.
     */
    public long durablePosition() {
        return policy == FsyncPolicy.NONE ? appended : durable.durable();
    }

    /**
     * Runs {@code callback} once every record up to {@code position} (a value {@link #append} returned) is
     * durable: now, on the calling thread, if it already is; otherwise on the fsync thread, which should only hand
     * it over to the event loop. Register one callback per batch of appends, for the batch's last position: the
     * pending list is reused, so this allocates nothing beyond the caller's Runnable. Callbacks still pending
     * when the journal closes run in {@link #close}, after the final force; after an fsync failure they never run.
     *
     * @throws IllegalArgumentException if {@code position} is beyond the appended position
     */
    public void whenDurable(long position, Runnable callback) {
        Objects.requireNonNull(callback, "callback");
        if (position > appended) throw new IllegalArgumentException("position " + position + " not appended yet");
        if (policy == FsyncPolicy.NONE || !durable.queueUnlessDurable(position, callback)) callback.run();
    }

    /** The last sequence number journaled in {@code direction}, or 0 if none. */
    public long lastSeq(int direction) {
        checkDirection(direction);
        return lastSeq[direction];
    }

    /** How many records {@code direction} has. */
    public long count(int direction) {
        checkDirection(direction);
        return count[direction];
    }

    /** The length of the out-frame with sequence number {@code seq}, or -1 if it was not journaled. */
    public int outLength(long seq) {
        checkOpen();
        long pos = outIndex.find(seq);
        return pos < 0 ? -1 : map.get(INT, pos + LENGTH_AT) - HEADER_BYTES;
    }

    /**
     * Copies the out-frame with sequence number {@code seq} into {@code dst} at its position, advancing it, in
     * O(1) through the in-memory index.
     *
     * @return the frame's length, or -1 if no out-frame has that seq (never sent, or skipped by a jump)
     * @throws BufferOverflowException if {@code dst} has less room than the frame; nothing is copied
     */
    public int readOut(long seq, ByteBuffer dst) {
        checkOpen();
        long pos = outIndex.find(seq);
        if (pos < 0) return -1;
        MemorySegment m = map;
        int length = m.get(INT, pos + LENGTH_AT) - HEADER_BYTES;
        if (dst.isReadOnly()) throw new ReadOnlyBufferException();
        if (dst.remaining() < length) throw new BufferOverflowException();
        int at = dst.position();
        if (dst.hasArray()) {
            MemorySegment.copy(m, ValueLayout.JAVA_BYTE, pos + HEADER_BYTES, dst.array(), dst.arrayOffset() + at, length);
        } else {
            targetView.bind(dst);
            MemorySegment.copy(m, pos + HEADER_BYTES, targetView.segment(), at, length);
        }
        dst.position(at + length);
        return length;
    }

    /**
     * Calls {@code visitor} for each record of {@code direction}, oldest first — for replaying in-frames after a
     * restart. The visitor must not append (that could remap the file under the views it is given); it may read.
     * Each call makes one small view object: this is a recovery path, not a per-message one.
     */
    public void forEach(int direction, RecordVisitor visitor) {
        checkOpen();
        checkDirection(direction);
        if (visiting) throw new IllegalStateException("forEach inside forEach");
        visiting = true;
        try {
            MemorySegment m = map;
            long end = appended;
            for (long pos = 0; pos < end; ) {
                int recordLength = m.get(INT, pos + LENGTH_AT);
                if (m.get(ValueLayout.JAVA_BYTE, pos + DIRECTION_AT) == direction) {
                    ByteBuffer frame = m.asSlice(pos + HEADER_BYTES, recordLength - HEADER_BYTES).asByteBuffer();
                    visitor.record(m.get(LONG, pos + SEQ_AT), frame.asReadOnlyBuffer());
                }
                pos += align(recordLength);
            }
        } finally {
            visiting = false;
        }
    }

    /** The journal's file. */
    public Path file() {
        return file;
    }

    public FsyncPolicy policy() {
        return policy;
    }

    /**
     * Stops the fsync thread, forces the file (unless the policy is {@link FsyncPolicy#NONE}), runs the
     * callbacks still waiting, unmaps the file and cuts it to the used length. Idempotent.
     *
     * @throws UncheckedIOException if an fsync failed (now or earlier), or the truncation did; the file is
     *                              closed anyway
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        UncheckedIOException error = null;
        try {
            if (syncThread != null) {
                stopping = true;
                LockSupport.unpark(syncThread);
                joinUninterruptibly(syncThread);
            }
            long end = appended;
            if (policy != FsyncPolicy.NONE && failure == null) {
                long from = durable.durable();
                if (end > from) map.asSlice(from, end - from).force();
                durable.advance(end);
            }
            if (failure != null) error = new UncheckedIOException(new IOException("journal fsync failed: " + file, failure));
        } catch (UncheckedIOException e) {
            error = e;
        } finally {
            closeRetired();
            arena.close();
            try {
                channel.truncate(appended);
                if (policy != FsyncPolicy.NONE) channel.force(true); // the new length
            } catch (IOException e) {
                if (error == null) error = new UncheckedIOException(e);
            }
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                if (error == null) error = new UncheckedIOException(e);
            }
        }
        if (error != null) throw error;
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("journal closed: " + file);
    }

    private static void checkDirection(int direction) {
        if (direction != IN && direction != OUT) throw new IllegalArgumentException("direction must be 0 (in) or 1 (out): " + direction);
    }

    private static long align(long length) {
        return (length + 7) & ~7L;
    }

    @Override
    public String toString() {
        return "Journal[" + file + ", " + policy + ", appended=" + appended + ", durable=" + durablePosition() + "]";
    }

    /**
     * A memory segment over a caller's buffer, kept while the caller keeps passing the same buffer, so copying
     * from or into a direct buffer does not make a segment (or a slice) each time. It views the whole buffer,
     * index 0 to capacity, independent of the buffer's position and limit.
     */
    private static final class BufferView {
        private ByteBuffer bound;
        private ByteBuffer window;
        private MemorySegment segment;

        void bind(ByteBuffer buffer) {
            if (buffer == bound) return;
            window = buffer.duplicate().clear();
            segment = MemorySegment.ofBuffer(window);
            bound = buffer;
        }

        MemorySegment segment() {
            return segment;
        }

        /** The bound buffer's bytes {@code offset .. offset+length} as position and limit of a private duplicate. */
        ByteBuffer window(int offset, int length) {
            window.limit(offset + length).position(offset);
            return window;
        }
    }
}
