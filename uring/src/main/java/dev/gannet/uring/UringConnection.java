package dev.gannet.uring;

import dev.gannet.buffer.OutboundBuffer;
import dev.gannet.engine.internal.CloseLog;
import dev.gannet.engine.internal.ConnectionGroup;
import dev.gannet.engine.internal.ConnectionEvent;
import dev.gannet.transport.Action;
import dev.gannet.transport.Handler;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;

/**
 * A connection on an io_uring loop. Input comes from one multishot receive that picks buffers from the loop's
 * buffer ring; output goes out as one send (or gathering sendmsg) at a time from the outbound buffer. Every field
 * is the loop thread's; public methods called elsewhere re-enter through the loop.
 *
 * <p>Memory safety under cancellation: the kernel reads a send's chunks until its completion arrives, so the
 * chunks go back to the pool only then; and the descriptor is closed, and the slot freed, only when every
 * operation on it has completed (a close cancels the receive and waits for the send).
 */
final class UringConnection extends UringChannelConnection implements UringLoop.Owner {
    static final int MAX_INBOUND = 64 * 1024 * 1024;
    private static final int MAX_GATHER = UringLoop.SendScratch.IOV;
    private static final int REDELIVERY = 64 * 1024;
    private static final int FILE_PIECE = 1024 * 1024;
    /** Files up to this size are copied into a chunk rather than mapped: mapping costs more than the copy. */
    private static final int SMALL_FILE = 64 * 1024;

    private final long openedAt = System.nanoTime();
    private final int slot;
    /** What the ring's operations name: the slot in the loop's registered file table, or the descriptor. */
    private final int target;
    private final int fileFlag;
    private final ConnectionGroup group;
    private final Handler handler;
    private final OutboundBuffer out;
    private final ByteBuffer[] gather = new ByteBuffer[MAX_GATHER];
    private final long[] addresses = new long[MAX_GATHER];
    private ByteBuffer inbound;
    private boolean writable = true;
    private boolean readPaused;
    private boolean inputClosed;
    private boolean closing;
    private boolean outputShutdownRequested;
    private boolean outputShut;
    private boolean flushQueued;
    private boolean closed;
    private boolean recvArmed;
    private boolean recvStarved;
    /** Cancels submitted whose completions have not come. */
    private int cancels;
    /** Completions still to come for the send in flight (a zero-copy send has two). */
    private int sendInFlight;
    /** The mapping of the file piece being sent, closed (unmapped) when the kernel is done with it. */
    private java.lang.foreign.Arena mapped;
    /** 0 until decided, then 1 if files go out with SEND_ZC, -1 if not. */
    private int zeroCopy;
    /** Closed for the handler, output shut down, input received and dropped until the peer's end or the deadline. */
    private boolean lingering;
    /** Output still queued when the close deadline was last armed: less at the deadline means the peer reads. */
    private long closePending;
    /** Ends a close that takes longer than the group's close timeout; armed only when a close has to wait. */
    private dev.gannet.engine.internal.LoopTimer closeTimer;
    private Throwable closeCause;
    private Throwable handlerBug;
    private long lastActivity;
    private long nextTick;
    UringConnection prev;
    UringConnection next;

    UringConnection(UringLoop loop, int fd, ConnectionGroup group) {
        super(loop, fd);
        this.group = group;
        this.handler = group.handler;
        this.out = new OutboundBuffer(loop.pool);
        this.slot = loop.allocate(this);
        // A registered file spares the kernel a descriptor lookup (fget) on every send and receive.
        boolean fixed = loop.registerFile(slot, fd);
        this.target = fixed ? slot : fd;
        this.fileFlag = fixed ? Ring.SQE_FIXED_FILE : 0;
    }

    /** Whether sends and receives name the socket by its index in the loop's registered file table. */
    boolean usesRegisteredFile() {
        return fileFlag != 0;
    }

    /** Joins the loop, calls {@link Handler#onOpen} and starts receiving. Runs on the loop. */
    void open() {
        lastActivity = loop.now;
        nextTick = loop.now + group.tickNanos;
        loop.add(this, group.sweepNanos());
        group.opened(this);
        callback(ON_OPEN);
        updateReceive();
    }

    private static final int ON_OPEN = 0, ON_END_OF_INPUT = 1, ON_TICK = 2, ON_DRAIN = 3;

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

