package dev.gannet.tls;

import dev.gannet.transport.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;

/**
 * The sending side of one {@link TlsConnection}: plaintext gathered during a callback, the backlog of writes and
 * files waiting for the handshake or for room, encryption into records, and closing (close_notify, a close or
 * shutdown deferred until the backlog is sent).
 *
 * <p>Owned by its connection and touched only where the connection's own state is (inside its callbacks, see
 * there); the connection has already sent a call from another thread through execute before it comes here. It
 * calls back into the connection only to run a handshake step that encrypting asked for (a TLS 1.2
 * renegotiation, a TLS 1.3 KeyUpdate) and to ask whether the first handshake is done.
 */
final class TlsOutbound {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    /** The most plaintext one TLS record carries (RFC 8446 5.1). */
    static final int MAX_RECORD_PLAINTEXT = 16 * 1024;
    // Under the connection's name: that is the class users know and configure logging for.
    private static final System.Logger LOG = System.getLogger(TlsConnection.class.getName());

    private final TlsConnection conn;
    private final Connection raw;
    private final SSLEngine engine;
    private final DelegatedTasks tasks;

    private ByteBuffer plainOut; // plaintext written during the current callback, not yet encrypted
    private ArrayDeque<Object> backlog; // ByteBuffer or FileSend, in write order, waiting for handshake or room
    // Inside wrap. The transport may call back synchronously from raw.write (writability changes do);
    // what such a callback writes is queued, so it neither interleaves with nor corrupts what is being
    // encrypted.
    private boolean wrapping;
    private boolean closeRequested;  // close() was called; it completes once the backlog is sent
    private boolean shutdownRequested;
    private boolean outboundClosed;  // our close_notify went out (or the engine closed its side)
    private boolean released;        // the connection closed: a late write or task completion finds nothing to do
    private Throwable closeCause;    // given to close(cause), or a handshake failure found after a delegated task

    TlsOutbound(TlsConnection conn, Connection raw, SSLEngine engine, DelegatedTasks tasks) {
        this.conn = conn;
        this.raw = raw;
        this.engine = engine;
        this.tasks = tasks;
    }

    // ---------------------------------------------------------------- state the connection reads

    boolean closeRequested() {
        return closeRequested;
    }

    boolean outboundClosed() {
        return outboundClosed;
    }

    /** Nothing can be sent any more (aborted, failed, or the engine closed its side); later writes are dropped. */
    void markOutboundClosed() {
        outboundClosed = true;
    }

    boolean released() {
        return released;
    }

    Throwable closeCause() {
        return closeCause;
    }

    void closeCause(Throwable cause) {
        closeCause = cause;
    }

    /** Plaintext written in this callback and not yet encrypted. */
    int gatheredBytes() {
        return plainOut != null ? plainOut.position() : 0;
    }

    // ---------------------------------------------------------------- the connection's calls, on its thread

    /** @param gather inside a callback: a small write waits in plainOut until the callback returns */
    void write(ByteBuffer src, boolean gather) {
        if (outboundClosed || closeRequested) {
            src.position(src.limit()); // like a write to a closed socket: dropped
            return;
        }
        if (!conn.isHandshakeComplete() || hasBacklog() || wrapping || tasks.running()) {
            enqueue(BufferCache.copyOf(src));
            return;
        }
        if (gather && src.remaining() < MAX_RECORD_PLAINTEXT) {
            if (plainOut == null) plainOut = BufferCache.take(MAX_RECORD_PLAINTEXT);
            if (plainOut.remaining() < src.remaining()) {
                flushPlain();
                if (hasBacklog()) {
                    enqueue(BufferCache.copyOf(src));
                    return;
                }
            }
            plainOut.put(src);
            return;
        }
        flushPlain();
        if (!wrapAndSend(src)) enqueue(BufferCache.copyOf(src));
    }

    void sendFile(FileChannel file, long position, long count, Runnable onDone) {
        FileSend f = new FileSend(file, position, count, onDone);
        if (outboundClosed || closeRequested) {
            completeQuietly(f); // dropped, like a write to a closed socket; the caller still learns it is done
            return;
        }
        // Queued first, even when it can go at once: a callback made while it is sent (writability, or one that
        // throws) may close the connection, and closed() then finds the file in the backlog and drops it.
        boolean idle = conn.isHandshakeComplete() && !hasBacklog() && !wrapping && !tasks.running();
        if (idle) flushPlain(); // what this callback wrote before (a response head) goes out first, uncopied
        enqueue(f);
        if (idle) drainBacklog();
    }

