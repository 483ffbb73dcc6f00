package dev.gannet.engine.nio;

import dev.gannet.buffer.BufferPool;

import dev.gannet.engine.internal.LoopTimer;
import dev.gannet.engine.internal.LoopWatch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One event loop: a thread with a {@link Poller} (epoll), a task queue, timers, a buffer pool and the connections it
 * owns. A turn is: select, dispatch ready keys, run due timers, run queued tasks, then flush every connection
 * that was written to during the turn, so a burst of writes costs one write system call per connection.
 */
final class NioLoop implements dev.gannet.engine.internal.EventLoop, Runnable, Poller.Dispatcher {
    private static final System.Logger LOG = System.getLogger(NioLoop.class.getName());
    /** The shared read buffer; bytes a handler leaves unconsumed move to a pooled per-connection buffer. */
    static final int READ_BUFFER = 64 * 1024;

    final Poller poller;
    final BufferPool pool = BufferPool.forLoop();
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
    /** Socket calls on descriptors, or null where they are unavailable (connections then use their channels). */
    final SocketIo io = SocketIo.AVAILABLE ? new SocketIo(java.lang.foreign.Arena.ofAuto()) : null;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final PriorityQueue<LoopTimer> timers = new PriorityQueue<>();
    private NioConnection[] flushQueue = new NioConnection[64];
    private int flushCount;
    /** Breaks ties between timers due at the same nanosecond; schedule() may run on any thread. */
    private final java.util.concurrent.atomic.AtomicLong timerSequence = new java.util.concurrent.atomic.AtomicLong();
    /** Intrusive list of owned connections, walked by the idle/tick sweep without allocating. */
    NioConnection first;
    /** Connections owned, read by acceptors on other threads to balance. */
    volatile int connectionCount;
    /** Nanos at the start of this turn: one clock read per turn instead of one per event. */
    long now = System.nanoTime();
    private long sweepInterval = Long.MAX_VALUE;
    private boolean sweepArmed;
    private volatile boolean running = true;
    /** When the current turn's work began (0 while waiting in select), for the blocked-loop detector. */
    final LoopWatch watch;

    NioLoop(String name) throws IOException {
        this(name, 0);
    }

    NioLoop(String name, long blockedWarningNanos) throws IOException {
        this.poller = Poller.open();
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this);
        this.watch = new LoopWatch(thread, blockedWarningNanos);
    }

    void start() {
        thread.start();
        watch.start();
    }

    String threadName() {
        return thread.getName();
    }

    StackTraceElement[] stackTrace() {
        return thread.getStackTrace();
    }

    @Override
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Queues a task for the loop; safe from any thread. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) poller.wakeup();
    }

    @Override
    public LoopTimer schedule(Runnable task, long delayNanos) {
        LoopTimer t = new LoopTimer(task, System.nanoTime() + delayNanos, timerSequence.getAndIncrement());
        if (inLoop()) timers.add(t);
        else execute(() -> timers.add(t));
        return t;
    }

    /** Stops the loop after this turn; connections still open are closed hard. */
    void stop() {
        running = false;
        poller.wakeup();
    }

    void awaitTermination(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /** Marks {@code c} for the end-of-turn flush. */
    void flushLater(NioConnection c) {
        if (flushCount == flushQueue.length) flushQueue = java.util.Arrays.copyOf(flushQueue, flushCount * 2);
        flushQueue[flushCount++] = c;
    }

    void add(NioConnection c, long sweepNanos) {
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

    void remove(NioConnection c) {
        if (c.prev != null) c.prev.next = c.next;
        else if (first == c) first = c.next;
        if (c.next != null) c.next.prev = c.prev;
        c.next = c.prev = null;
        connectionCount--;
    }

    @Override
    public void run() {
        try {
            while (running) {
                turn();
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "event loop " + thread.getName() + " failed", t);
        } finally {
            watch.stop();
            closeAll();
        }
    }

    private void turn() throws IOException {
        watch.busySince = 0;
        wakeupPending.set(false);
        long waitMs;
        if (!tasks.isEmpty()) {
            waitMs = 0;
        } else {
            LoopTimer next = timers.peek();
            waitMs = next == null ? -1 : Math.max(0, (next.deadline - System.nanoTime() + 999_999) / 1_000_000);
        }
        poller.poll(waitMs, this);
        now = System.nanoTime();
        if (watch.busySince == 0) watch.busySince = now;
        runTimers();
        runTasks();
        flushAll();
    }

    @Override
    public void dispatch(Poller.Selectable s, int readyOps) {
        // Registrations are dispatched from inside poll(): the turn's work starts with the first one.
        if (watch.busySince == 0) watch.busySince = System.nanoTime();
        try {
            s.ready(readyOps);
        } catch (Throwable t) {
            // Last line of defence: a bug in a connection must not take the loop down.
            LOG.log(System.Logger.Level.ERROR, "unexpected error in event dispatch", t);
            if (s instanceof NioConnection c) c.abort(t);
        }
    }

    private void runTimers() {
        LoopTimer t;
        while ((t = timers.peek()) != null && t.deadline - now <= 0) {
            timers.poll();
            if (!t.isCancelled()) safeRun(t.task);
        }
    }

    private void runTasks() {
        // Bounded so that tasks which queue tasks cannot starve I/O.
        for (int i = 0, n = 4096; i < n; i++) {
            Runnable r = tasks.poll();
            if (r == null) break;
            safeRun(r);
        }
    }

    private void flushAll() {
        // A flush may call handlers that write to other connections: walk by index as the queue grows.
        for (int i = 0; i < flushCount; i++) {
            NioConnection c = flushQueue[i];
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

    /** Idle timeouts and ticks: one pass over the owned connections per sweep interval. */
    private void sweep() {
        for (NioConnection c = first; c != null; ) {
            NioConnection next = c.next;
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

    private void closeAll() {
        for (NioConnection c = first; c != null; ) {
            NioConnection next = c.next;
            c.abort(null);
            c = next;
        }
        poller.closeChannels();
        poller.close();
    }
}
