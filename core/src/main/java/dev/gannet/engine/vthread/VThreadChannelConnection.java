package dev.gannet.engine.vthread;

import dev.gannet.engine.internal.CloseLog;
import dev.gannet.engine.internal.SocketSetup;
import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.TransportStats;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * What a {@link VThreadConnection} is apart from its reading, writing and closing: its identity, channel and
 * addresses, the handler's context, its lock (the owner is whoever holds it), the hand-off of tasks from other
 * threads, the claim on its close deadline (taken with or without the lock), and the plain socket operations its
 * close and drain use.
 */
abstract class VThreadChannelConnection implements Connection {
    private static final AtomicLong IDS = new AtomicLong();
    private static final System.Logger LOG = System.getLogger(VThreadChannelConnection.class.getName());

    final long id = IDS.incrementAndGet();
    final long openedAt = System.nanoTime();
    final SocketChannel channel;
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled under the lock when the connection's thread may go on: input wanted again, closing, closed. */
    final Condition resumed = lock.newCondition();
    private final TransportStats stats;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean tasksScheduled = new AtomicBoolean();
    /** File completions that came while the lock was let go: run once it is taken back, on the owner. */
    private ArrayList<Runnable> doneLater;
    /** The connection's own virtual thread, which reads. */
    Thread thread;
    private Object context;
    /** Set by whoever arms the close deadline first, with the lock or without it. */
    private volatile boolean closeDeadlineArmed;
    private static final VarHandle CLOSE_DEADLINE_ARMED;

    static {
        try {
            CLOSE_DEADLINE_ARMED = MethodHandles.lookup()
                    .findVarHandle(VThreadChannelConnection.class, "closeDeadlineArmed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    VThreadChannelConnection(SocketChannel channel, TransportStats stats) {
        this.channel = channel;
        this.stats = stats;
    }

    /** Runs a handler callback under the lock; false once the connection is closed (then it did not run). */
    abstract boolean callback(Supplier<Action> cb);

    @Override
    public boolean isOwnerThread() {
        return lock.isHeldByCurrentThread();
    }

    /**
     * Runs {@code task} under the connection's lock (inline on the owner). Tasks from other threads run in the order
     * they were given, as on an event loop: one virtual thread at a time empties the queue, in one callback.
     */
    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == thread && lock.isHeldByCurrentThread()) {
            task.run();
            return;
        }
        tasks.add(task);
        if (tasksScheduled.compareAndSet(false, true)) Thread.ofVirtual().start(this::runTasks);
    }

    private void runTasks() {
        do {
            // Cleared first: a task queued after the callback's last poll schedules another run.
            tasksScheduled.set(false);
            boolean open = callback(() -> {
                for (Runnable t; (t = tasks.poll()) != null; ) t.run();
                return Action.KEEP;
            });
            if (!open) runTasksClosed();
        } while (!tasks.isEmpty() && tasksScheduled.compareAndSet(false, true));
    }

    /**
     * Tasks given to a closed connection still run (still under the lock, so on its owner), as an event loop runs
     * them: what they hold is given back that way, such as a file whose {@code sendFile} completion closes it. What
     * they write is dropped.
     */
    private void runTasksClosed() {
        lock.lock();
        try {
            for (Runnable t; (t = tasks.poll()) != null; ) {
                try {
                    t.run();
                } catch (Throwable e) {
                    stats.handlerErrors.increment();
                    CloseLog.handlerFailed(id, e);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        var f = VThreadEngine.SCHEDULER.schedule(() -> execute(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /** Signals the connection's thread once the lock is free; for a closer that found it held. */
    final void wakeWaiters() {
        lock.lock();
        try {
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Wraps a file's completion so that it runs on the owner even when its region was sent without the lock. */
    final Runnable onOwner(Runnable onDone) {
        return onDone == null ? null : () -> {
            if (lock.isHeldByCurrentThread()) {
                onDone.run();
            } else {
                // Only the one flusher writing without the lock gets here; it runs these once it holds it again.
                if (doneLater == null) doneLater = new ArrayList<>(2);
                doneLater.add(onDone);
            }
        };
    }

    /** Under the lock, after a write without it. */
    final void runDoneLater() {
        if (doneLater == null) return;
        for (int i = 0; i < doneLater.size(); i++) {
            try {
                doneLater.get(i).run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.WARNING, "a file's completion failed on connection " + id, e);
            }
        }
        doneLater.clear();
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public SocketAddress remoteAddress() {
        return SocketSetup.remoteAddress(channel);
    }

    @Override
    public SocketAddress localAddress() {
        return SocketSetup.localAddress(channel);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T context() {
        return (T) context;
    }

    @Override
    public void context(Object context) {
        this.context = context;
    }

    /** Closes the channel; a thread blocked in a read or write on it gets an AsynchronousCloseException. */
    final void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * Reads and drops input until the peer ends it, or {@code lingerNanos} pass. Then a plain close: what the kernel
     * still holds for a slow reader goes on to it.
     */
    final void discardInput(long lingerNanos) {
        long deadline = System.nanoTime() + lingerNanos;
        try {
            var in = channel.socket().getInputStream();
            byte[] scratch = new byte[4096];
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                channel.socket().setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                if (in.read(scratch) < 0) return;
            }
        } catch (IOException e) {
            // timed out, reset or closed: the linger is over either way
        }
    }

    /** True for the one caller that is to arm the close deadline. */
    final boolean claimCloseDeadline() {
        return CLOSE_DEADLINE_ARMED.compareAndSet(this, false, true);
    }

    /** A deadline that passed before its close began: the close, when it runs, arms one of its own. */
    final void releaseCloseDeadline() {
        closeDeadlineArmed = false;
    }

    /** Whether the reader is not parked in its read: it runs, or waits for the lock with input in hand. */
    final boolean readerBusy() {
        Thread r = thread;
        return r != null && (lock.hasQueuedThread(r) || r.getState() == Thread.State.RUNNABLE);
    }

    /** Whether the peer's input waits in the socket, not yet read. */
    final boolean inputWaiting() {
        try {
            return channel.socket().getInputStream().available() > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
