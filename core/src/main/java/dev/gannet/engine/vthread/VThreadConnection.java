package dev.gannet.engine.vthread;

import dev.gannet.buffer.BufferPool;
import dev.gannet.buffer.OutboundBuffer;
import dev.gannet.engine.internal.CloseLog;
import dev.gannet.engine.internal.ConnectionGroup;
import dev.gannet.engine.internal.ConnectionEvent;
import dev.gannet.engine.internal.SocketSetup;
import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection served by its own virtual thread with blocking reads and writes. Handler callbacks run under the
 * connection's lock, so callbacks triggered from other threads (tasks, ticks, drain) never overlap the reader's.
 * Output queued during a callback is flushed when it returns, with a blocking write: a peer that does not read
 * blocks this connection's thread, which is the backpressure of this engine.
 */
final class VThreadConnection implements Connection, Runnable {
    private static final System.Logger LOG = System.getLogger(VThreadConnection.class.getName());
    private static final AtomicLong IDS = new AtomicLong();
    static final int MAX_INBOUND = 64 * 1024 * 1024;

    private final long id = IDS.incrementAndGet();
    private final long openedAt = System.nanoTime();
    private final SocketChannel channel;
    private final VThreadGroup group;
    private final Handler handler;
    private final BufferPool pool;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition resumed = lock.newCondition();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean tasksScheduled = new AtomicBoolean();
    private final OutboundBuffer out;
    private Thread thread;
    /** Runs once onOpen returned KEEP; a client uses it to complete its connect future. */
    Runnable afterOpen;
    private Object context;
    private boolean inCallback;
    private boolean readPaused;
    /** Set when reading resumes, so that input left unconsumed is handed back even if no more arrives. */
    private volatile boolean redeliver;
    private boolean inputClosed;
    private boolean closing;
    private boolean outputShutdownRequested;
    private volatile boolean closed;
    private volatile Throwable closeCause;
    private volatile Throwable handlerBug;
    private volatile boolean writable = true;
    /** Set once the output side is shut down for a close: the reader then discards input (a bounded linger). */
    private boolean lingerWanted;
    /** Aborts a close that cannot flush in time; armed only when a close has output to wait for. */
    private java.util.concurrent.ScheduledFuture<?> closeTimer;
    /** A drain was asked for; it runs (once, {@link #drained}) when the input already received was handed over. */
    private volatile boolean drainRequested;
    private boolean drained;
    volatile long lastActivity = System.nanoTime();
    volatile long nextTick;

    VThreadConnection(SocketChannel channel, VThreadGroup group) {
        this.channel = channel;
        this.group = group;
        this.handler = group.handler;
        this.pool = group.pool;
        this.out = new OutboundBuffer(pool);
        this.nextTick = lastActivity + group.tickNanos;
    }

    void start() {
        thread = Thread.ofVirtual().name("gannet-vthread-conn-", id).start(this);
    }

    @Override
    public void run() {
        ByteBuffer buf = null;
        try {
            if (!callback(() -> handler.onOpen(this))) return;
            if (afterOpen != null) afterOpen.run();
            buf = pool.acquire(BufferPool.MIN_CAPACITY);
            while (!closed && !closing && !inputClosed) {
                awaitReadable();
                if (closed || closing) break;
                if (redeliver && buf.position() > 0) {
                    // Input left unconsumed while paused goes back to the handler before anything new is read.
                    redeliver = false;
                    ByteBuffer data = buf.flip();
                    boolean keep = callback(() -> handler.onData(this, data));
                    buf.compact();
                    if (!keep) return;
                    continue;
                }
                redeliver = false;
                if (!buf.hasRemaining()) {
                    if (buf.capacity() >= MAX_INBOUND) throw new IOException("more than " + MAX_INBOUND + " bytes of input left unconsumed");
                    ByteBuffer bigger = pool.acquire(buf.capacity() * 2);
                    bigger.put(buf.flip());
                    pool.release(buf);
                    buf = bigger;
                }
                int n = channel.read(buf);
                if (n < 0) {
                    lock.lock();
                    try {
                        inputClosed = true;
                    } finally {
                        lock.unlock();
                    }
                    if (!callback(() -> handler.onEndOfInput(this))) return;
                    break;
                }
                lastActivity = System.nanoTime();
                group.stats.bytesRead.add(n);
                ByteBuffer data = buf.flip();
                boolean keep = callback(() -> handler.onData(this, data));
                buf.compact();
                if (!keep) return;
                if (drainRequested && !callback(this::drainOnceCaughtUp)) return;
            }
            awaitClose();
        } catch (IOException e) {
            if (closeCause == null && !closed) closeCause = e;
        } catch (Throwable t) {
            closeCause = t;
            LOG.log(System.Logger.Level.ERROR, "unexpected error on connection " + id, t);
        } finally {
            finish();
            if (buf != null) pool.release(buf);
        }
    }