    // ---- completions ------------------------------------------------------------------------------------------

    @Override
    public void complete(int op, int res, int flags) {
        switch (op) {
            case UringLoop.OP_RECV -> received(res, flags);
            case UringLoop.OP_SEND -> sent(res, flags);
            case UringLoop.OP_CANCEL -> cancels--;
            case UringLoop.OP_FILES -> {
                // Only a failure has a completion (success is skipped); the operations on the slot then fail too.
                if (!closed) abort(Sockets.exception("register file", -res));
            }
            default -> { }
        }
        if (closed) releaseIfIdle();
    }

    private void received(int res, int flags) {
        if ((flags & Ring.CQE_F_MORE) == 0) recvArmed = false;
        if (lingering) {
            if (res > 0) loop.buffers.recycle(flags >>> 16);
            // More input, or the close's own cancel of the receive: keep discarding. The end, an error: done.
            if (res > 0 || res == -Sockets.ECANCELED) lingerReceive();
            else endLinger();
            return;
        }
        if (res > 0) {
            ByteBuffer data = loop.buffers.filled(flags >>> 16, res);
            try {
                if (!closed) deliver(data);
            } finally {
                loop.buffers.recycle(flags >>> 16);
            }
        } else if (res == 0) {
            // With reading paused, or input kept that the handler has not been offered, the end of input waits:
            // the socket keeps reporting it, so the receive armed once that input is delivered sees it again,
            // after the bytes that came before it (as nio, which does not read while paused, sees it).
            if (!closed && wantsRead() && !inputPending) endOfInput();
        } else if (res == -Sockets.ENOBUFS) {
            // The buffer ring ran dry: try again once this turn has given buffers back.
            recvStarved = true;
            loop.recvStarved();
        } else if (res != -Sockets.ECANCELED && !closed) {
            abort(Sockets.exception("recv", -res));
            return;
        }
        if (!closed) updateReceive();
    }

    /** Hands newly received bytes to the handler, after any it left unconsumed, or keeps them while paused. */
    private void deliver(ByteBuffer data) {
        lastActivity = loop.now;
        group.stats.bytesRead.add(data.remaining());
        if (!wantsRead() || keptInput()) {
            append(data);
            if (!wantsRead()) inputPending = true;
            else redeliver();
            return;
        }
        Action a = offer(data);
        if (a == null) return;
        if (!closed && data.hasRemaining()) append(data);
        apply(a);
        if (flushQueued) flushFromLoop();
    }

    /** The handler's answer to {@code data}, or null if it threw (the connection is then closing). */
    private Action offer(ByteBuffer data) {
        try {
            return handler.onData(this, data);
        } catch (Throwable t) {
            handlerFailed(t);
            return null;
        }
    }

    private void append(ByteBuffer data) {
        int need = data.remaining();
        if (inbound == null) {
            inbound = loop.pool.acquire(Math.max(need * 2, 4096));
        } else if (inbound.remaining() < need) {
            if (inbound.position() + need > MAX_INBOUND) {
                abort(new IOException("more than " + MAX_INBOUND + " bytes of input left unconsumed"));
                return;
            }
            ByteBuffer bigger = loop.pool.acquire(Math.max(inbound.capacity() * 2, inbound.position() + need));
            bigger.put(inbound.flip());
            loop.pool.release(inbound);
            inbound = bigger;
        }
        inbound.put(data);
    }

    /**
     * Hands kept input to the handler, at most {@link #REDELIVERY} bytes at a time (a multishot receive may have
     * kept a lot while reading was off, and one read's worth is what a handler gets on the other engines too), or
     * all of it when the handler could not use a window's worth (a message larger than the window).
     */
    private void redeliver() {
        if (!keptInput() || !wantsRead()) return;
        ByteBuffer buf = inbound.flip();
        int end = buf.limit();
        int window = Math.min(end, REDELIVERY);
        buf.limit(window);
        Action a = offer(buf);
        if (a == null) return;
        if (a == Action.KEEP && window < end && buf.position() == 0 && inbound == buf && wantsRead()) {
            buf.limit(end);
            window = end;
            a = offer(buf);
            if (a == null) return;
        }
        if (!closed && inbound == buf) {
            buf.limit(end);
            if (buf.hasRemaining()) {
                buf.compact();
            } else {
                loop.pool.release(buf);
                inbound = null;
            }
        }
        inputPending = window < end && keptInput();
        apply(a);
        if (flushQueued) flushFromLoop();
        if (inputPending) redeliverLater();
        else updateReceive();
    }

