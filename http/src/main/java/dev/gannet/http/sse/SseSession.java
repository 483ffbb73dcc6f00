package dev.gannet.http.sse;

import dev.gannet.http.Request;
import dev.gannet.http.Takeover;
import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * One open event stream: the {@link SseStream} the application writes to, and the {@link Takeover} that owns the
 * connection after the 200 head.
 *
 * <p>Events are encoded on the caller's thread. On the owner thread (inside one of this stream's callbacks) they are
 * written at once; from any other thread they go through a lock-free queue that one task on the owner thread empties,
 * so a burst of events from a producer costs one task, not one per event, and the queued bytes can be counted
 * against the bound below before the owner has written them.
 *
 * <p>The bound on memory per client is checked before an event is accepted: bytes in the queue plus the connection's
 * pending output. Queue bytes are reserved with a compare-and-set so concurrent producers cannot pass the bound
 * together.
 */
final class SseSession implements SseStream, Takeover {
    private static final System.Logger LOG = System.getLogger(SseSession.class.getName());
    /** Queued by {@link #close()}: the stream ends after what was queued before it. */
    private static final Object END = new Object();

    private final Connection connection;
    /** The response body: chunked, or raw for HTTP/1.0. Used on the owner thread only. */
    private final OutputStream body;
    private final SseConfig config;
    private final SseHandler handler;
    private final String lastEventId;
    private final long heartbeatNanos;

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    /** Bytes of the events in {@link #queue}, reserved before they are queued. */
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean closeReported = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    /** False once the stream is closing or closed: later events are refused. */
    private volatile boolean open = true;
    private volatile Object attachment;

    // Owner thread only.
    /** The body was ended (last chunk written) or the connection is gone: nothing more is written. */
    private boolean ended;
    /** The thread inside one of this stream's callbacks, or null: a plain field, as only that thread compares it to itself. */
    private Thread owner;
    private long lastWrite;

    private SseSession(Connection connection, OutputStream body, SseConfig config, SseHandler handler, String lastEventId) {
        this.connection = connection;
        this.body = body;
        this.config = config;
        this.handler = handler;
        this.lastEventId = lastEventId;
        Duration hb = config.heartbeatInterval();
        this.heartbeatNanos = hb == null || hb.isNegative() ? 0 : hb.toNanos();
        this.lastWrite = connection.eventTime();
    }

    /** Runs on the owner thread during the hand-over, while {@code request} is still valid. */
    static SseSession open(Connection connection, OutputStream body, SseConfig config, SseHandler handler,
                           Request request, String lastEventId) {
        SseSession s = new SseSession(connection, body, config, handler, lastEventId);
        Thread prev = s.enter();
        try {
            handler.onOpen(s, request);
        } catch (Throwable t) {
            // The head is out, so there is no error status to send: end the stream; onClose still reaches the handler.
            LOG.log(System.Logger.Level.WARNING, "SSE onOpen for " + request.path() + " failed; closing the stream", t);
            s.close();
        } finally {
            s.exit(prev);
        }
        return s;
    }

    // ---- SseStream: any thread ----

    @Override
    public long id() {
        return connection.id();
    }

    @Override
    public String lastEventId() {
        return lastEventId;
    }

    @Override
    public boolean send(String id, String event, String data) {
        // Encoded (and checked) first: a bad id throws even on a closed stream, where the mistake is made.
        return offer(EventEncoder.event(id, event, data));
    }

    @Override
    public boolean retry(Duration delay) {
        return offer(EventEncoder.retry(delay.toMillis()));
    }

    @Override
    public boolean comment(String text) {
        return offer(EventEncoder.comment(text));
    }

