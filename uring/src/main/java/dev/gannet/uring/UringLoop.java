package dev.gannet.uring;

import dev.gannet.buffer.BufferPool;
import dev.gannet.engine.internal.LoopTimer;
import dev.gannet.engine.internal.LoopWatch;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One io_uring event loop: a platform thread that owns a ring, a provided-buffer ring for receives, an eventfd
 * for wake-ups, timers, a task queue and its connections.
 *
 * <p>A turn is one {@code io_uring_enter} that submits everything prepared since the last one and waits for at
 * least one completion (or the next timer, or a wake-up); then the completions, due timers and queued tasks run,
 * and the connections that wrote queue their sends, which the next turn's enter submits.
 *
 * <p>A completion's {@code user_data} names what it belongs to: bits 0-7 the operation, 8-31 the generation of
 * the slot, 32-63 the slot. A slot is reused only after every operation on it completed, and the generation makes
 * a late completion for an earlier owner harmless.
 */
final class UringLoop implements dev.gannet.engine.internal.EventLoop, Runnable {
    private static final System.Logger LOG = System.getLogger(UringLoop.class.getName());
    static final int RING_ENTRIES = 4096;
    static final int RECV_BUFFERS = 512;
    static final int RECV_BUFFER_SIZE = 16 * 1024;
    private static final int BUFFER_GROUP = 0;
    private static final int MAX_SLOTS = 1 << 24;

    static final int OP_RECV = 1, OP_SEND = 2, OP_CANCEL = 3, OP_CONNECT = 4, OP_ACCEPT = 5, OP_WAKE = 6, OP_FILES = 7;
    /** Largest registered file table: slots below its size use registered files, others their descriptors. */
    static final int FILE_TABLE = 32768;
    // Switches for measuring each kernel feature's effect (docs/io_uring.md); all on by default.
    private static final boolean FIXED_FILES = !"false".equals(System.getProperty("gannet.uring.fixedFiles"));
    private static final boolean DEFER_TASKRUN = !"false".equals(System.getProperty("gannet.uring.deferTaskrun"));
    static final boolean MULTISHOT_RECV = !"false".equals(System.getProperty("gannet.uring.multishotRecv"));
    /** Files with SEND_ZC: "auto" (peers on other hosts: loopback copies anyway), "always" or "never". */
    static String sendZc() {
        return System.getProperty("gannet.uring.sendZc", "auto");
    }
    private static final int REGISTER_FILES2 = 13;

    /** What owns a slot: connections, listeners and pending connects. */
    interface Owner {
        void complete(int op, int res, int flags);

        /** The loop is ending: cancel what is in flight and free the slot once the completions came. */
        void loopEnding();
    }

    private final Thread thread;
    private final CountDownLatch started = new CountDownLatch(1);
    private volatile Throwable startFailure;
    Ring ring;
    BufferRing buffers;
    final BufferPool pool = BufferPool.forLoop();
    private final Arena arena = Arena.ofShared();
    /** Scratch for gathering sends prepared this turn: the kernel copies a msghdr when it takes the entry. */
    final SendScratch scratch = new SendScratch(arena);
    private int eventFd = -1;
    private final Object wakeLock = new Object();
    private final MemorySegment wakeBuffer = arena.allocate(8, 8);
    /** Descriptors for this turn's file-table updates: the kernel reads them when it takes the entries. */
    private final MemorySegment fileUpdates = arena.allocate(4L * 1024, 8);
    private int fileUpdateCount;
    /** Entries in the registered file table; 0 when there is none. */
    private int fileTableSize;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final PriorityQueue<LoopTimer> timers = new PriorityQueue<>();
    private final AtomicLong timerSequence = new AtomicLong();
    private Owner[] owners = new Owner[256];
    private int[] generations = new int[256];
    private int[] freeSlots = new int[256];
    private int freeCount;
    private int nextSlot;
    /** Slots whose operations have not all completed; volatile for tests and stats, written once per connection. */
    private volatile int slotsInUse;
    private UringConnection[] flushQueue = new UringConnection[64];
    private int flushCount;
    /** The connections of this loop, for sweeps and closing. */
    UringConnection first;
    volatile int connectionCount;
    long now = System.nanoTime();
    /** When the current turn's work began (0 while waiting in the ring), for the blocked-loop detector. */
    final LoopWatch watch;
    private long sweepInterval = Long.MAX_VALUE;
    private boolean sweepArmed;
    private volatile boolean running = true;
    private boolean recvStarved;
    /** Made once: a method reference evaluated every turn could cost an allocation per turn. */
    private final Ring.Completions completions = this::complete;
    /** Completions reaped by the last turn: how busy the loop is. */
    private int lastReaped;
    /** The longest a busy loop waits to gather completions; 0 turns batching off. */
    private static final long BATCH_WAIT_NANOS = Long.getLong("gannet.uring.batchWaitMicros", 100) * 1000;
    private static final int BUSY = 16;

