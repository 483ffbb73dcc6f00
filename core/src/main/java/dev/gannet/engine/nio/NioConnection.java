package dev.gannet.engine.nio;

import dev.gannet.engine.internal.ConnectionGroup;
import dev.gannet.buffer.OutboundBuffer;
import dev.gannet.engine.internal.CloseLog;
import dev.gannet.engine.internal.ConnectionEvent;
import dev.gannet.engine.internal.LoopTimer;
import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.NativeSocketOptions;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A connection owned by one {@link NioLoop}. Every field is touched by the loop thread only; public methods
 * called from elsewhere re-enter through {@link NioLoop#execute}.
 */
final class NioConnection extends NioChannelConnection implements Poller.Selectable {
    /** Unconsumed input beyond this closes the connection: a handler that never consumes must not eat the heap. */
    static final int MAX_INBOUND = 64 * 1024 * 1024;

    private final long openedAt = System.nanoTime();
    /** Where output goes: straight to the descriptor through {@link SocketIo} when available, else the channel. */
    private final GatheringByteChannel sink;
    private final int fd;
    private final ConnectionGroup group;
    private final Handler handler;
    private final OutboundBuffer out;
    private Poller.Key key;
    private ByteBuffer inbound;
    private int interest = -1;
    private boolean writable = true;
    private boolean readPaused;
    private boolean inputClosed;
    private boolean closing;
    private boolean outputShutdownRequested;
    private boolean flushQueued;
    private boolean closed;
    /** Closed for the handler, output shut down, input read and discarded until the peer's end or the deadline. */
    private boolean lingering;
    /** Output still queued when the close deadline was last armed: less at the deadline means the peer reads. */
    private long closePending;
    private boolean released;
    /** Ends a close that takes longer than the group's close timeout; armed only when a close has to wait. */
    private LoopTimer closeTimer;
    /** Why a close that waits for the flush was started, reported to onClose when it completes. */
    private Throwable closeCause;
    /** A handler exception already logged with its stack, so the close does not log it again. */
    private Throwable handlerBug;
    private long lastActivity;
    private long nextTick;
    NioConnection prev;
    NioConnection next;

    NioConnection(NioLoop loop, SocketChannel channel, ConnectionGroup group) {
        super(loop, channel);
        this.group = group;
        this.handler = group.handler;
        this.out = new OutboundBuffer(loop.pool);
        this.fd = loop.io != null ? NativeSocketOptions.fd(channel) : -1;
        this.sink = fd >= 0 ? new DescriptorSink(loop.io, fd, channel) : channel;
    }

    /** Registers with the loop's poller and calls {@link Handler#onOpen}. Runs on the loop. */
    void open(Poller.Key existingKey) throws IOException {
        key = existingKey != null ? existingKey : loop.poller.register(channel, 0, this);
        key.attach(this);
        lastActivity = loop.now;
        nextTick = loop.now + group.tickNanos;
        loop.add(this, group.sweepNanos());
        updateInterest();
        group.opened(this);
        callback(ON_OPEN);
    }

    private static final int ON_OPEN = 0, ON_END_OF_INPUT = 1, ON_TICK = 2, ON_DRAIN = 3;

    /**
     * Runs one of the handler's Action-returning callbacks and applies its answer; a throw closes the connection.
     * A switch rather than a lambda per call keeps the tick sweep over every connection free of allocation.
     */
    private void callback(int which) {
        Action a;
        try {
            a = switch (which) {
                case ON_OPEN -> handler.onOpen(this);
                case ON_END_OF_INPUT -> handler.onEndOfInput(this);
                case ON_TICK -> handler.onTick(this);
                default -> handler.onDrain(this);
            };
        } catch (Throwable t) {
            handlerFailed(t);
            return;
        }
        apply(a);
    }

    @Override
    public void ready(int ops) {
        if (lingering) {
            discardInput();
            return;
        }
        if ((ops & Poller.WRITE) != 0) flushFromLoop();
        if ((ops & Poller.READ) != 0 && !closed) {
            read();
            // Flushing now rather than at the end of the turn hands the chunk back to the pool at once, so
            // a turn that serves a thousand connections reuses one chunk instead of holding a thousand.
            if (flushQueued) flushFromLoop();
        }
    }

    private void read() {
        // Reading again while the socket fills the buffer, up to a bound, keeps one busy peer from starving the rest.
        for (int i = 0; i < 16 && wantsRead(); i++) {
            ByteBuffer buf = inbound;
            boolean shared = buf == null;
            if (shared) {
                buf = loop.readBuffer.clear();
            } else if (!buf.hasRemaining()) {
                if (buf.capacity() >= MAX_INBOUND) {
                    abort(new IOException("more than " + MAX_INBOUND + " bytes of input left unconsumed"));
                    return;
                }
                buf = inbound = loop.pool.grow(buf);
            }
            int n;
            try {
                n = fd >= 0 ? loop.io.read(fd, buf) : channel.read(buf);
            } catch (IOException e) {
                abort(e);
                return;
            }
            if (n <= 0) {
                if (n < 0) endOfInput();
                return;
            }
            lastActivity = loop.now;
            group.stats.bytesRead.add(n);
            buf.flip();
            Action a;
            try {
                a = handler.onData(this, buf);
            } catch (Throwable t) {
                handlerFailed(t);
                return;
            }
            keepLeftover(buf, shared);
            if (a != Action.KEEP) {
                apply(a);
                return;
            }
            if (buf.limit() < buf.capacity()) return;
        }
    }

    private void keepLeftover(ByteBuffer buf, boolean shared) {
        if (closed) return;
        if (buf.hasRemaining()) {
            if (shared) {
                inbound = loop.pool.acquire(Math.max(buf.remaining() * 2, 4096));
                inbound.put(buf);
            } else {
                buf.compact();
            }
        } else if (!shared) {
            loop.pool.release(buf);
            inbound = null;
        }
    }

    private void endOfInput() {
        inputClosed = true;
        updateInterest();
        callback(ON_END_OF_INPUT);
    }

    private boolean wantsRead() {
        return !closed && !closing && !inputClosed && !readPaused && writable;
    }

    private void updateInterest() {
        if (closed || !key.isValid()) return;
        int ops = (wantsRead() ? Poller.READ : 0) | (out.isEmpty() ? 0 : Poller.WRITE);
        if (ops != interest) {
            interest = ops;
            key.interestOps(ops);
        }
    }

    void apply(Action a) {
        switch (a) {
            case KEEP -> { }
            case CLOSE -> close();
            case SHUTDOWN -> {
                close();
                group.shutdownRequested();
            }
        }
    }

    /**
     * A protocol error (an IOException from the handler, such as a codec or TLS error) closes after flushing, so an
     * error reply the handler queued (a 400, a TLS alert) reaches the peer; any other exception is a bug and resets.
     */
    private void handlerFailed(Throwable t) {
        if (t instanceof IOException) {
            // Closing stops the reads; input that follows is discarded by the close's linger, not left to reset.
            closeCause = t;
            close();
        } else {
            group.stats.handlerErrors.increment();
            CloseLog.handlerFailed(id, t);
            handlerBug = t;
            abort(t);
        }
    }

    @Override
    public void write(ByteBuffer src) {
        if (!loop.inLoop()) {
            ByteBuffer copy = ByteBuffer.allocate(src.remaining()).put(src).flip();
            loop.execute(() -> write(copy));
            return;
        }
        if (closed || outputShutdownRequested) {
            src.position(src.limit());
            return;
        }
        out.append(src);
        afterAppend();
    }

    @Override
    public void write(byte[] src, int offset, int length) {
        if (!loop.inLoop()) {
            write(ByteBuffer.wrap(src, offset, length));
            return;
        }
        if (closed || outputShutdownRequested) return;
        out.append(src, offset, length);
        afterAppend();
    }

    @Override
    public void sendFile(FileChannel file, long position, long count, Runnable onSent) {
        if (!loop.inLoop()) {
            loop.execute(() -> sendFile(file, position, count, onSent));
            return;
        }
        if (closed || outputShutdownRequested) {
            if (onSent != null) onSent.run();
            return;
        }
        out.appendFile(file, position, count, onSent);
        afterAppend();
    }

    private void afterAppend() {
        if (!flushQueued) {
            flushQueued = true;
            loop.flushLater(this);
        }
        if (writable && out.pending() > group.highWaterMark) {
            writable = false;
            updateInterest();
            notifyWritability(false);
        }
    }

    @Override
    public void flush() {
        if (!loop.inLoop()) loop.execute(this::flushFromLoop);
        else flushFromLoop();
    }

    /** Writes what the socket takes now; the rest waits for OP_WRITE. */
    void flushFromLoop() {
        flushQueued = false;
        if (closed) return;
        if (!out.isEmpty()) {
            long n;
            try {
                n = out.writeTo(sink, channel);
            } catch (IOException e) {
                abort(e);
                return;
            }
            if (n > 0) {
                group.stats.bytesWritten.add(n);
                lastActivity = loop.now;
            }
        }
        if (out.isEmpty()) {
            if (closing) {
                flushedForClose();
                return;
            }
            if (outputShutdownRequested && channel.isConnected()) {
                try {
                    channel.shutdownOutput();
                } catch (IOException e) {
                    abort(e);
                    return;
                }
            }
        }
        updateInterest();
        if (!writable && out.pending() <= group.lowWaterMark) {
            writable = true;
            updateInterest();
            notifyWritability(true);
            redeliverLater();
        }
    }

    private void notifyWritability(boolean w) {
        try {
            handler.onWritabilityChanged(this, w);
        } catch (Throwable t) {
            handlerFailed(t);
        }
    }

    @Override
    public boolean isWritable() {
        return writable;
    }

    @Override
    public long pendingOutputBytes() {
        return out.pending();
    }

    @Override
    public void pauseReading() {
        if (!loop.inLoop()) {
            loop.execute(this::pauseReading);
            return;
        }
        readPaused = true;
        updateInterest();
    }

    @Override
    public void resumeReading() {
        if (!loop.inLoop()) {
            loop.execute(this::resumeReading);
            return;
        }
        readPaused = false;
        updateInterest();
        redeliverLater();
    }

    /**
     * Input a handler left unconsumed while reading was paused is handed back once reading resumes, even if the peer
     * sends nothing more (it may be waiting for the answer to what it already sent, as a pipelining client is). Done
     * as a task so that a handler calling resumeReading() is not re-entered.
     */
    private void redeliverLater() {
        if (inbound != null && inbound.position() > 0 && wantsRead()) loop.execute(this::redeliver);
    }

    private void redeliver() {
        if (inbound == null || inbound.position() == 0 || !wantsRead()) return;
        ByteBuffer buf = inbound.flip();
        Action a;
        try {
            a = handler.onData(this, buf);
        } catch (Throwable t) {
            handlerFailed(t);
            return;
        }
        keepLeftover(buf, false);
        apply(a);
        if (flushQueued) flushFromLoop();
    }

    @Override
    public void close() {
        if (!loop.inLoop()) {
            loop.execute(this::close);
            return;
        }
        if (closed || closing) return;
        closing = true;
        if (out.isEmpty()) {
            flushedForClose();
        } else {
            closePending = out.pending();
            closeTimer = loop.schedule(this::closeExpired, group.closeNanos);
            updateInterest();
        }
    }

    /**
     * Everything queued went out: close, after a linger when the peer may still send. Closing a socket with unread
     * input makes the kernel send a reset, which can destroy the response the peer has not read yet; so the output
     * side is shut down (FIN) and input read and thrown away until the peer ends it too, or the deadline passes.
     */
    private void flushedForClose() {
        if (inputClosed || !channel.isConnected()) {
            closeNow(closeCause);
            return;
        }
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            closeNow(closeCause);
            return;
        }
        lingering = true;
        if (closeTimer != null) closeTimer.cancel();
        closeTimer = loop.schedule(this::closeExpired, group.lingerNanos);
        closeNow(closeCause);
        // Level-triggered: input already waiting is reported on the next poll (not read here: a handler that
        // closed from inside onData may still be reading the loop's shared read buffer).
        if (key.isValid()) key.interestOps(interest = Poller.READ);
    }

    private void discardInput() {
        for (int i = 0; i < 16; i++) {
            int n;
            try {
                n = fd >= 0 ? loop.io.read(fd, loop.readBuffer.clear()) : channel.read(loop.readBuffer.clear());
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                release();
                return;
            }
            if (n == 0) return;
        }
    }

    /**
     * The close deadline passed: output still queued is dropped with a reset. A linger's deadline ends in a plain
     * close: what the kernel still holds for a slow reader goes on to it.
     */
    private void closeExpired() {
        closeTimer = null;
        if (lingering) {
            release();
        } else if (closing && !closed) {
            // The deadline counts from the last progress: a slow reader that still takes bytes is not cut off.
            if (out.pending() < closePending) {
                closePending = out.pending();
                closeTimer = loop.schedule(this::closeExpired, group.closeNanos);
            } else {
                abort(group.closeTimedOut(this, out.pending()));
            }
        }
    }

    @Override
    public void close(Throwable cause) {
        if (!loop.inLoop()) {
            loop.execute(() -> close(cause));
            return;
        }
        if (closed || closing) return;
        if (closeCause == null) closeCause = cause;
        close();
    }

    @Override
    public void abort(Throwable cause) {
        if (!loop.inLoop()) {
            loop.execute(() -> abort(cause));
            return;
        }
        if (closed) {
            if (lingering) release();
            return;
        }
        resetOnClose();
        closeNow(cause);
    }

    private void resetOnClose() {
        try {
            if (channel.isOpen()) channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException ignored) {
            // a reset is best effort; the close is what matters
        }
    }

    @Override
    public void shutdownOutput() {
        if (!loop.inLoop()) {
            loop.execute(this::shutdownOutput);
            return;
        }
        if (closed || outputShutdownRequested) return;
        outputShutdownRequested = true;
        if (!flushQueued) {
            flushQueued = true;
            loop.flushLater(this);
        }
    }

    /** Closed for the handler: what the connection holds goes back at once; the socket too, unless lingering. */
    private void closeNow(Throwable cause) {
        if (closed) return;
        ConnectionEvent.closed(NioEngine.NAME, this, openedAt, cause);
        closed = true;
        out.release();
        if (inbound != null) {
            loop.pool.release(inbound);
            inbound = null;
        }
        if (!lingering) release();
        group.notifyClosed(this, cause, handlerBug);
    }

    /** Gives the socket back; the group (and a draining server) counts the connection gone only now. */
    private void release() {
        if (released) return;
        released = true;
        lingering = false;
        if (closeTimer != null) {
            closeTimer.cancel();
            closeTimer = null;
        }
        if (key != null) key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is gone either way
        }
        loop.remove(this);
        group.closed(this);
    }

    /** Called by the loop's sweep: idle timeout and ticks. */
    void sweep(long now) {
        if (closed) return;
        if (group.idleNanos > 0 && now - lastActivity >= group.idleNanos) {
            group.stats.idleTimeouts.increment();
            abort(new IdleTimeoutException(Duration.ofNanos(group.idleNanos)));
            return;
        }
        if (group.tickNanos > 0 && now - nextTick >= 0) {
            nextTick = now + group.tickNanos;
            callback(ON_TICK);
        }
    }

    /**
     * Graceful shutdown: first hand the handler what the peer already sent (a request waiting in the socket must be
     * answered, not reset), then ask it to close or finish.
     */
    void drain() {
        if (!closed && wantsRead()) read();
        if (!closed && !closing) callback(ON_DRAIN);
    }

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public long eventTime() {
        long t = loop.watch.busySince;
        return t != 0 && loop.inLoop() ? t : System.nanoTime();
    }

    @Override
    public String toString() {
        return "nio#" + id + (closed ? " closed" : "") + " " + remoteAddress();
    }
}
