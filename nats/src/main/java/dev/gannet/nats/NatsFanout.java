package dev.gannet.nats;

import dev.gannet.http.ws.Fanout;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.Subscription;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link Fanout} over NATS core (no JetStream): every node publishes its topic messages to a subject per topic
 * and subscribes to the subjects of the topics it has local subscribers for, so a message published on any node
 * reaches the subscribers on every node, each once.
 *
 * <h2>Wire format</h2>
 * The subject is {@code prefix + token(topic)} (see {@link TopicSubjects}: percent-encoding, hashing for long
 * names). The body is a small binary prefix, then the payload as the application gave it:
 * <pre>
 *   byte 0      0x10 | binary   (high nibble: format version 1; bit 0: a binary message, else UTF-8 text)
 *   byte 1      n, the length of the origin node id (1..255)
 *   n bytes     the origin node id, UTF-8
 *   the rest    the payload
 * </pre>
 * A prefix rather than NATS headers: it costs 2 + n bytes, needs no header parsing (which allocates a map per
 * message in the client) and works before the client has learnt whether the server supports headers.
 *
 * <h2>Exactly once</h2>
 * Local subscribers get a message from {@code Topics} directly; this class only carries it to the others. A message
 * whose origin is this node is dropped on receipt (and counted); with {@link NatsFanoutConfig#noEcho()} the server
 * does not even send it back. NATS core delivers each message at most once per subscription, in publish order per
 * publisher, and each node holds at most one subscription per subject, so no subscriber sees a message twice.
 * Messages are lost (never duplicated) when a node is disconnected past its reconnect buffer or too slow to read
 * them: the {@link #stats()} counters say how many.
 *
 * <p>Threading: see the package documentation.
 */
public final class NatsFanout implements Fanout {
    private static final System.Logger LOG = System.getLogger(NatsFanout.class.getName());
    private static final int VERSION = 0x10;
    private static final int BINARY = 0x01;

    private final NatsFanoutConfig config;
    /** The first 2 + n bytes of every message this node sends, bit 0 of byte 0 left clear. */
    private final byte[] header;

    /** Local subscribers per topic; a topic leaves the map when its count drops to zero. */
    private final ConcurrentHashMap<String, Integer> interest = new ConcurrentHashMap<>();
    /** The NATS subscription per topic: written only on the control thread, read by {@link #stats()}. */
    private final ConcurrentHashMap<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    /**
     * Subscribes and unsubscribes, one change at a time in the order asked. A thread of its own because callers are
     * event loops: they only count and post, and the client's locks and buffers are taken here.
     */
    private final ExecutorService control;

    private volatile Connection connection;
    private volatile Dispatcher dispatcher;
    private volatile Sink sink;
    private volatile boolean closed;

    private final LongAdder published = new LongAdder();
    private final LongAdder publishLost = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder droppedOwnOrigin = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final AtomicLong slowConsumerEvents = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong resubscribes = new AtomicLong();

    public NatsFanout(NatsFanoutConfig config) {
        this.config = config;
        byte[] id = config.nodeId().getBytes(StandardCharsets.UTF_8);
        header = new byte[2 + id.length];
        header[0] = VERSION;
        header[1] = (byte) id.length;
        System.arraycopy(id, 0, header, 2, id.length);
        control = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("gannet-nats-control").unstarted(r));
    }

    /** A fanout over the comma-separated NATS URLs, with the default settings otherwise. */
    public static NatsFanout connect(String servers) {
        return new NatsFanout(NatsFanoutConfig.builder().servers(servers).build());
    }

    public NatsFanoutConfig config() {
        return config;
    }

    /**
     * Connects (blocking, at most {@link NatsFanoutConfig#connectionTimeout()} per server) and makes the dispatcher.
     * Called once by {@code Topics.fanout}, before the server starts. Fails with an unchecked exception if no
     * server answers: a node that could not fan out would silently split its rooms from the others'.
     */
    @Override
    public void start(Sink sink) {
        if (this.sink != null) throw new IllegalStateException("already started");
        if (closed) throw new IllegalStateException("closed");
        this.sink = sink;
        Options.Builder o = new Options.Builder()
                .servers(config.servers().toArray(String[]::new))
                .connectionName(config.connectionName())
                .maxReconnects(-1) // a node keeps trying for as long as it runs
                .reconnectWait(config.reconnectWait())
                .reconnectBufferSize(config.reconnectBufferBytes())
                .connectionTimeout(config.connectionTimeout())
                // A full outgoing queue must not block the event loop that publishes: drop, count (messageDiscarded).
                .maxMessagesInOutgoingQueue(config.maxOutgoingMessages())
                .discardMessagesWhenOutgoingQueueFull()
                .errorListener(new Errors())
                .connectionListener(this::connectionEvent);
        if (config.noEcho()) o.noEcho();
        Connection c;
        try {
            c = Nats.connect(o.build());
        } catch (IOException e) {
            control.shutdown();
            throw new UncheckedIOException("cannot connect to NATS " + config.servers() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            control.shutdown();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while connecting to NATS", e);
        }
        // One dispatcher (one thread) for every subscription: messages reach the sink in order, one at a time, and
        // the pending limits bound what waits for it across all topics together.
        Dispatcher d = c.createDispatcher();
        d.setPendingLimits(config.maxPendingMessages(), config.maxPendingBytes());
        connection = c;
        dispatcher = d;
        // Interest that came before start (none through Topics, but the SPI allows it).
        control.execute(() -> interest.keySet().forEach(this::reconcile));
    }

    @Override
    public void interest(String topic) {
        if (closed) return;
        if (interest.merge(topic, 1, Integer::sum) == 1) post(topic);
    }

    @Override
    public void noInterest(String topic) {
        if (closed) return;
        boolean[] last = new boolean[1];
        interest.computeIfPresent(topic, (t, n) -> {
            if (n > 1) return n - 1;
            last[0] = true;
            return null;
        });
        if (last[0]) post(topic);
    }

    /**
     * A topic's count crossed zero: let the control thread bring the subscription in line. Only the crossings post,
     * and {@link #reconcile} looks at the count when it runs, so a quick leave-and-join costs two no-op checks, not a
     * wrong state.
     */
    private void post(String topic) {
        try {
            control.execute(() -> reconcile(topic));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile: the connection's subscriptions go with it
        }
    }

    /** On the control thread: one subscription while the topic has local subscribers, none otherwise. */
    private void reconcile(String topic) {
        Dispatcher d = dispatcher;
        if (d == null) return; // not started: start() reconciles everything
        boolean want = !closed && interest.containsKey(topic);
        Subscription s = subscriptions.get(topic);
        try {
            if (want && s == null) {
                String subject = TopicSubjects.subject(config.subjectPrefix(), topic);
                subscriptions.put(topic, d.subscribe(subject, m -> onMessage(topic, m)));
            } else if (!want && s != null) {
                subscriptions.remove(topic);
                d.unsubscribe(s);
            }
        } catch (RuntimeException e) {
            // The connection closed under us (IllegalStateException): nothing left to keep in line.
            if (!closed) LOG.log(System.Logger.Level.WARNING, "NATS (un)subscribe of topic '" + topic + "' failed", e);
        }
    }

    /** On the dispatcher thread, in arrival order. */
    private void onMessage(String topic, Message m) {
        byte[] d = m.getData();
        if (d == null || d.length < 2 || (d[0] & 0xF0) != VERSION || d.length < 2 + (d[1] & 0xFF)) {
            malformed.increment(); // another program on our subjects, or a newer format
            return;
        }
        int n = d[1] & 0xFF;
        if (n == header[1] && Arrays.equals(d, 2, 2 + n, header, 2, header.length)) {
            droppedOwnOrigin.increment(); // Topics already gave it to the local subscribers
            return;
        }
        received.increment();
        Sink s = sink;
        try {
            s.deliver(topic, Arrays.copyOfRange(d, 2 + n, d.length), (d[0] & BINARY) != 0);
        } catch (RuntimeException e) {
            // One bad delivery must not kill the dispatcher thread that serves every topic.
            LOG.log(System.Logger.Level.WARNING, "fanout sink failed for topic '" + topic + "'", e);
        }
    }

    /**
     * Hands the message to the client, which writes it on its own thread: no I/O here. While disconnected it waits in
     * the reconnect buffer; a message past that buffer, past the outgoing queue, too large for the server, or after
     * close is dropped and counted in {@link Stats#publishLost()}.
     */
    @Override
    public void publish(String topic, byte[] payload, boolean binary) {
        published.increment();
        Connection c = connection;
        if (c == null || closed) {
            publishLost.increment();
            return;
        }
        byte[] body = new byte[header.length + payload.length];
        System.arraycopy(header, 0, body, 0, header.length);
        if (binary) body[0] |= BINARY;
        System.arraycopy(payload, 0, body, header.length, payload.length);
        try {
            c.publish(TopicSubjects.subject(config.subjectPrefix(), topic), body);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // IllegalState: reconnect buffer full, or closing. IllegalArgument: larger than the server's max_payload.
            publishLost.increment();
        }
    }

    /**
     * Waits until every (un)subscribe asked so far has reached the server and the server has answered a ping, so
     * that messages published anywhere after this returns see this node's current interest. Blocking: for tests and
     * start-up code, not for event loops.
     */
    public void flush(Duration timeout) throws TimeoutException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            control.submit(() -> { }).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        Connection c = connection;
        if (c == null) throw new IllegalStateException("not started");
        c.flush(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }

    /**
     * Stops: no more interest changes or publishes; messages already received still reach the sink, published ones
     * are flushed (the client drains for up to 5 s), then the connection closes. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        control.shutdown();
        Connection c = connection;
        if (c == null) return;
        try {
            control.awaitTermination(1, TimeUnit.SECONDS);
            try {
                c.drain(Duration.ofSeconds(5)).get(6, TimeUnit.SECONDS);
            } catch (Exception e) {
                // Drain timed out or the connection was already down: close regardless.
                LOG.log(System.Logger.Level.DEBUG, "NATS drain did not finish; closing", e);
            }
            c.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        subscriptions.clear();
    }

    /** Counters since start. Cheap enough to poll for metrics. */
    public Stats stats() {
        Dispatcher d = dispatcher;
        Connection c = connection;
        return new Stats(published.sum(), publishLost.sum(), received.sum(), droppedOwnOrigin.sum(), malformed.sum(),
                slowConsumerEvents.get(), d == null ? 0 : d.getDroppedCount(), d == null ? 0 : d.getPendingMessageCount(),
                reconnects.get(), disconnects.get(), resubscribes.get(), subscriptions.size(),
                c != null && c.getStatus() == Connection.Status.CONNECTED);
    }

    /**
     * The fanout's counters.
     *
     * @param published          messages handed to {@link #publish} on this node
     * @param publishLost        of those, the ones that never left: reconnect buffer or outgoing queue full, too
     *                           large, or closed
     * @param received           messages from other nodes handed to the sink
     * @param droppedOwnOrigin   this node's own messages coming back, dropped
     * @param malformed          messages on our subjects not in our format, dropped
     * @param slowConsumerEvents times the client reported this node as a slow consumer (once per episode)
     * @param slowConsumerDrops  messages the client dropped because the pending limits were reached
     * @param pendingMessages    messages received and waiting for the sink now
     * @param reconnects         successful reconnects
     * @param disconnects        connections lost
     * @param resubscribes       times the client restored the subscriptions after a reconnect
     * @param subscriptions      NATS subscriptions held now (one per topic with local subscribers)
     * @param connected          whether the connection is up now
     */
    public record Stats(long published, long publishLost, long received, long droppedOwnOrigin, long malformed,
                        long slowConsumerEvents, long slowConsumerDrops, long pendingMessages, long reconnects,
                        long disconnects, long resubscribes, int subscriptions, boolean connected) {
    }

    /** On the client's callback thread. */
    private void connectionEvent(Connection c, ConnectionListener.Events e) {
        switch (e) {
            case DISCONNECTED -> {
                disconnects.incrementAndGet();
                // (connection is null while the first connect is still failing: start() reports that itself)
                if (!closed && connection != null) LOG.log(System.Logger.Level.WARNING, "NATS disconnected; reconnecting (publishes are buffered up to "
                        + config.reconnectBufferBytes() + " bytes)");
            }
            case RECONNECTED -> {
                reconnects.incrementAndGet();
                LOG.log(System.Logger.Level.INFO, "NATS reconnected to " + c.getConnectedUrl());
            }
            case RESUBSCRIBED -> resubscribes.incrementAndGet();
            default -> {
            }
        }
    }

    /** The client's error callbacks, on its callback thread. */
    private final class Errors implements ErrorListener {
        @Override
        public void slowConsumerDetected(Connection c, Consumer consumer) {
            slowConsumerEvents.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "NATS slow consumer: the fanout sink is not keeping up; messages are dropped");
        }

        @Override
        public void messageDiscarded(Connection c, Message m) {
            publishLost.increment(); // the outgoing queue was full
        }

        @Override
        public void errorOccurred(Connection c, String error) {
            LOG.log(System.Logger.Level.WARNING, "NATS error: " + error);
        }

        @Override
        public void exceptionOccurred(Connection c, Exception e) {
            if (!closed) LOG.log(System.Logger.Level.DEBUG, "NATS connection exception", e);
        }
    }
}