    private void redeliverLater() {
        if (inbound != null && inbound.position() > 0 && wantsRead()) loop.execute(this::redeliver);
    }

    private void endOfInput() {
        inputClosed = true;
        callback(ON_END_OF_INPUT);
    }

    private boolean wantsRead() {
        return !closed && !closing && !inputClosed && !readPaused && writable;
    }

    /**
     * Arms the receive when input is wanted, or cancels it when not. Multishot while output is under the low water
     * mark; above it (a peer slow to read, say) one receive at a time, so backpressure stops input after one buffer
     * rather than after however many a multishot receive fills before its cancel lands. Not "while no output is
     * pending": a request/response connection re-arms just after writing its response, so that would turn every
     * later receive into a single shot, one more operation per request (TLS, whose handshake pauses reading, fell
     * into that).
     */
    private void updateReceive() {
        if (closed) return;
        try {
            if (wantsRead()) {
                // Input the handler has not seen goes to it first: receiving more meanwhile would only pile it up.
                if (!recvArmed && !recvStarved && !(inputPending && keptInput())) {
                    loop.ring.prep(Ring.OP_RECV, Ring.SQE_BUFFER_SELECT | fileFlag,
                            UringLoop.MULTISHOT_RECV && out.pending() <= group.lowWaterMark ? Ring.RECV_MULTISHOT : 0, target, 0, 0, 0, 0,
                            loop.userData(slot, UringLoop.OP_RECV), loop.buffers.group);
                    recvArmed = true;
                }
            } else if (recvArmed && cancels == 0) {
                cancelReceive();
            }
        } catch (IOException e) {
            abort(e);
        }
    }

    /** Whether {@link #inbound} holds input the handler has not been offered yet (rather than a partial message). */
    private boolean inputPending;

    private boolean keptInput() {
        return inbound != null && inbound.position() > 0;
    }

    private void cancelReceive() throws IOException {
        loop.ring.prep(Ring.OP_ASYNC_CANCEL, 0, 0, -1, 0, loop.userData(slot, UringLoop.OP_RECV), 0, 0,
                loop.userData(slot, UringLoop.OP_CANCEL), 0);
        cancels++;
    }

    void rearmIfStarved() {
        if (recvStarved) {
            recvStarved = false;
            updateReceive();
        }
    }

    private void sent(int res, int flags) {
        if ((flags & Ring.CQE_F_NOTIF) != 0) {
            // SEND_ZC's second completion: the kernel is done with the mapped pages.
            sendInFlight = 0;
            unmap();
            if (!closed) flushFromLoop();
            return;
        }
        boolean notificationFollows = (flags & Ring.CQE_F_MORE) != 0;
        sendInFlight = notificationFollows ? 1 : 0;
        if (res < 0) {
            if (!notificationFollows) unmap();
            if (!closed) abort(Sockets.exception("send", -res));
            return;
        }
        if (mapped != null) {
            out.fileSent(res);
            if (!notificationFollows) unmap();
        } else {
            out.sent(res);
        }
        group.stats.bytesWritten.add(res);
        lastActivity = loop.now;
        if (!closed && sendInFlight == 0) flushFromLoop();
    }

