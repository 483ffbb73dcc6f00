package dev.gannet.tls;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * The connection a handler sees under TLS: plaintext in, plaintext out, over a raw {@link Connection}
 * carrying TLS records. Created and driven by {@link TlsHandler}; this object is also the TLS state kept in
 * the raw connection's context.
 *
 * <p>The transport runs one callback of a connection at a time; all TLS state is touched only inside
 * those callbacks (including tasks run through {@link #execute} and {@link #schedule}). A call from
 * anywhere else is handed over with the raw connection's {@link Connection#execute}, at the cost of a
 * task and a copy. The one shortcut: on the event loop that owns the connection (the platform thread that
 * ran its first callback) a call is already serialized with the callbacks and runs directly.
 *
 * <p>Writes made during a callback are gathered (up to one record's worth) and encrypted when the callback
 * returns, so a handler writing a header and a body separately still sends one record, not two. The sending
 * side (gathering, the backlog, encryption, close_notify) is {@link TlsOutbound}, the handshake's driving
 * {@link TlsHandshake}; this class keeps the receiving side and the callbacks' bookkeeping.
 *
 * <p>The handshake's delegated tasks run elsewhere ({@link DelegatedTasks}); until one is done, nothing here
 * calls the engine: writes queue, a close waits, and reading is paused.
 */
public final class TlsConnection implements Connection {

    private final Connection raw;
    private final SSLEngine engine;
    private final Handler handler;
    private final DelegatedTasks tasks;
    private final TlsOutbound out;
    private final TlsHandshake handshake;
    private Object context;

    // Not volatile: each is only ever compared with the current thread, and a thread always sees its own
    // writes; a stale value naming another thread just sends the call through execute, which is safe.
    private Thread current;    // the thread inside one of this connection's callbacks, or null
    private Thread loopThread; // the platform thread that ran the first callback (an event loop), or null

    private ByteBuffer appIn;    // decrypted bytes the handler has not consumed yet; null while there are none
    private boolean undelivered; // appIn has bytes the handler has not been shown yet
    private int callbackDepth;

    private boolean opened;          // the handler's onOpen ran
    private boolean inboundClosed;   // the peer's close_notify arrived
    private boolean endOfInputSeen;  // the handler was told about it
    private boolean paused;          // by the handler; reading may also be paused for a delegated task

    TlsConnection(Connection raw, SSLEngine engine, Handler handler, Executor taskExecutor) {
        this.raw = raw;
        this.engine = engine;
        this.handler = handler;
        this.tasks = new DelegatedTasks(taskExecutor, raw, this::tasksDone);
        this.out = new TlsOutbound(this, raw, engine, tasks);
        this.handshake = new TlsHandshake(this, raw, engine, tasks, out);
    }

    // ---------------------------------------------------------------- driven by TlsHandler

    /** Starts the handshake: a client sends its hello now, a server waits for one. */
    Action start(Duration handshakeTimeout) throws SSLException {
        handshake.startTimer(handshakeTimeout);
        enter();
        try {
            return finish(handshake.begin());
        } catch (SSLException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    /** Decrypts what {@code in} holds, leaving a partial record in it, and hands the plaintext on. */
    Action receive(ByteBuffer in) throws SSLException {
        enter();
        try {
            return finish(unwrapAll(in));
        } catch (SSLException e) {
            throw failed(e);
        } finally {
            exit();
        }
    }

    /** TCP end of stream from the peer. */
    Action endOfInput() {
        if (!opened) return Action.CLOSE;
        if (endOfInputSeen) return Action.KEEP; // the close_notify before it already told the handler
        endOfInputSeen = true;
        // A FIN without close_notify may be a truncation attack on a protocol that relies on it for
        // message boundaries; the handler decides, as for plain TCP.
        enter();
        try {
            return finish(handler.onEndOfInput(this));
        } finally {
            exit();
        }
    }

    void writabilityChanged(boolean writable) {
        enter();
        try {
            if (writable) out.drainBacklog();
            if (opened) handler.onWritabilityChanged(this, writable);
        } finally {
            exit();
        }
    }

    Action tick() {
        if (!opened) return Action.KEEP;
        enter();
        try {
            return finish(handler.onTick(this));
        } finally {
            exit();
        }
    }

    Action drain() {
        if (!opened) return Action.CLOSE; // still handshaking: nothing worth waiting for
        enter();
        try {
            return finish(handler.onDrain(this));
        } finally {
            exit();
        }
    }

    void closed(Throwable cause) {
        handshake.cancelTimer();
        enter();
        try {
            out.release();
            handler.onClose(this, cause != null ? cause : out.closeCause()); // a raw connection may keep no cause
        } finally {
            exit();
            BufferCache.give(appIn);
            appIn = null;
            if (callbackDepth == 0) out.releaseGathered(); // an outer callback's exit would give it back otherwise
        }
    }

    // ---------------------------------------------------------------- inbound

    private Action unwrapAll(ByteBuffer in) throws SSLException {
        // Reading is paused while a task runs; should bytes come anyway, the transport keeps what is left.
        if (tasks.running()) return Action.KEEP;
        if (inboundClosed) {
            in.position(in.limit()); // nothing may follow close_notify; drop it so it is not handed back
            return Action.KEEP;
        }
        while (in.hasRemaining() && !inboundClosed && !out.closeRequested() && !tasks.running()) {
            PostHandshakeGuard guard = handshake.guard();
            if (guard != null) guard.beforeUnwrap(in);
            if (appIn == null) appIn = BufferCache.take(engine.getSession().getApplicationBufferSize());
            SSLEngineResult r = engine.unwrap(in, appIn);
            if (r.bytesProduced() > 0) undelivered = true;
            Status status = r.getStatus();
            if (guard != null) guard.afterUnwrap(r);
            if (status == Status.BUFFER_UNDERFLOW) break; // a partial record: the transport keeps it for us
            if (status == Status.BUFFER_OVERFLOW) {
                Action a = deliver();
                if (a != Action.KEEP) return a;
                // Delivering freed no room: the handler is waiting for a message longer than the buffer.
                if (appIn != null && appIn.remaining() < engine.getSession().getApplicationBufferSize()) growAppIn();
                continue;
            }
            if (status == Status.CLOSED) {
                inboundClosed = true;
                in.position(in.limit());
            }
            Action a = handshake.step(r.getHandshakeStatus());
            if (a != Action.KEEP) return a;
            if (tasks.running()) break; // the rest of the input waits with the transport until tasksDone
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && status == Status.OK
                    && engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP
                    && engine.getHandshakeStatus() != HandshakeStatus.NEED_TASK) {
                break; // no progress possible until more bytes arrive
            }
        }
        Action a = deliver();
        if (a != Action.KEEP || !inboundClosed) return a;
        // close_notify: the peer will send nothing more, as with end of stream on plain TCP.
        if (!opened) return Action.CLOSE;
        if (endOfInputSeen) return Action.KEEP;
        endOfInputSeen = true;
        return handler.onEndOfInput(this);
    }

    /** Shows the handler the decrypted bytes; what it leaves is kept for the next call, as the transport does. */
    private Action deliver() {
        if (!undelivered || paused || !opened || appIn == null) return Action.KEEP;
        undelivered = false;
        appIn.flip();
        try {
            return handler.onData(this, appIn);
        } finally {
            if (appIn != null) { // the handler may have closed us, and onClose released it
                appIn.compact();
                if (appIn.position() == 0) {
                    BufferCache.give(appIn);
                    appIn = null;
                }
            }
        }
    }

    /** The handler keeps a message longer than the buffer until it is whole: make room for another record. */
    private void growAppIn() {
        int need = engine.getSession().getApplicationBufferSize();
        ByteBuffer bigger = ByteBuffer.allocate(appIn.capacity() + Math.max(need, appIn.capacity() / 2));
        appIn.flip();
        bigger.put(appIn);
        BufferCache.give(appIn);
        appIn = bigger;
    }

    // ---------------------------------------------------------------- handshake

    /** A handshake step encrypting asked for (a renegotiation, a TLS 1.3 KeyUpdate): see {@link TlsOutbound}. */
    Action handshakeStep(HandshakeStatus hs) throws SSLException {
        return handshake.step(hs);
    }

    /** The first handshake finished: the handler sees the connection open. */
    Action open() {
        opened = true;
        return handler.onOpen(this);
    }

    /**
     * A delegated task is done; back on the connection's thread, the handshake goes on where it stopped, then
     * reading resumes and the transport hands back the records it kept.
     */
    private void tasksDone(Throwable taskFailure) {
        if (out.released()) return; // closed meanwhile (aborted, timed out): the engine is of no more use
        enter();
        try {
            if (taskFailure != null) throw DelegatedTasks.failed(taskFailure);
            Action a = handshake.step(engine.getHandshakeStatus());
            if (!tasks.running() && !paused) raw.resumeReading();
            // No transport to return an action to here: carry it out (a server shutdown cannot be asked for).
            if (finish(a) != Action.KEEP) raw.close();
        } catch (SSLException e) {
            // Not in a transport callback, where throwing closes the connection: close it with the failure as
            // the cause here, once the alert that failed() queued has gone out.
            out.closeCause(failed(e));
            raw.close(out.closeCause());
        } catch (RuntimeException e) {
            raw.abort(e); // the handler's onOpen threw: as the transport does for a callback that throws
        } finally {
            exit();
        }
    }

    /** A handshake or record failure: the peer is sent the alert saying why (see {@link TlsOutbound}). */
    private SSLException failed(SSLException e) {
        out.sendFailureAlert();
        return e;
    }

    // ---------------------------------------------------------------- callbacks

    private void enter() {
        if (callbackDepth++ == 0) {
            Thread t = Thread.currentThread();
            current = t;
            // An event loop owns its connections for life, so the first callback's thread is the loop.
            if (loopThread == null && !t.isVirtual()) loopThread = t;
        }
    }

    /**
     * Leaving the outermost callback: encrypt and send what it wrote. The depth is still held while doing
     * so, so a callback the transport makes from inside raw.write counts as nested and does not flush too.
     */
    private void exit() {
        if (callbackDepth > 1) {
            callbackDepth--;
            return;
        }
        try {
            out.callbackDone();
        } finally {
            callbackDepth = 0;
            current = null;
        }
    }

    /** Applies a handler's answer: closing under TLS means sending close_notify first. */
    private Action finish(Action a) {
        switch (a) {
            case CLOSE -> {
                close();
                // Still sending a file: keep the connection until close() completes once it is sent.
                return out.closeRequested() && !out.outboundClosed() ? Action.KEEP : Action.CLOSE;
            }
            case SHUTDOWN -> {
                out.flushAndCloseNotify();
                return Action.SHUTDOWN;
            }
            default -> {
                return Action.KEEP;
            }
        }
    }

    /** Whether this thread may touch the TLS state now (see the class comment). */
    private boolean onOwner() {
        Thread t = Thread.currentThread();
        return t == current || t == loopThread;
    }

    // ---------------------------------------------------------------- Connection

    @Override
    public long id() {
        return raw.id();
    }

    @Override
    public long eventTime() {
        return raw.eventTime();
    }

    @Override
    public SocketAddress remoteAddress() {
        return raw.remoteAddress();
    }

    @Override
    public SocketAddress localAddress() {
        return raw.localAddress();
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
    public void write(ByteBuffer src) {
        if (!src.hasRemaining()) return;
        if (!onOwner()) {
            ByteBuffer copy = BufferCache.copyOf(src);
            execute(() -> write(copy));
            return;
        }
        out.write(src, callbackDepth > 0);
    }

    @Override
    public void write(byte[] src, int offset, int length) {
        write(ByteBuffer.wrap(src, offset, length));
    }

    /**
     * Sends part of a file, encrypted: TLS needs the bytes in user space, so there is no zero copy here.
     * The file is read a record at a time as the transport has room, so a large file is never held in
     * memory; later writes wait behind it. {@code onDone} runs once, when the file is sent or dropped.
     */
    @Override
    public void sendFile(FileChannel file, long position, long count, Runnable onDone) {
        if (!onOwner()) {
            execute(() -> sendFile(file, position, count, onDone));
            return;
        }
        out.sendFile(file, position, count, onDone);
    }

    @Override
    public void flush() {
        if (!onOwner()) {
            execute(this::flush);
            return;
        }
        out.flush();
    }

    @Override
    public boolean isWritable() {
        return raw.isWritable();
    }

    @Override
    public long pendingOutputBytes() {
        return raw.pendingOutputBytes() + out.gatheredBytes();
    }

    @Override
    public void pauseReading() {
        if (!onOwner()) {
            execute(this::pauseReading);
            return;
        }
        paused = true;
        raw.pauseReading();
    }

    @Override
    public void resumeReading() {
        if (!onOwner()) {
            execute(this::resumeReading);
            return;
        }
        paused = false;
        if (!tasks.running()) raw.resumeReading(); // else tasksDone does
        if (undelivered) {
            // Records decrypted while paused: show them now, as the transport would hand back its bytes.
            raw.execute(() -> {
                enter();
                try {
                    if (finish(deliver()) == Action.SHUTDOWN) raw.close();
                } finally {
                    exit();
                }
            });
        }
    }

    /** Sends what is pending and close_notify, then closes the raw connection. */
    @Override
    public void close() {
        if (!onOwner()) {
            execute(this::close);
            return;
        }
        out.close();
    }

    /** As {@link #close()}, and onClose then reports {@code cause}. */
    @Override
    public void close(Throwable cause) {
        if (!onOwner()) {
            execute(() -> close(cause));
            return;
        }
        out.close(cause);
    }

    @Override
    public void abort(Throwable cause) {
        if (onOwner()) out.markOutboundClosed();
        raw.abort(cause);
    }

    /** Sends what is pending and close_notify, then shuts down the raw output; reading goes on. */
    @Override
    public void shutdownOutput() {
        if (!onOwner()) {
            execute(this::shutdownOutput);
            return;
        }
        out.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return raw.isOpen() && !out.closeRequested();
    }

    @Override
    public Executor loop() {
        return raw.loop();
    }

    @Override
    public boolean isOwnerThread() {
        return raw.isOwnerThread();
    }

    /** Runs {@code task} on the owner; its writes are gathered like a callback's. */
    @Override
    public void execute(Runnable task) {
        raw.execute(() -> runAsCallback(task));
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        return raw.schedule(() -> runAsCallback(task), delay);
    }

    private void runAsCallback(Runnable task) {
        enter();
        try {
            task.run();
        } finally {
            exit();
        }
    }

    @Override
    public Connection unwrap() {
        return raw;
    }

    @Override
    public String applicationProtocol() {
        return handshake.applicationProtocol();
    }

    /** The TLS session: protocol, cipher suite, peer certificates. */
    public SSLSession session() {
        return engine.getSession();
    }

    public boolean isHandshakeComplete() {
        return handshake.done();
    }

    @Override
    public String toString() {
        // The session is behind the engine's lock, which a running task holds.
        return "TlsConnection[" + raw + (handshake.done() && !tasks.running() ? ", " + engine.getSession().getProtocol() + " "
                + engine.getSession().getCipherSuite() : ", handshaking") + "]";
    }
}