    void flush() {
        flushPlain();
        if (hasBacklog() && raw.isWritable()) drainBacklog();
        raw.flush();
    }

    void close() {
        if (closeRequested) return;
        closeRequested = true;
        // Output still queued, or a close from a callback made while encrypting: drainBacklog finishes it.
        if ((hasBacklog() || wrapping || tasks.running()) && !outboundClosed) return;
        closeNow();
    }

    void close(Throwable cause) {
        if (!closeRequested && closeCause == null) closeCause = cause;
        close();
    }

    void shutdownOutput() {
        if (hasBacklog() || wrapping || tasks.running()) {
            shutdownRequested = true;
            return;
        }
        flushPlain();
        sendCloseNotify();
        raw.shutdownOutput();
    }

    /** Sends what was gathered and close_notify; the caller (or the transport) then closes the raw output. */
    void flushAndCloseNotify() {
        flushPlain();
        sendCloseNotify();
    }

    /**
     * The outermost callback returns: encrypt and send what it wrote, then what was queued while encrypting, and
     * a deferred close. Its buffer goes back to the cache when empty, so an idle connection holds none.
     */
    void callbackDone() {
        try {
            for (int i = 0; i < 8; i++) {
                flushPlain();
                // Also what was queued while encrypting, and a deferred close; a file waits for
                // writability inside pump.
                if (hasBacklog() || closeRequested && !outboundClosed || shutdownRequested) drainBacklog();
                if (plainOut == null || plainOut.position() == 0) break;
            }
        } finally {
            if (plainOut != null && plainOut.position() == 0) {
                BufferCache.give(plainOut);
                plainOut = null;
            }
        }
    }

    /**
     * The connection closed: nothing more can be sent, later writes are dropped, and files still queued are
     * dropped now, whichever way it ended: their callbacks close them.
     */
    void release() {
        released = true;
        outboundClosed = true;
        ArrayDeque<Object> dropped = backlog;
        backlog = null;
        if (dropped != null) {
            for (Object item : dropped) {
                if (item instanceof FileSend f) completeQuietly(f);
            }
        }
    }

    /** Gives back the gathering buffer once no callback can still be using it. */
    void releaseGathered() {
        if (plainOut != null) {
            BufferCache.give(plainOut);
            plainOut = null;
        }
    }

    /** A handshake step: sends what the engine asks for. */
    SSLEngineResult wrapHandshake() throws SSLException {
        SSLEngineResult r = wrap(EMPTY);
        if (engine.isOutboundDone()) outboundClosed = true;
        return r;
    }

