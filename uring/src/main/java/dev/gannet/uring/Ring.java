package dev.gannet.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * One io_uring instance: the submission and completion rings mapped into this process, read and written in place.
 *
 * <p>Preparing a request writes the eight words of a submission entry straight into the mapped array and
 * {@link #enter} publishes them and waits for completions in one system call; {@link #reap} walks the completion
 * ring in place. Nothing here allocates after {@link #open}.
 *
 * <p>Threading: a ring belongs to the thread that opened it (the rings are opened with {@code SINGLE_ISSUER} and
 * {@code DEFER_TASKRUN} where the kernel has them, which makes that a kernel rule too). No method is thread-safe.
 */
public final class Ring implements AutoCloseable {
    // Opcodes (linux/io_uring.h). Probed at run time: the kernel may lack the newer ones.
    public static final int OP_NOP = 0;
    public static final int OP_POLL_ADD = 6;
    public static final int OP_SENDMSG = 9;
    public static final int OP_TIMEOUT = 11;
    public static final int OP_ACCEPT = 13;
    public static final int OP_ASYNC_CANCEL = 14;
    public static final int OP_CONNECT = 16;
    public static final int OP_CLOSE = 19;
    public static final int OP_READ = 22;
    public static final int OP_WRITE = 23;
    public static final int OP_SEND = 26;
    public static final int OP_RECV = 27;
    public static final int OP_SPLICE = 30;
    public static final int OP_FILES_UPDATE = 20;
    public static final int OP_SHUTDOWN = 34;
    public static final int OP_SEND_ZC = 47;

    // Setup flags.
    public static final int SETUP_CQSIZE = 1 << 3;
    public static final int SETUP_CLAMP = 1 << 4;
    public static final int SETUP_SUBMIT_ALL = 1 << 7;
    public static final int SETUP_COOP_TASKRUN = 1 << 8;
    public static final int SETUP_SINGLE_ISSUER = 1 << 12;
    public static final int SETUP_DEFER_TASKRUN = 1 << 13;

    // Features reported by the kernel.
    public static final int FEAT_SINGLE_MMAP = 1;
    public static final int FEAT_NODROP = 1 << 1;
    public static final int FEAT_SUBMIT_STABLE = 1 << 2;
    public static final int FEAT_FAST_POLL = 1 << 5;
    public static final int FEAT_EXT_ARG = 1 << 8;
    public static final int FEAT_REG_REG_RING = 1 << 13;

    // Submission entry flags, ioprio bits and per-op flags.
    public static final int SQE_FIXED_FILE = 1;
    public static final int SQE_IO_LINK = 1 << 2;
    public static final int SQE_BUFFER_SELECT = 1 << 5;
    public static final int SQE_CQE_SKIP_SUCCESS = 1 << 6;
    public static final int RECV_MULTISHOT = 1 << 1;
    public static final int RECVSEND_POLL_FIRST = 1;
    public static final int ACCEPT_MULTISHOT = 1;
    public static final int POLL_ADD_MULTI = 1;
    public static final int ASYNC_CANCEL_ALL = 1;
    public static final int ASYNC_CANCEL_FD = 1 << 1;
    public static final int ASYNC_CANCEL_FD_FIXED = 1 << 3;
    /** send(2) flag: a peer that went away gives EPIPE, not a SIGPIPE. */
    public static final int MSG_NOSIGNAL = 0x4000;

    // Completion flags.
    public static final int CQE_F_BUFFER = 1;
    public static final int CQE_F_MORE = 1 << 1;
    public static final int CQE_F_SOCK_NONEMPTY = 1 << 2;
    public static final int CQE_F_NOTIF = 1 << 3;

    private static final int ENTER_GETEVENTS = 1;
    private static final int ENTER_EXT_ARG = 1 << 3;
    private static final int ENTER_REGISTERED_RING = 1 << 4;
    private static final int REGISTER_PROBE = 8;
    private static final int REGISTER_RING_FDS = 20;
    private static final int UNREGISTER_RING_FDS = 21;
    private static final long OFF_SQ_RING = 0;
    private static final long OFF_CQ_RING = 0x8000000L;
    private static final long OFF_SQES = 0x10000000L;
    private static final int SQE_SIZE = 64;
    private static final int CQE_SIZE = 16;
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** What a completion is handed to. */
    @FunctionalInterface
    public interface Completions {
        void complete(long userData, int res, int flags);
    }

    public final int fd;
    /** The kernel's feature bits ({@code FEAT_*}). */
    public final int features;
    /** The setup flags the kernel accepted. */
    public final int setupFlags;
    public final int sqEntries;
    public final int cqEntries;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final long sqHead;
    private final long sqTail;
    private final long sqFlags;
    private final int sqMask;
    private final long cqHead;
    private final long cqTail;
    private final long cqOverflow;
    private final int cqMask;
    private final long cqes;
    /** io_uring_getevents_arg and the timespec it points at, for waits with a timeout. */
    private final MemorySegment waitArg;
    private final MemorySegment waitTimeout;
    private final byte[] supported;
    private int tail;
    private int submittedTail;
    private boolean closed;
    /** What {@link #enter} names the ring by: its descriptor, or its index among the thread's registered rings. */
    private int enterFd;
    private int enterFlags;

    private Ring(int fd, MemorySegment params, int flags, byte[] supported) throws IOException {
        this.fd = fd;
        this.setupFlags = flags;
        this.sqEntries = params.get(ValueLayout.JAVA_INT, 0);
        this.cqEntries = params.get(ValueLayout.JAVA_INT, 4);
        this.features = params.get(ValueLayout.JAVA_INT, 20);
        long sq = 40;
        long cq = 80;
        int sqArray = params.get(ValueLayout.JAVA_INT, sq + 24);
        long sqSize = sqArray + 4L * sqEntries;
        long cqSize = params.get(ValueLayout.JAVA_INT, cq + 20) + (long) CQE_SIZE * cqEntries;
        if ((features & FEAT_SINGLE_MMAP) != 0) {
            long size = Math.max(sqSize, cqSize);
            sqRing = cqRing = Native.mmap(fd, OFF_SQ_RING, size);
        } else {
            sqRing = Native.mmap(fd, OFF_SQ_RING, sqSize);
            cqRing = Native.mmap(fd, OFF_CQ_RING, cqSize);
        }
        sqes = Native.mmap(fd, OFF_SQES, (long) SQE_SIZE * sqEntries);
        sqHead = params.get(ValueLayout.JAVA_INT, sq);
        sqTail = params.get(ValueLayout.JAVA_INT, sq + 4);
        sqMask = sqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, sq + 8));
        sqFlags = params.get(ValueLayout.JAVA_INT, sq + 16);
        cqHead = params.get(ValueLayout.JAVA_INT, cq);
        cqTail = params.get(ValueLayout.JAVA_INT, cq + 4);
        cqMask = cqRing.get(ValueLayout.JAVA_INT, params.get(ValueLayout.JAVA_INT, cq + 8));
        cqOverflow = params.get(ValueLayout.JAVA_INT, cq + 16);
        cqes = params.get(ValueLayout.JAVA_INT, cq + 20);
        // The indirection array maps slot i to entry i once and for all; entries are then filled in ring order.
        for (int i = 0; i < sqEntries; i++) sqRing.set(ValueLayout.JAVA_INT, sqArray + 4L * i, i);
        tail = submittedTail = (int) INT.getAcquire(sqRing, sqTail);
        waitArg = arena.allocate(24, 8);
        waitTimeout = arena.allocate(16, 8);
        waitArg.set(ValueLayout.JAVA_LONG, 16, waitTimeout.address());
        this.supported = supported;
        this.enterFd = fd;
    }

    /**
     * Registers the ring with the calling thread (IORING_REGISTER_RING_FDS), so that thread's {@link #enter} calls
     * name it by index and the kernel skips looking the descriptor up on each of them. Only the registering thread
     * may enter afterwards. Returns false, changing nothing, where the kernel cannot.
     */
    public boolean registerWithThread() {
        if ((features & FEAT_REG_REG_RING) == 0) return false;
        try (Arena tmp = Arena.ofConfined()) {
            // struct io_uring_rsrc_update { u32 offset (-1: any free index); u32 resv; u64 data (the descriptor) }
            MemorySegment update = tmp.allocate(16, 8);
            update.set(ValueLayout.JAVA_INT, 0, -1);
            update.set(ValueLayout.JAVA_LONG, 8, fd);
            if (register(REGISTER_RING_FDS, update.address(), 1) != 1) return false;
            enterFd = update.get(ValueLayout.JAVA_INT, 0);
            enterFlags = ENTER_REGISTERED_RING;
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Opens a ring of {@code entries} submission slots (a power of two) and {@code cqFactor} times as many
     * completion slots, asking for {@code flags}; flags the kernel refuses are dropped one group at a time
     * (DEFER_TASKRUN and SINGLE_ISSUER, then COOP_TASKRUN, then SUBMIT_ALL) so an older kernel still gets a ring.
     */
    public static Ring open(int entries, int cqFactor, int flags) throws IOException {
        int[] attempts = {flags,
                flags & ~(SETUP_DEFER_TASKRUN | SETUP_SINGLE_ISSUER),
                flags & ~(SETUP_DEFER_TASKRUN | SETUP_SINGLE_ISSUER | SETUP_COOP_TASKRUN),
                flags & ~(SETUP_DEFER_TASKRUN | SETUP_SINGLE_ISSUER | SETUP_COOP_TASKRUN | SETUP_SUBMIT_ALL)};
        IOException last = null;
        for (int f : attempts) {
            try (Arena tmp = Arena.ofConfined()) {
                MemorySegment params = tmp.allocate(120, 8);
                int want = f | (cqFactor > 1 ? SETUP_CQSIZE | SETUP_CLAMP : 0);
                params.set(ValueLayout.JAVA_INT, 4, entries * Math.max(1, cqFactor));
                params.set(ValueLayout.JAVA_INT, 8, want);
                long rc = Native.syscall(Native.SYS_IO_URING_SETUP, entries, params.address(), 0, 0, 0, 0);
                if (rc < 0) {
                    last = Native.error("io_uring_setup", (int) -rc);
                    if (-rc != Native.EINVAL) throw last;
                    continue;
                }
                int fd = (int) rc;
                try {
                    return new Ring(fd, params, want, probe(fd));
                } catch (IOException | RuntimeException e) {
                    Native.close(fd);
                    throw e;
                }
            }
        }
        throw last;
    }

    /** The opcodes the kernel supports, from IORING_REGISTER_PROBE: entry i is 1 when opcode i is. */
    private static byte[] probe(int fd) throws IOException {
        try (Arena tmp = Arena.ofConfined()) {
            int ops = 256;
            MemorySegment p = tmp.allocate(16 + 8L * ops, 8);
            long rc = Native.syscall(Native.SYS_IO_URING_REGISTER, fd, REGISTER_PROBE, p.address(), ops, 0, 0);
            byte[] supported = new byte[ops];
            if (rc < 0) return supported; // pre-5.6 kernel: no probe, and nothing this engine needs either
            int len = Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, 1));
            for (int i = 0; i < len; i++) {
                long op = 16 + 8L * i;
                int code = Byte.toUnsignedInt(p.get(ValueLayout.JAVA_BYTE, op));
                if ((p.get(ValueLayout.JAVA_SHORT, op + 2) & 1) != 0) supported[code] = 1;
            }
            return supported;
        }
    }

    /** Whether the kernel supports {@code opcode}. */
    public boolean supports(int opcode) {
        return opcode >= 0 && opcode < supported.length && supported[opcode] != 0;
    }

    /** Submission slots free now: prepared entries take them until {@link #enter} hands them to the kernel. */
    public int sqSpace() {
        return sqEntries - (tail - (int) INT.getAcquire(sqRing, sqHead));
    }

    /** Entries prepared since the last {@link #enter}. */
    public int pending() {
        return tail - submittedTail;
    }

    /**
     * Writes one submission entry. The fields are those of {@code struct io_uring_sqe}; unused ones are zero. When
     * the ring is full the prepared entries are submitted first (without waiting), so a caller never fails here.
     */
    public void prep(int opcode, int sqeFlags, int ioprio, int fd, long off, long addr, int len, int opFlags,
                     long userData, int bufGroup) throws IOException {
        if (sqSpace() == 0) submit();
        long e = (long) (tail & sqMask) * SQE_SIZE;
        sqes.set(ValueLayout.JAVA_LONG, e, (opcode & 0xFF) | (sqeFlags & 0xFF) << 8 | (long) (ioprio & 0xFFFF) << 16
                | (long) fd << 32);
        sqes.set(ValueLayout.JAVA_LONG, e + 8, off);
        sqes.set(ValueLayout.JAVA_LONG, e + 16, addr);
        sqes.set(ValueLayout.JAVA_LONG, e + 24, (len & 0xFFFFFFFFL) | (long) opFlags << 32);
        sqes.set(ValueLayout.JAVA_LONG, e + 32, userData);
        sqes.set(ValueLayout.JAVA_LONG, e + 40, bufGroup & 0xFFFF);
        sqes.set(ValueLayout.JAVA_LONG, e + 48, 0L);
        sqes.set(ValueLayout.JAVA_LONG, e + 56, 0L);
        tail++;
    }

    /** Submits what was prepared without waiting for completions. */
    public int submit() throws IOException {
        return enter(0, -1);
    }

    /**
     * Submits what was prepared and waits until at least {@code minComplete} completions are ready, or
     * {@code timeoutNanos} passed (negative: no limit; used only when {@code minComplete > 0}). One system call.
     * Returns the number of entries the kernel took.
     */
    public int enter(int minComplete, long timeoutNanos) throws IOException {
        INT.setRelease(sqRing, sqTail, tail);
        int toSubmit = tail - submittedTail;
        int flags = enterFlags;
        long arg = 0;
        long argSize = 0;
        if (minComplete > 0 || mustFlushOverflow()) {
            flags |= ENTER_GETEVENTS;
            if (minComplete > 0 && timeoutNanos >= 0 && (features & FEAT_EXT_ARG) != 0) {
                waitTimeout.set(ValueLayout.JAVA_LONG, 0, timeoutNanos / 1_000_000_000L);
                waitTimeout.set(ValueLayout.JAVA_LONG, 8, timeoutNanos % 1_000_000_000L);
                flags |= ENTER_EXT_ARG;
                arg = waitArg.address();
                argSize = waitArg.byteSize();
            }
        }
        if (toSubmit == 0 && (flags & ENTER_GETEVENTS) == 0) return 0;
        while (true) {
            long rc = Native.syscall(Native.SYS_IO_URING_ENTER, enterFd, toSubmit, Math.max(0, minComplete), flags, arg,
                    argSize);
            if (rc >= 0) {
                submittedTail += (int) rc;
                return (int) rc;
            }
            int errno = (int) -rc;
            // A timeout or a signal ends the wait; a busy completion ring means "reap first" and is not an error.
            if (errno == Native.ETIME || errno == Native.EINTR || errno == Native.EBUSY || errno == Native.EAGAIN) {
                return 0;
            }
            throw Native.error("io_uring_enter", errno);
        }
    }

    /** Whether completions are held back in the kernel for want of room (reaping, then entering, brings them). */
    private boolean mustFlushOverflow() {
        return ((int) INT.getAcquire(sqRing, sqFlags) & 1 /* IORING_SQ_CQ_OVERFLOW */) != 0;
    }

    /** Completions the kernel dropped, which only a kernel without NODROP can do. */
    public int overflowCount() {
        return (int) INT.getAcquire(cqRing, cqOverflow);
    }

    /** Hands every ready completion to {@code to}, in order, and returns how many there were. */
    public int reap(Completions to) {
        int head = (int) INT.getAcquire(cqRing, cqHead);
        int n = 0;
        while (true) {
            int ready = (int) INT.getAcquire(cqRing, cqTail);
            if (head == ready) break;
            long c = cqes + (long) (head & cqMask) * CQE_SIZE;
            long userData = cqRing.get(ValueLayout.JAVA_LONG, c);
            int res = cqRing.get(ValueLayout.JAVA_INT, c + 8);
            int flags = cqRing.get(ValueLayout.JAVA_INT, c + 12);
            // The slot is given back before the handler runs: the handler may submit, and the kernel may then post.
            INT.setRelease(cqRing, cqHead, ++head);
            n++;
            to.complete(userData, res, flags);
        }
        return n;
    }

    /** Runs {@code IORING_REGISTER_*} {@code opcode} with {@code arg}; returns the kernel's result. */
    long register(int opcode, long arg, int count) throws IOException {
        long rc = Native.syscall(Native.SYS_IO_URING_REGISTER, fd, opcode, arg, count, 0, 0);
        if (rc < 0) throw Native.error("io_uring_register(" + opcode + ")", (int) -rc);
        return rc;
    }

    /** Unmaps the rings and closes the descriptor; the kernel cancels whatever is still in flight. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (enterFlags != 0) {
            // The thread's registration holds the ring open; drop it (on the registering thread, where the loop
            // closes its ring), or the ring would live on until that thread ends.
            try (Arena tmp = Arena.ofConfined()) {
                MemorySegment update = tmp.allocate(16, 8);
                update.set(ValueLayout.JAVA_INT, 0, enterFd);
                register(UNREGISTER_RING_FDS, update.address(), 1);
            } catch (IOException e) {
                // the thread is not the registering one: its end releases the ring
            }
        }
        Native.munmap(sqes);
        Native.munmap(sqRing);
        if (cqRing != sqRing) Native.munmap(cqRing);
        Native.close(fd);
        arena.close();
    }
}