    /** Waits while reading is paused by the user or by the high water mark. */
    private void awaitReadable() throws InterruptedException {
        lock.lock();
        try {
            while ((readPaused || !writable) && !closed && !closing) resumed.await();
        } finally {
            lock.unlock();
        }
    }

    /** After end of input with KEEP, or a requested close: wait until the output side is done too. */
    private void awaitClose() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && !closing) resumed.await();
            if (closing) flushLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Runs a handler callback under the lock, flushes, applies its action. Returns false once the connection is done. */
    boolean callback(java.util.function.Supplier<Action> cb) {
        lock.lock();
        try {
            if (closed) return false;
            Action a;
            inCallback = true;
            try {
                a = cb.get();
            } catch (Throwable t) {
                handlerFailed(t);
                a = Action.CLOSE;
            } finally {
                inCallback = false;
            }
            if (a == Action.SHUTDOWN) group.shutdownRequested();
            if (a != Action.KEEP) beginClosing();
            flushLocked();
            return !closed && !closing;
        } finally {
            lock.unlock();
        }
    }

    /** As on the nio engine: a protocol error closes after the flush, any other exception resets. */
    private void handlerFailed(Throwable t) {
        if (t instanceof IOException) {
            if (closeCause == null) closeCause = t;
            beginClosing();
        } else {
            group.stats.handlerErrors.increment();
            CloseLog.handlerFailed(id, t);
            handlerBug = t;
            abort(t);
        }
    }

    private void flushLocked() {
        if (closed) return;
        try {
            // A blocking gathering write may return after part of its buffers (a virtual thread parks only while
            // nothing at all can be written): write until everything went, or the channel fails.
            while (!out.isEmpty()) {
                long n = out.writeTo(channel);
                if (n == 0) throw new java.io.EOFException("a file ended before the region queued from it");
                group.stats.bytesWritten.add(n);
                lastActivity = System.nanoTime();
            }
            if (outputShutdownRequested && channel.isOpen()) channel.shutdownOutput();
            if (!writable) {
                writable = true;
                redeliver = true;
                resumed.signalAll();
                handler.onWritabilityChanged(this, true);
            }
            if (closing) {
                closed = true;
                if (closeTimer != null) closeTimer.cancel(false);
                // Unread input would turn a close into a reset: shut the output down and let the reader discard it.
                if (!inputClosed && channel.isOpen()) {
                    lingerWanted = true;
                    channel.shutdownOutput();
                    // The reader lingers once its read returns; one waiting for a peer that sends nothing is ended.
                    if (Thread.currentThread() != thread) {
                        VThreadEngine.SCHEDULER.schedule(this::closeChannel, group.lingerNanos,
                                java.util.concurrent.TimeUnit.NANOSECONDS);
                    }
                } else {
                    channel.close();
                }
                resumed.signalAll();
            }
        } catch (IOException e) {
            abort(e);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    private void finish() {
        ConnectionEvent.closed(VThreadEngine.NAME, this, openedAt, closeCause);
        lock.lock();
        try {
            closed = true;
            out.release();
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
        boolean linger = lingerWanted && !inputClosed && channel.isOpen();
        if (!linger) closeChannel();
        ConnectionGroup.notifyClosed(handler, group.stats, this, closeCause, handlerBug);
        if (linger) {
            discardInput();
            closeChannel();
        }
        group.closed(this);
    }

    /** Sets the close going; a close with output to flush gets a deadline, past which it is reset. */
    private void beginClosing() {
        if (closing) return;
        closing = true;
        if (!out.isEmpty() && closeTimer == null) {
            closeTimer = VThreadEngine.SCHEDULER.schedule(() -> {
                if (!closed) abort(ConnectionGroup.closeTimedOut(group.stats, group.closeTimeoutLog, group.closeNanos,
                        this, out.pending()));
            }, group.closeNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Reads and drops input until the peer ends it, or the linger time passes. Then a plain close: what the kernel
     * still holds for a slow reader goes on to it.
     */
    private void discardInput() {
        long deadline = System.nanoTime() + group.lingerNanos;
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

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void afterAppend() {
        if (inCallback && lock.isHeldByCurrentThread()) {
            if (writable && out.pending() > group.highWaterMark) {
                writable = false;
                handler.onWritabilityChanged(this, false);
            }
            return;
        }
        flushLocked();
    }

    @Override
    public void write(ByteBuffer src) {
        lock.lock();
        try {
            if (closed || outputShutdownRequested) {
                src.position(src.limit());
                return;
            }
            out.append(src);
            afterAppend();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(byte[] src, int offset, int length) {
        lock.lock();
        try {
            if (closed || outputShutdownRequested) return;
            out.append(src, offset, length);
            afterAppend();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sendFile(FileChannel file, long position, long count, Runnable onSent) {
        lock.lock();
        try {
            if (closed || outputShutdownRequested) {
                if (onSent != null) onSent.run();
                return;
            }
            out.appendFile(file, position, count, onSent);
            afterAppend();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        lock.lock();
        try {
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public long pendingOutputBytes() {
        lock.lock();
        try {
            return out.pending();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void pauseReading() {
        lock.lock();
        try {
            readPaused = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void resumeReading() {
        lock.lock();
        try {
            readPaused = false;
            redeliver = true;
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed || closing) return;
            beginClosing();
            resumed.signalAll();
            if (!inCallback) flushLocked();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close(Throwable cause) {
        lock.lock();
        try {
            if (closed || closing) return;
            if (closeCause == null) closeCause = cause;
            close();
        } finally {
            lock.unlock();
        }
    }

    /** Closes without taking the lock, so it also interrupts a read or write that is blocked. */
    @Override
    public void abort(Throwable cause) {
        if (closed) return;
        if (closeCause == null) closeCause = cause;
        closed = true;
        try {
            if (channel.isOpen()) channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is gone either way
        }
        if (lock.tryLock()) {
            try {
                resumed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void shutdownOutput() {
        lock.lock();
        try {
            if (closed || outputShutdownRequested) return;
            outputShutdownRequested = true;
            if (!inCallback) flushLocked();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        return !closed;
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
            if (!open) tasks.clear();
        } while (!tasks.isEmpty() && tasksScheduled.compareAndSet(false, true));
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        var f = VThreadEngine.SCHEDULER.schedule(() -> execute(task), delay.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    /** Idle timeout and ticks, called by the group's sweeper. */
    void sweep(long now) {
        if (closed) return;
        if (group.idleNanos > 0 && now - lastActivity >= group.idleNanos) {
            group.stats.idleTimeouts.increment();
            abort(new IdleTimeoutException(Duration.ofNanos(group.idleNanos)));
            return;
        }
        if (group.tickNanos > 0 && now - nextTick >= 0) {
            nextTick = now + group.tickNanos;
            Thread.ofVirtual().start(() -> callback(() -> handler.onTick(this)));
        }
    }

    void drain() {
        drainRequested = true;
        Thread.ofVirtual().start(() -> callback(this::drainOnceCaughtUp));
    }

    /**
     * Calls onDrain once the handler has what the peer already sent: while input waits in the socket (a request sent
     * before the shutdown) the reader hands it over first, and drains after that delivery.
     */
    private Action drainOnceCaughtUp() {
        if (drained) return Action.KEEP;
        if (!readPaused && writable && !inputClosed && inputWaiting()) return Action.KEEP;
        drained = true;
        return handler.onDrain(this);
    }

    private boolean inputWaiting() {
        try {
            return channel.socket().getInputStream().available() > 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "vthread#" + id + (closed ? " closed" : "") + " " + remoteAddress();
    }
}