    @Override
    public void close() {
        if (!open) return;
        open = false;
        queue.add(END);
        dispatch();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public long queuedBytes() {
        return queuedBytes.get() + connection.pendingOutputBytes();
    }

    @Override
    public long droppedEvents() {
        return dropped.sum();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment;
    }

    @Override
    public void attachment(Object value) {
        attachment = value;
    }

    private boolean offer(byte[] block) {
        if (!open) return false;
        if (!reserve(block.length)) return slowConsumer();
        queue.add(block);
        dispatch();
        return true;
    }

    /**
     * Counts {@code n} more bytes queued unless that would pass the bound. With nothing queued an event is taken
     * whatever its size, so an event larger than the bound is not refused forever.
     */
    private boolean reserve(int n) {
        long pending = connection.pendingOutputBytes();
        long max = config.maxQueuedBytes();
        while (true) {
            long q = queuedBytes.get();
            long total = pending + q;
            if (total > 0 && total + n > max) return false;
            if (queuedBytes.compareAndSet(q, q + n)) return true;
        }
    }

    private boolean slowConsumer() {
        dropped.increment();
        if (config.slowConsumer() == SseConfig.SlowConsumer.CLOSE && open) {
            open = false;
            // A reset, not a close: a close would wait to flush output the client is not reading. A reconnecting
            // client resumes from its Last-Event-ID.
            connection.abort(new IOException("SSE client too slow: over " + config.maxQueuedBytes() + " bytes queued"));
        }
        return false;
    }

    /** Writes now on the owner thread, or has the owner write; at most one task is pending at a time. */
    private void dispatch() {
        if (owner == Thread.currentThread()) {
            drain();
        } else if (drainScheduled.compareAndSet(false, true)) {
            connection.execute(this::drainTask);
        }
    }

    private void drainTask() {
        Thread prev = enter();
        try {
            // Cleared before draining: an event queued after the last poll below schedules a new task.
            drainScheduled.set(false);
            drain();
        } finally {
            exit(prev);
        }
    }

    // ---- owner thread ----

    private Thread enter() {
        Thread prev = owner;
        owner = Thread.currentThread();
        return prev;
    }

    private void exit(Thread prev) {
        owner = prev;
    }

    /** Writes what is queued, in order. */
    private void drain() {
        Object x;
        while ((x = queue.poll()) != null) {
            if (x == END) {
                end();
                continue;
            }
            byte[] block = (byte[]) x;
            if (!ended) write(block);
            // Released after the write, when the bytes already count as the connection's pending output, so the
            // bound never sees them in neither place.
            queuedBytes.addAndGet(-block.length);
        }
    }

    /** One block, one chunk. */
    private void write(byte[] block) {
        try {
            body.write(block);
            body.flush();
            lastWrite = connection.eventTime();
        } catch (IOException e) {
            // The response body was ended under us: the exchange finished it instead of handing it over.
            ended = true;
            open = false;
            connection.close();
        }
    }

    /** Ends the body (the last chunk; nothing for a close-delimited HTTP/1.0 body) and closes once it is flushed. */
    private void end() {
        open = false;
        if (ended) return;
        ended = true;
        try {
            body.close();
        } catch (IOException ignored) {
            // already ended: closing the connection below is all that is left
        }
        connection.close();
    }

    // ---- Takeover: owner thread ----

    @Override
    public Action onData(ByteBuffer in) {
        // The client has nothing to say on an event stream: what it sends is dropped (and reading goes on, so its
        // end of input or a reset is noticed).
        in.position(in.limit());
        return Action.KEEP;
    }

    @Override
    public Action onTick() {
        if (open && heartbeatNanos > 0 && connection.eventTime() - lastWrite >= heartbeatNanos) {
            Thread prev = enter();
            try {
                offer(EventEncoder.HEARTBEAT);
            } finally {
                exit(prev);
            }
        }
        return Action.KEEP;
    }

    @Override
    public Action onDrain() {
        // Graceful shutdown: what was queued goes out, then the body ends, so the client sees a whole stream end
        // (and reconnects elsewhere) rather than a reset.
        Thread prev = enter();
        try {
            open = false;
            drain();
            end();
        } finally {
            exit(prev);
        }
        return Action.CLOSE;
    }

    @Override
    public Action onEndOfInput() {
        Thread prev = enter();
        try {
            end();
        } finally {
            exit(prev);
        }
        return Action.CLOSE;
    }

    @Override
    public void onClose(Throwable cause) {
        open = false;
        ended = true;
        queue.clear();
        queuedBytes.set(0);
        if (!closeReported.compareAndSet(false, true)) return;
        Thread prev = enter();
        try {
            handler.onClose(this);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "SSE onClose failed", t);
        } finally {
            exit(prev);
        }
    }

    @Override
    public String toString() {
        return "SseStream[" + connection.id() + (open ? ", open" : ", closed") + "]";
    }
}