    /**
     * A handshake or record failure. The engine has usually queued an alert telling the peer why; send it
     * before the connection is closed, so the peer's error is a clear one and not just a reset.
     */
    void sendFailureAlert() {
        outboundClosed = true;
        try {
            engine.closeOutbound();
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                if (wrap(EMPTY).bytesProduced() == 0) break;
            }
            raw.flush();
        } catch (SSLException | RuntimeException ignored) {
            // The alert is a courtesy; the original error is what matters.
        }
    }

    // ---------------------------------------------------------------- backlog

    private void enqueue(Object item) {
        if (released) { // closed meanwhile (a nested callback aborted): nothing will send it
            if (item instanceof FileSend f) completeQuietly(f);
            return;
        }
        if (backlog == null) backlog = new ArrayDeque<>();
        if (plainOut != null && plainOut.position() > 0 && !wrapping) {
            // Gathered writes are older: they go first, keeping write order.
            plainOut.flip();
            backlog.addLast(BufferCache.copyOf(plainOut));
            plainOut.clear();
        }
        backlog.addLast(item);
    }

    private boolean hasBacklog() {
        return backlog != null && !backlog.isEmpty();
    }

    /**
     * Sends queued writes and files in order, stopping at a file while the transport is full, then
     * completes a close or shutdown that waited for them.
     */
    void drainBacklog() {
        if (wrapping || tasks.running()) return; // tasksDone drains it
        if (conn.isHandshakeComplete()) {
            flushPlain();
            while (hasBacklog() && !outboundClosed) {
                Object next = backlog.peekFirst();
                boolean sent = next instanceof ByteBuffer b ? wrapAndSend(b) : pump((FileSend) next);
                if (!sent) return;
                if (backlog != null) backlog.pollFirst();
            }
        }
        if (hasBacklog() && !outboundClosed) return; // still handshaking
        if (closeRequested && !outboundClosed) {
            closeNow();
        } else if (shutdownRequested) {
            shutdownRequested = false;
            sendCloseNotify();
            raw.shutdownOutput();
        }
    }

    /** Sends as much of the file as the transport takes; true once all of it went out (or failed). */
    private boolean pump(FileSend f) {
        try {
            return f.pump(raw, this::wrapAndSend, () -> outboundClosed);
        } catch (IOException e) {
            completeQuietly(f); // before the abort, which drops the backlog this file is still the head of
            outboundClosed = true;
            raw.abort(e);
            return true;
        }
    }

    /** Runs a dropped file's callback; one that throws must not keep the others from closing their files. */
    private void completeQuietly(FileSend f) {
        try {
            f.complete();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a sendFile callback failed on " + raw, e);
        }
    }

    private void sendCloseNotify() {
        // Only a SHUTDOWN comes here during a task (a close waits for it): the peer then sees a plain FIN.
        if (outboundClosed || tasks.running()) return;
        outboundClosed = true;
        engine.closeOutbound();
        try {
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                if (wrap(EMPTY).bytesProduced() == 0) break;
            }
        } catch (SSLException ignored) {
            // Closing anyway; a peer that misses close_notify sees a plain end of stream.
        }
    }

    private void closeNow() {
        closeRequested = true;
        flushPlain();
        sendCloseNotify();
        raw.close(closeCause); // null unless close(cause) or a failure gave one
    }

    // ---------------------------------------------------------------- encrypting

    /**
     * Encrypts {@code src} (whole records at a time) and writes the records to the raw connection, several
     * per write when they fit in the buffer.
     */
    private SSLEngineResult wrap(ByteBuffer src) throws SSLException {
        ByteBuffer net = BufferCache.take(engine.getSession().getPacketBufferSize());
        boolean outer = !wrapping;
        wrapping = true;
        try {
            while (true) {
                int packet = engine.getSession().getPacketBufferSize();
                if (net.remaining() < packet) {
                    if (net.position() > 0) send(net);
                    if (net.capacity() < packet) net = BufferCache.replace(net, packet);
                }
                SSLEngineResult r = engine.wrap(src, net);
                if (r.getStatus() == Status.BUFFER_OVERFLOW) {
                    if (net.position() > 0) send(net);
                    else net = BufferCache.replace(net, net.capacity() * 2);
                    continue;
                }
                // Done, closed, or no progress: a renegotiation holds application data until it completes. Or a
                // task to run first, which the caller's handshake step does, maybe elsewhere; the rest is queued.
                if (!src.hasRemaining() || r.getStatus() == Status.CLOSED
                        || r.getHandshakeStatus() == HandshakeStatus.NEED_TASK
                        || r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    if (net.position() > 0) send(net);
                    return r;
                }
            }
        } finally {
            if (outer) wrapping = false;
            BufferCache.give(net);
        }
    }

    private void send(ByteBuffer net) {
        net.flip();
        raw.write(net); // copied by the transport, so the buffer is reused at once
        net.clear();
    }

    /**
     * Encrypts and sends; false when the engine held some back (renegotiating), which the caller then
     * queues. A failure closes the connection, as a failed socket write would.
     */
    private boolean wrapAndSend(ByteBuffer src) {
        try {
            SSLEngineResult r = wrap(src);
            HandshakeStatus hs = r.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_WRAP || hs == HandshakeStatus.NEED_TASK) conn.handshakeStep(hs);
        } catch (SSLException e) {
            src.position(src.limit());
            outboundClosed = true;
            raw.abort(e);
        }
        return !src.hasRemaining() || outboundClosed;
    }

    /** Encrypts the writes gathered in this callback. They are older than anything in the backlog. */
    private void flushPlain() {
        if (plainOut != null && outboundClosed) {
            plainOut.clear(); // nothing can be sent any more
            return;
        }
        if (plainOut != null && plainOut.position() > 0 && !wrapping) {
            plainOut.flip();
            if (tasks.running() || !wrapAndSend(plainOut)) {
                if (backlog == null) backlog = new ArrayDeque<>();
                backlog.addFirst(BufferCache.copyOf(plainOut));
            }
            plainOut.clear();
        }
    }
}