    UringLoop(String name) {
        this(name, 0);
    }

    UringLoop(String name, long blockedWarningNanos) {
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this);
        this.watch = new LoopWatch(thread, blockedWarningNanos);
    }

    /** Starts the thread, which opens the ring (SINGLE_ISSUER binds it to its opener), and waits for that. */
    void start() throws IOException {
        thread.start();
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + thread.getName());
        }
        if (startFailure instanceof IOException io) throw io;
        if (startFailure != null) throw new IOException("cannot start " + thread.getName(), startFailure);
    }

    String threadName() {
        return thread.getName();
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Queues a task for the loop; safe from any thread. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) wake();
    }

    /**
     * Under {@link #wakeLock}, which the loop also takes to create and close the eventfd: a waker may run before the
     * loop made it (a server whose bind failed stops its loops at once) or after the loop closed it, when its number
     * may already belong to another file. Either way there is nothing to wake; a loop that has not begun checks
     * {@link #running} and its tasks before it first waits. Uncontended, and taken once per turn at most.
     */
    private void wake() {
        synchronized (wakeLock) {
            if (eventFd < 0) return;
            try {
                Sockets.eventfdWrite(eventFd, 1);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot wake " + thread.getName(), e);
            }
        }
    }

    @Override
    public LoopTimer schedule(Runnable task, long delayNanos) {
        LoopTimer t = new LoopTimer(task, System.nanoTime() + delayNanos, timerSequence.getAndIncrement());
        if (inLoop()) timers.add(t);
        else execute(() -> timers.add(t));
        return t;
    }

    void stop() {
        running = false;
        if (!inLoop()) wake();
    }

    void awaitTermination(long millis) throws InterruptedException {
        thread.join(millis);
    }

    // ---- slots ------------------------------------------------------------------------------------------------

    /** A slot for {@code owner}; its operations' user data come from {@link #userData}. */
    int allocate(Owner owner) {
        int slot;
        if (freeCount > 0) {
            slot = freeSlots[--freeCount];
        } else {
            if (nextSlot == MAX_SLOTS) throw new IllegalStateException("too many connections on " + thread.getName());
            slot = nextSlot++;
            if (slot == owners.length) {
                owners = java.util.Arrays.copyOf(owners, slot * 2);
                generations = java.util.Arrays.copyOf(generations, slot * 2);
            }
        }
        owners[slot] = owner;
        slotsInUse++;
        return slot;
    }

    /** Frees a slot whose operations have all completed. */
    void free(int slot) {
        owners[slot] = null;
        slotsInUse--;
        generations[slot] = (generations[slot] + 1) & 0xFFFFFF;
        if (freeCount == freeSlots.length) freeSlots = java.util.Arrays.copyOf(freeSlots, freeCount * 2);
        freeSlots[freeCount++] = slot;
    }

    int slotsInUse() {
        return slotsInUse;
    }

    /** Puts {@code fd} in the file table at {@code slot}; false when the table is off or too small. */
    boolean registerFile(int slot, int fd) {
        if (slot >= fileTableSize) return false;
        try {
            updateFile(slot, fd);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Empties {@code slot} in the file table, so closing the descriptor closes the socket. */
    void unregisterFile(int slot) {
        try {
            updateFile(slot, -1);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot clear registered file " + slot, e);
        }
    }

    /**
     * One FILES_UPDATE entry. It runs when the kernel takes it, before the entries after it, so a receive
     * prepared next already finds the file; only a failure posts a completion.
     */
    private void updateFile(int slot, int fd) throws IOException {
        if (fileUpdateCount == 1024) {
            ring.submit();
            fileUpdateCount = 0;
        }
        long at = 4L * fileUpdateCount++;
        fileUpdates.set(ValueLayout.JAVA_INT, at, fd);
        ring.prep(Ring.OP_FILES_UPDATE, Ring.SQE_CQE_SKIP_SUCCESS, 0, -1, slot, fileUpdates.address() + at, 1, 0,
                userData(slot, OP_FILES), 0);
    }

    long userData(int slot, int op) {
        return (long) slot << 32 | (long) generations[slot] << 8 | op;
    }

    // ---- the turn ---------------------------------------------------------------------------------------------

    @Override
    public void run() {
        try {
            open();
        } catch (Throwable t) {
            startFailure = t;
            started.countDown();
            closeRing();
            return;
        }
        started.countDown();
        watch.start();
        try {
            while (running) turn();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "event loop " + thread.getName() + " failed", t);
        } finally {
            watch.stop();
            closeAll();
        }
    }

    private void open() throws IOException {
        ring = Ring.open(RING_ENTRIES, 4, (DEFER_TASKRUN ? Ring.SETUP_SINGLE_ISSUER | Ring.SETUP_DEFER_TASKRUN
                : Ring.SETUP_COOP_TASKRUN) | Ring.SETUP_SUBMIT_ALL);
        buffers = new BufferRing(ring, BUFFER_GROUP, RECV_BUFFERS, RECV_BUFFER_SIZE);
        int efd = Sockets.eventfd(0, Sockets.EFD_NONBLOCK | Sockets.EFD_CLOEXEC);
        synchronized (wakeLock) {
            eventFd = efd;
        }
        ring.registerWithThread();
        if (FIXED_FILES && ring.supports(Ring.OP_FILES_UPDATE)) {
            // The kernel refuses a table larger than the process's descriptor limit (EMFILE), and a process cannot
            // hold more sockets than that limit anyway.
            int size = (int) Math.min(FILE_TABLE, descriptorLimit());
            try (Arena tmp = Arena.ofConfined()) {
                // struct io_uring_rsrc_register { u32 nr; u32 flags (SPARSE); u64 resv2; u64 data; u64 tags; }
                MemorySegment reg = tmp.allocate(32, 8);
                reg.set(ValueLayout.JAVA_INT, 0, size);
                reg.set(ValueLayout.JAVA_INT, 4, 1);
                ring.register(REGISTER_FILES2, reg.address(), 32);
                fileTableSize = size;
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, thread.getName() + ": no registered file table of " + size
                        + " entries, sends and receives look descriptors up: " + e.getMessage());
            }
        }
        armWake();
    }

    /** The soft RLIMIT_NOFILE, as the JDK reads it; FILE_TABLE where it cannot. */
    private static long descriptorLimit() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount();
            if (limit > 0) return limit;
        }
        return FILE_TABLE;
    }

    /** Entries in the registered file table (0: none); for tests. */
    int fileTableSize() {
        return fileTableSize;
    }

    private void armWake() throws IOException {
        ring.prep(Ring.OP_READ, 0, 0, eventFd, 0, wakeBuffer.address(), 8, 0, OP_WAKE, 0);
    }

    private void turn() throws IOException {
        watch.busySince = 0;
        wakeupPending.set(false);
        long wait;
        if (!tasks.isEmpty() || recvStarved) {
            wait = 0;
        } else {
            LoopTimer next = timers.peek();
            wait = next == null ? -1 : Math.max(0, next.deadline - System.nanoTime());
        }
        if (wait == 0) {
            ring.submit();
        } else if (BATCH_WAIT_NANOS > 0 && lastReaped >= BUSY) {
            // Busy: wait (briefly) for half as many completions as the last turn brought, rather than for the first
            // one. The kernel wakes the loop once for the lot, and one turn serves them together: ~10% less CPU per
            // request on keep-alive HTTP, at most BATCH_WAIT_NANOS more latency, and none when the load is light.
            ring.enter(lastReaped / 2, wait < 0 ? BATCH_WAIT_NANOS : Math.min(wait, BATCH_WAIT_NANOS));
        } else {
            ring.enter(1, wait);
        }
        if (ring.pending() == 0) {
            // The kernel took every entry, and with them what they point at: the scratch can be reused.
            scratch.reset();
            fileUpdateCount = 0;
        }
        now = System.nanoTime();
        watch.busySince = now;
        lastReaped = ring.reap(completions);
        if (recvStarved) restartStarvedReceives();
        runTimers();
        runTasks();
        flushAll();
    }

    /**
     * Handles now, from a task, the completions the kernel has ready (including deferred ones, such as receives of
     * data that arrived since this turn entered the ring). Does not wait.
     */
    void reapNow() {
        try {
            ring.enter(1, 0);
        } catch (IOException e) {
            return;
        }
        lastReaped += ring.reap(completions);
    }

    private void complete(long userData, int res, int flags) {
        int op = (int) (userData & 0xFF);
        if (op == OP_WAKE) {
            try {
                if (running) armWake();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "cannot re-arm the wake-up read", e);
            }
            return;
        }
        int slot = (int) (userData >>> 32);
        int generation = (int) (userData >>> 8) & 0xFFFFFF;
        Owner owner = slot < owners.length ? owners[slot] : null;
        if (owner == null || generations[slot] != generation) {
            // A receive for a slot already freed cannot happen (freeing waits for it), but a buffer must not leak.
            if ((flags & Ring.CQE_F_BUFFER) != 0) buffers.recycle(flags >>> 16);
            return;
        }
        try {
            owner.complete(op, res, flags);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "unexpected error handling a completion", t);
            if (owner instanceof UringConnection c) c.abort(t);
        }
    }

    /** Receives ended with ENOBUFS wait for buffers; they are re-armed once a turn has given buffers back. */
    void recvStarved() {
        recvStarved = true;
    }

    private void restartStarvedReceives() {
        recvStarved = false;
        for (UringConnection c = first; c != null; c = c.next) c.rearmIfStarved();
    }

    private void runTimers() {
        LoopTimer t;
        while ((t = timers.peek()) != null && t.deadline - now <= 0) {
            timers.poll();
            if (!t.isCancelled()) safeRun(t.task);
        }
    }

    private void runTasks() {
        for (int i = 0; i < 4096; i++) {
            Runnable r = tasks.poll();
            if (r == null) break;
            safeRun(r);
        }
    }

    void flushLater(UringConnection c) {
        if (flushCount == flushQueue.length) flushQueue = java.util.Arrays.copyOf(flushQueue, flushCount * 2);
        flushQueue[flushCount++] = c;
    }

    private void flushAll() {
        for (int i = 0; i < flushCount; i++) {
            UringConnection c = flushQueue[i];
            flushQueue[i] = null;
            c.flushFromLoop();
        }
        flushCount = 0;
    }

    private static void safeRun(Runnable r) {
        try {
            r.run();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "task failed on event loop", t);
        }
    }

    // ---- connections ------------------------------------------------------------------------------------------

    void add(UringConnection c, long sweepNanos) {
        c.next = first;
        if (first != null) first.prev = c;
        first = c;
        connectionCount++;
        if (sweepNanos > 0 && sweepNanos < sweepInterval) {
            sweepInterval = sweepNanos;
            if (!sweepArmed) {
                sweepArmed = true;
                schedule(this::sweep, sweepInterval);
            }
        }
    }

    void remove(UringConnection c) {
        if (c.prev != null) c.prev.next = c.next;
        else if (first == c) first = c.next;
        if (c.next != null) c.next.prev = c.prev;
        c.next = c.prev = null;
        connectionCount--;
    }

    private void sweep() {
        for (UringConnection c = first; c != null; ) {
            UringConnection next = c.next;
            c.sweep(now);
            c = next;
        }
        if (first == null) {
            sweepArmed = false;
            sweepInterval = Long.MAX_VALUE;
        } else {
            schedule(this::sweep, sweepInterval);
        }
    }

    /**
     * The loop is ending: connections close hard, then the ring goes, which makes the kernel cancel what is in
     * flight and wait for it before the mapped memory and buffers are released.
     */
    private void closeAll() {
        for (int i = 0; i < nextSlot; i++) {
            Owner o = owners[i];
            if (o != null) {
                try {
                    o.loopEnding();
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.WARNING, "error while closing on " + thread.getName(), t);
                }
            }
        }
        // Wait (bounded) for the cancellations: only then are descriptors closed and listening ports free again.
        long deadline = System.nanoTime() + 2_000_000_000L;
        try {
            while (slotsInUse > 0 && System.nanoTime() - deadline < 0) {
                ring.enter(1, 10_000_000L);
                ring.reap(completions);
                runTasks();
                flushAll();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "error while closing " + thread.getName(), e);
        }
        closeRing();
    }

    private void closeRing() {
        // The receive buffers are not freed here: their memory is the GC's (an automatic arena), so a completion
        // the kernel might still be finishing as the ring goes never writes into freed memory.
        if (ring != null) ring.close();
        synchronized (wakeLock) {
            if (eventFd >= 0) Native.close(eventFd);
            eventFd = -1;
        }
        // Descriptors of connections that were waiting for their last completion are closed now that none can come.
        for (int i = 0; i < nextSlot; i++) if (owners[i] instanceof UringConnection c) c.releaseAfterRing();
        if (slotsInUse > 0) LOG.log(System.Logger.Level.WARNING, slotsInUse + " operations still in flight when "
                + thread.getName() + " closed its ring");
        arena.close();
    }

    /** msghdr + iovec blocks for this turn's gathering sends. */
    static final class SendScratch {
        static final int BLOCKS = 128;
        static final int IOV = 16;
        private static final long BLOCK = 64 + 16L * IOV;
        private final MemorySegment memory;
        private int used;

        SendScratch(Arena arena) {
            memory = arena.allocate(BLOCK * BLOCKS, 8);
        }

        void reset() {
            used = 0;
        }

        /** A msghdr pointing at {@code count} iovecs filled from {@code chunks} ([0, position) each), or 0 if none left. */
        long msghdr(java.nio.ByteBuffer[] chunks, int count, long[] addresses) {
            if (used == BLOCKS) return 0;
            long base = BLOCK * used++;
            long iov = base + 64;
            for (int i = 0; i < count; i++) {
                memory.set(ValueLayout.JAVA_LONG, iov + 16L * i, addresses[i]);
                memory.set(ValueLayout.JAVA_LONG, iov + 16L * i + 8, chunks[i].position());
            }
            memory.asSlice(base, 56).fill((byte) 0);
            memory.set(ValueLayout.JAVA_LONG, base + 16, memory.address() + iov);
            memory.set(ValueLayout.JAVA_LONG, base + 24, count);
            return memory.address() + base;
        }
    }
}