    // ---- output -----------------------------------------------------------------------------------------------

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
            updateReceive();
            notifyWritability(false);
        }
    }

    @Override
    public void flush() {
        if (!loop.inLoop()) loop.execute(this::flushFromLoop);
        else flushFromLoop();
    }

    /** Starts the next send if none is in flight; finishes a close or half-close once everything went. */
    void flushFromLoop() {
        flushQueued = false;
        if (closed || sendInFlight > 0) return;
        try {
            while (out.headIsFile()) {
                long left = out.headFileRemaining();
                if (left == 0) continue;
                if (left <= SMALL_FILE) {
                    out.fileToChunk();
                    break;
                }
                sendFilePiece();
                return;
            }
            if (!out.isEmpty()) {
                startSend();
                return;
            }
        } catch (IOException e) {
            abort(e);
            return;
        }
        if (closing) {
            flushedForClose();
            return;
        }
        if (outputShutdownRequested && !outputShut) {
            outputShut = true;
            try {
                Sockets.shutdown(fd, Sockets.SHUT_WR);
            } catch (IOException e) {
                abort(e);
                return;
            }
        }
        if (!writable && out.pending() <= group.lowWaterMark) {
            writable = true;
            updateReceive();
            notifyWritability(true);
            redeliverLater();
        }
    }

    /**
     * Sends a mapped piece of a file: from the page cache's pages, with no copy through Java. With SEND_ZC (off
     * loopback, where the kernel would copy anyway) not even the kernel copies; the pages stay mapped until its
     * notification completion.
     */
    private void sendFilePiece() throws IOException {
        mapped = java.lang.foreign.Arena.ofConfined();
        java.lang.foreign.MemorySegment piece = out.mapHeadFile(FILE_PIECE, mapped);
        boolean zc = zeroCopy();
        loop.ring.prep(zc ? Ring.OP_SEND_ZC : Ring.OP_SEND, fileFlag, 0, target, 0, piece.address(),
                (int) piece.byteSize(), Ring.MSG_NOSIGNAL, loop.userData(slot, UringLoop.OP_SEND), 0);
        sendInFlight = 1;
    }

    /** Unmaps the file piece once the kernel is done with it (its send, or SEND_ZC's notification, completed). */
    private void unmap() {
        if (mapped != null) {
            mapped.close();
            mapped = null;
        }
    }

    /** Whether files go out with SEND_ZC: on request, or by default where the peer is not on this host. */
    private boolean zeroCopy() {
        if (zeroCopy == 0) {
            boolean yes = loop.ring.supports(Ring.OP_SEND_ZC) && switch (UringLoop.sendZc()) {
                case "always" -> true;
                case "never" -> false;
                default -> remoteAddress() instanceof java.net.InetSocketAddress a && !a.getAddress().isLoopbackAddress();
            };
            zeroCopy = yes ? 1 : -1;
        }
        return zeroCopy > 0;
    }

    private void startSend() throws IOException {
        int n = out.leadingChunks(gather, MAX_GATHER);
        long userData = loop.userData(slot, UringLoop.OP_SEND);
        long msghdr = 0;
        for (int i = 0; i < n; i++) addresses[i] = Native.address(gather[i]);
        if (n > 1) msghdr = loop.scratch.msghdr(gather, n, addresses);
        if (msghdr != 0) {
            loop.ring.prep(Ring.OP_SENDMSG, fileFlag, 0, target, 0, msghdr, 0, Ring.MSG_NOSIGNAL, userData, 0);
        } else {
            loop.ring.prep(Ring.OP_SEND, fileFlag, 0, target, 0, addresses[0], gather[0].position(), Ring.MSG_NOSIGNAL,
                    userData, 0);
        }
        for (int i = 0; i < n; i++) gather[i] = null;
        sendInFlight = 1;
        // Over the low-water mark still: the handler hears "writable" only once the kernel took enough.
        if (!writable && out.pending() <= group.lowWaterMark) {
            writable = true;
            updateReceive();
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
        updateReceive();
    }

    @Override
    public void resumeReading() {
        if (!loop.inLoop()) {
            loop.execute(this::resumeReading);
            return;
        }
        readPaused = false;
        updateReceive();
        redeliverLater();
    }

    // ---- closing ----------------------------------------------------------------------------------------------

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
    public void close() {
        if (!loop.inLoop()) {
            loop.execute(this::close);
            return;
        }
        if (closed || closing) return;
        if (out.isEmpty() && sendInFlight == 0) {
            closing = true;
            flushedForClose();
        } else {
            closing = true;
            closePending = out.pending();
            closeTimer = loop.schedule(this::closeExpired, group.closeNanos);
            updateReceive();
            if (!flushQueued) {
                flushQueued = true;
                loop.flushLater(this);
            }
        }
    }

    /**
     * Everything queued went out: close, after a linger when the peer may still send. Closing a socket with unread
     * input makes the kernel send a reset, which can destroy the response the peer has not read yet; so the output
     * side is shut down (FIN) and input received and dropped until the peer ends it too, or the deadline passes.
     */
    private void flushedForClose() {
        if (inputClosed) {
            closeNow(closeCause);
            return;
        }
        try {
            Sockets.shutdown(fd, Sockets.SHUT_WR);
        } catch (IOException e) {
            closeNow(closeCause);
            return;
        }
        lingering = true;
        if (closeTimer != null) closeTimer.cancel();
        closeTimer = loop.schedule(this::closeExpired, group.lingerNanos);
        closeNow(closeCause);
        lingerReceive();
    }

    /** One receive at a time while lingering; what it brings is dropped. */
    private void lingerReceive() {
        if (recvArmed || !lingering) return;
        try {
            loop.ring.prep(Ring.OP_RECV, Ring.SQE_BUFFER_SELECT | fileFlag, 0, target, 0, 0, 0, 0,
                    loop.userData(slot, UringLoop.OP_RECV), loop.buffers.group);
            recvArmed = true;
        } catch (IOException e) {
            endLinger();
        }
    }

    /** The linger is over: the connection leaves the loop and the group, and its descriptor goes once idle. */
    private void endLinger() {
        if (!lingering) return;
        lingering = false;
        if (closeTimer != null) {
            closeTimer.cancel();
            closeTimer = null;
        }
        if (recvArmed) cancelAll();
        loop.remove(this);
        group.closed(this);
        releaseIfIdle();
    }

    /** The close deadline passed: output still queued is dropped with a reset; a linger simply ends. */
    private void closeExpired() {
        closeTimer = null;
        if (lingering) endLinger(); // a plain close: what the kernel holds for a slow reader goes on to it
        else if (closing && !closed) {
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
            endLinger();
            return;
        }
        resetOnClose();
        closeNow(cause);
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

    /**
     * Closed for the handler now; the descriptor and slot wait for the last completion. A receive in flight is
     * cancelled; a send in flight is waited for, since the kernel may be reading its chunks.
     */
    private void closeNow(Throwable cause) {
        if (closed) return;
        ConnectionEvent.closed(UringEngine.NAME, this, openedAt, cause);
        closed = true;
        // Everything on this descriptor at once: the receive, and a send a peer that does not read holds up. A
        // lingering connection keeps receiving, to drop what comes.
        if (!lingering && (recvArmed || sendInFlight > 0)) cancelAll();
        if (inbound != null) {
            loop.pool.release(inbound);
            inbound = null;
        }
        if (!lingering) {
            if (closeTimer != null) {
                closeTimer.cancel();
                closeTimer = null;
            }
            loop.remove(this);
            group.closed(this);
        }
        group.notifyClosed(this, cause, handlerBug);
        releaseIfIdle();
    }

    private void resetOnClose() {
        try {
            Sockets.setLinger(fd, true, 0);
        } catch (IOException ignored) {
            // a reset is best effort; the close is what matters
        }
    }

    private void cancelAll() {
        try {
            loop.ring.prep(Ring.OP_ASYNC_CANCEL, 0, 0, target, 0, 0, 0,
                    Ring.ASYNC_CANCEL_FD | Ring.ASYNC_CANCEL_ALL | (fileFlag != 0 ? Ring.ASYNC_CANCEL_FD_FIXED : 0),
                    loop.userData(slot, UringLoop.OP_CANCEL), 0);
            cancels++;
        } catch (IOException e) {
            // the ring itself failed: the loop is going down and will close the descriptor
        }
    }

    /** Once nothing is in flight: return the output chunks, close the descriptor, free the slot. */
    private void releaseIfIdle() {
        if (released || lingering || recvArmed || cancels > 0 || sendInFlight > 0) return;
        released = true;
        unmap();
        out.release();
        if (fileFlag != 0) loop.unregisterFile(slot);
        Native.close(fd);
        loop.free(slot);
    }

    @Override
    public void loopEnding() {
        abort(null);
    }

    /** The ring is gone, so nothing can still be in flight: release what a pending completion was holding. */
    void releaseAfterRing() {
        if (released) return;
        lingering = false;
        recvArmed = false;
        cancels = 0;
        sendInFlight = 0;
        if (closed) releaseIfIdle();
    }

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

    /** Graceful shutdown; the server has run the receives already completed, so the handler has that input. */
    void drain() {
        if (!closed && !closing) callback(ON_DRAIN);
    }

    // ---- the rest of Connection -------------------------------------------------------------------------------

    @Override
    public boolean isOpen() {
        return !closed;
    }

    @Override
    public String toString() {
        return "uring-connection-" + id;
    }
}
