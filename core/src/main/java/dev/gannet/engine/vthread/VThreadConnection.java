package dev.gannet.engine.vthread;

import dev.gannet.buffer.BufferPool;
import dev.gannet.buffer.OutboundBuffer;
import dev.gannet.engine.internal.CloseLog;
import dev.gannet.engine.internal.ConnectionGroup;
import dev.gannet.engine.internal.ConnectionEvent;
import dev.gannet.transport.Action;
import dev.gannet.transport.Handler;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A connection served by its own virtual thread with blocking reads and writes. Handler callbacks run under the
 * connection's lock, so callbacks triggered from other threads (tasks, ticks, drain) never overlap the reader's.
 * Output queued during a callback is flushed when it returns, with a blocking write: a peer that does not read
 * blocks the thread that flushes, which is the backpressure of this engine.
 *
 * <p>Once the socket is full, that flusher writes the rest with the lock let go (unless it flushes from inside a
 * callback), so that tasks, ticks and closes still run, and see the queue grow: a slow consumer is found, and a
 * close meets its deadline. {@link #abort} needs no lock: it closes the channel, which fails a blocked write, and
 * the queue is freed only once the writer has let go of it. A close asked for from another thread while the lock is
 * held arms its deadline first and hands the rest to a task. Tasks given to {@link #execute} always run, even once
 * the connection closed, as they do on an event loop: one may hold a file for {@link #sendFile}.
 */
final class VThreadConnection extends VThreadChannelConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(VThreadConnection.class.getName());
    static final int MAX_INBOUND = 64 * 1024 * 1024;
    /** How soon a drain that found the reader busy looks again (only while a server drains). */
    private static final long DRAIN_RECHECK_NANOS = 5_000_000;

    private final VThreadGroup group;
    private final Handler handler;
    private final BufferPool pool;
    /** What callbacks queue. Swapped with {@link #sending} (under the lock) when a write cannot go on at once. */
    private OutboundBuffer out;
    /** What a flusher writes with the lock let go ({@link #writeUnlocked}); made on the first such write. */
    private OutboundBuffer sending;
    /** A flusher is writing {@link #sending} without the lock; others leave their output to it. */
    private boolean flushing;
    /** Runs once onOpen returned KEEP; a client uses it to complete its connect future. */
    Runnable afterOpen;
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
    /** Aborts a close that cannot flush in time; armed once (see {@link #armCloseDeadline}). */
    private volatile java.util.concurrent.ScheduledFuture<?> closeTimer;
    /** Output still queued when the close deadline was last armed: less at the deadline means the peer reads. */
    private volatile long closePending;
    /** Set by the sweeper while a tick waits for the lock: a write stuck for minutes must not pile up tick threads. */
    private volatile boolean tickRunning;
    /** A drain was asked for; it runs (once, {@link #drained}) when the input already received was handed over. */
    private volatile boolean drainRequested;
    private boolean drained;
    volatile long lastActivity = System.nanoTime();
    volatile long nextTick;

    VThreadConnection(SocketChannel channel, VThreadGroup group) {
        super(channel, group.stats);
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
            boolean open = callback(() -> handler.onOpen(this));
            // A client's connect completes after onOpen whatever it returned, as on nio: a caller waits on it.
            if (afterOpen != null) afterOpen.run();
            if (!open) return;
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
    @Override
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
        flushLocked(false);
    }

    /**
     * Writes what is queued. A blocking gathering write may return after part of its buffers (a virtual thread parks
     * only while nothing at all can be written): then the socket is full, and unless this runs inside a callback,
     * the rest is written with the lock let go ({@link #writeUnlocked}).
     *
     * @param mayWait whether a caller outside any callback (an application thread's write) waits for a flush under
     *                way, as it would wait in the write itself: that wait is this engine's backpressure
     */
    private void flushLocked(boolean mayWait) {
        if (closed) return;
        try {
            if (flushing) {
                // The flusher under way takes this output too, and closes or shuts down if asked meanwhile.
                if (!mayWait || inCallback || lock.getHoldCount() != 1) return;
                while (flushing && !closed) resumed.awaitUninterruptibly();
                if (closed) return;
            }
            while (!out.isEmpty()) {
                writeSome(out);
                if (!out.isEmpty() && !inCallback && lock.getHoldCount() == 1) {
                    writeUnlocked();
                    if (closed) return;
                }
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
                var timer = closeTimer;
                if (timer != null) timer.cancel(false);
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

    /**
     * One write of what {@code q} holds. A file's transfer (sendfile) does not park a virtual thread: once the socket
     * is full it sends nothing, and the file's next bytes then go as a chunk, whose write parks until the peer reads.
     */
    private void writeSome(OutboundBuffer q) throws IOException {
        long n = q.writeTo(channel);
        if (n == 0) {
            // Throws if the file really ended before its region did.
            if (q.headIsFile()) q.fileToChunk();
            else throw new java.io.EOFException("nothing could be written");
            return;
        }
        group.stats.bytesWritten.add(n);
        lastActivity = System.nanoTime();
    }

    /**
     * Writes the rest with the lock let go, so that while a peer does not read, tasks, ticks and closes still run on
     * this connection: they queue into a fresh {@link #out}, which this flusher takes in turn. Returns with the lock
     * held again; a failed write is thrown once it is, and what it did not send stays in {@link #sending} for
     * {@link #finish} (which waits for this flusher before it frees anything).
     */
    private void writeUnlocked() throws IOException {
        flushing = true;
        try {
            do {
                OutboundBuffer batch = out;
                out = sending != null ? sending : new OutboundBuffer(pool);
                sending = batch;
                lock.unlock();
                try {
                    while (!batch.isEmpty()) writeSome(batch);
                } finally {
                    lock.lock();
                }
            } while (!out.isEmpty() && !closed);
        } finally {
            flushing = false;
            resumed.signalAll();
            runDoneLater();
        }
    }

    private void finish() {
        ConnectionEvent.closed(VThreadEngine.NAME, this, openedAt, closeCause);
        lock.lock();
        try {
            // A flusher without the lock still uses the queue's chunks; its write ends (sent, or failed by a close).
            while (flushing) resumed.awaitUninterruptibly();
            closed = true;
            out.release();
            if (sending != null) sending.release();
            resumed.signalAll();
        } finally {
            lock.unlock();
        }
        boolean linger = lingerWanted && !inputClosed && channel.isOpen();
        if (!linger) closeChannel();
        ConnectionGroup.notifyClosed(handler, group.stats, this, closeCause, handlerBug);
        if (linger) {
            discardInput(group.lingerNanos);
            closeChannel();
        }
        group.closed(this);
    }

    /** Sets the close going; a close with output to flush gets a deadline, past which it is reset. */
    private void beginClosing() {
        if (closing) return;
        closing = true;
        if (!out.isEmpty() || flushing) armCloseDeadline();
    }

    /**
     * Arms the close deadline once, with or without the lock: from {@link #beginClosing}, or from {@link #close}
     * asked for by another thread while the lock is held (perhaps by a write that cannot go on), which must not
     * wait for that write to start the clock.
     */
    private void armCloseDeadline() {
        if (!claimCloseDeadline()) return;
        closePending = pendingOutputBytes();
        closeTimer = VThreadEngine.SCHEDULER.schedule(this::closeDeadlinePassed, group.closeNanos,
                java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** On the timer thread, which never waits for the lock: a holder may be blocked in a write for good. */
    private void closeDeadlinePassed() {
        if (closed) return;
        if (lock.tryLock()) {
            try {
                if (closed) return;
                if (!closing) {
                    // Asked for from elsewhere while the lock was busy; its task has not run yet, but nothing
                    // blocks now. It arms a deadline of its own if its flush has to wait.
                    releaseCloseDeadline();
                    return;
                }
                if (out.isEmpty() && !flushing) return;
            } finally {
                lock.unlock();
            }
        }
        // Counted from the last progress (a gathering write of up to a megabyte): a slow, live reader is not cut off.
        long pending = pendingOutputBytes();
        if (pending < closePending) {
            closePending = pending;
            closeTimer = VThreadEngine.SCHEDULER.schedule(this::closeDeadlinePassed, group.closeNanos,
                    java.util.concurrent.TimeUnit.NANOSECONDS);
            return;
        }
        // Still held past the deadline: by a write the peer does not take (or a callback that runs that long).
        abort(ConnectionGroup.closeTimedOut(group.stats, group.closeTimeoutLog, group.closeNanos, this,
                pendingOutputBytes()));
    }

    private void afterAppend() {
        if (inCallback && lock.isHeldByCurrentThread()) {
            if (writable && pendingOutputBytes() > group.highWaterMark) {
                writable = false;
                handler.onWritabilityChanged(this, false);
            }
            return;
        }
        flushLocked(true);
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
            out.appendFile(file, position, count, onOwner(onSent));
            afterAppend();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() {
        lock.lock();
        try {
            flushLocked(true);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    /**
     * Read without the lock (as on nio, from other threads): it never waits for a stuck write, and while a flusher
     * writes without the lock the count is close, not exact.
     */
    @Override
    public long pendingOutputBytes() {
        OutboundBuffer s = sending;
        return out.pending() + (s == null ? 0 : s.pending());
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
        if (closed) return;
        if (!lock.tryLock()) {
            // Another thread holds the lock, maybe in a write the peer does not take: start the clock now, and
            // close once the lock is free (or the deadline aborts, which frees it).
            armCloseDeadline();
            execute(this::close);
            return;
        }
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
        if (closed) return;
        if (!lock.tryLock()) {
            armCloseDeadline();
            execute(() -> close(cause));
            return;
        }
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
        } else {
            // The holder (a write failing now) does not signal: the connection's thread may wait for input to be
            // wanted again, and must learn that it is closed once the lock is free.
            Thread.ofVirtual().start(this::wakeWaiters);
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

    /** Idle timeout and ticks, called by the group's sweeper. */
    void sweep(long now) {
        if (closed) return;
        if (group.idleNanos > 0 && now - lastActivity >= group.idleNanos) {
            group.stats.idleTimeouts.increment();
            abort(new IdleTimeoutException(Duration.ofNanos(group.idleNanos)));
            return;
        }
        if (group.tickNanos > 0 && now - nextTick >= 0 && !tickRunning) {
            nextTick = now + group.tickNanos;
            tickRunning = true;
            Thread.ofVirtual().start(() -> {
                try {
                    callback(() -> handler.onTick(this));
                } finally {
                    tickRunning = false;
                }
            });
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
        if (!readPaused && writable && !inputClosed) {
            if (inputWaiting()) return Action.KEEP;
            if (Thread.currentThread() != thread && readerBusy()) {
                // Its read may have just taken input out of the socket, not handed over yet: ask again shortly.
                VThreadEngine.SCHEDULER.schedule(() -> Thread.ofVirtual().start(() -> callback(this::drainOnceCaughtUp)),
                        DRAIN_RECHECK_NANOS, java.util.concurrent.TimeUnit.NANOSECONDS);
                return Action.KEEP;
            }
        }
        drained = true;
        return handler.onDrain(this);
    }

    @Override
    public String toString() {
        return "vthread#" + id + (closed ? " closed" : "") + " " + remoteAddress();
    }
}
