package dev.gannet.http.ws;

import dev.gannet.http.Takeover;
import dev.gannet.http.ws.codec.Deflation;
import dev.gannet.http.ws.codec.FrameEncoder;
import dev.gannet.http.ws.codec.Inflation;
import dev.gannet.http.ws.codec.MessageDecoder;
import dev.gannet.http.ws.codec.Opcodes;
import dev.gannet.http.ws.codec.PerMessageDeflate;
import dev.gannet.http.ws.codec.Role;
import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One WebSocket connection after its handshake, server or client side: decodes input into the handler's callbacks,
 * encodes what the application sends, and runs the close handshake and the keep-alive pings.
 *
 * <p>Threading: every field is the connection owner's ({@link Connection#isOwnerThread}). Sends from elsewhere
 * re-enter through {@link Connection#execute}, which keeps their order on every engine. An idle socket holds this
 * object, its decoder and little else (no buffers), which is what keeps the memory per idle connection small.
 */
final class WsSession implements WebSocket, Takeover, MessageDecoder.Listener {
    private static final System.Logger LOG = System.getLogger(WsSession.class.getName());
    private static final AtomicLong IDS = new AtomicLong();
    private static final String[] NO_PARAMS = new String[0];
    /** Messages under this size go out uncompressed even with permessage-deflate: deflate would not pay off. */
    private static final int COMPRESS_MIN = 128;
    /**
     * How long before the transport's idle timeout an idle socket says goodbye (1001) itself: the check runs on the
     * once-a-second tick and the transport's sweep may come up to a second late, so the goodbye needs that much
     * room to come first; a transport timeout of 6 s or less gets half of it.
     */
    private static final long IDLE_MARGIN_NANOS = 3_000_000_000L;

    private enum State { OPEN, CLOSING, CLOSED }

    private final Connection conn;
    private final WebSocketConfig config;
    private final WebSocketHandler handler;
    private final boolean client;
    private final long id = IDS.incrementAndGet();
    private final String path;
    private final String[] params;
    private final String subprotocol;
    private final MessageDecoder decoder;
    private final Inflation inflation;
    private final Deflation deflation;
    /** When this socket closes itself as idle (1001), ahead of the transport's reset; 0 for never. */
    private final long idleCloseNanos;
    private State state = State.OPEN;
    private boolean closeReported;
    private boolean decoding;
    private long closingSince;
    private long lastInputAt;
    /** No later than the last write: when the tick before it ran (a write only sets a flag, to stay cheap). */
    private long lastOutputAt;
    private boolean wroteSinceTick;
    private long lastTickAt;
    private boolean pingOutstanding;
    private long pingSentAt;
    private Object attachment;
    /** Topics joined, with this socket's slot in each topic's per-loop array (for a constant-time leave). */
    private Topic[] topics;
    private Object[] topicGroups;
    private int[] topicSlots;
    private int topicCount;
    /** Read on any thread (a monitor's), written on the owner's. */
    private volatile long dropped;

    private WsSession(Connection conn, WebSocketConfig config, WebSocketHandler handler, boolean client, String path,
                      String[] params, String subprotocol, PerMessageDeflate.Params deflate, Duration idleTimeout) {
        this.conn = conn;
        this.config = config;
        this.handler = handler;
        this.client = client;
        this.path = path;
        this.params = params == null ? NO_PARAMS : params;
        this.subprotocol = subprotocol;
        // Each side inflates what the other compressed: a server reads the client's context settings, and so on.
        if (deflate != null) {
            boolean peerNoTakeover = client ? deflate.serverNoContextTakeover() : deflate.clientNoContextTakeover();
            boolean ownNoTakeover = client ? deflate.clientNoContextTakeover() : deflate.serverNoContextTakeover();
            inflation = new Inflation(peerNoTakeover, config.maxMessageSize());
            deflation = new Deflation(ownNoTakeover);
        } else {
            inflation = null;
            deflation = null;
        }
        this.decoder = new MessageDecoder(client ? Role.CLIENT : Role.SERVER, config.maxFramePayload(),
                config.maxMessageSize(), inflation);
        this.lastInputAt = System.nanoTime();
        this.lastOutputAt = lastInputAt;
        this.lastTickAt = lastInputAt;
        long idle = idleTimeout == null ? 0 : idleTimeout.toNanos();
        this.idleCloseNanos = idle <= 0 ? 0 : idle - Math.min(idle / 2, IDLE_MARGIN_NANOS);
    }

    /**
     * Server side, made on the connection's owner thread once the 101 is out. {@code idleTimeout} is the transport's
     * (zero for none): the socket closes itself with 1001 a little before it, so an idle peer gets a close frame
     * rather than a reset.
     */
    static WsSession server(Connection conn, WebSocketConfig config, WebSocketHandler handler, String path,
                            String[] params, String subprotocol, PerMessageDeflate.Params deflate, Duration idleTimeout) {
        WsSession s = new WsSession(conn, config, handler, false, path, params, subprotocol, deflate, idleTimeout);
        s.opened();
        return s;
    }

    /** Client side, made on the connection's owner thread once the 101 was read. */
    static WsSession client(Connection conn, WebSocketConfig config, WebSocketHandler handler, String path,
                            String subprotocol, PerMessageDeflate.Params deflate, Duration idleTimeout) {
        return new WsSession(conn, config, handler, true, path, NO_PARAMS, subprotocol, deflate, idleTimeout);
    }

    void opened() {
        try {
            handler.onOpen(this);
        } catch (Throwable t) {
            failInHandler(t);
        }
    }

    // ---- WebSocket

    @Override
    public long id() {
        return id;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String pathParam(String name) {
        for (int i = 0; i < params.length; i += 2) {
            if (params[i].equals(name)) return params[i + 1];
        }
        return null;
    }

    @Override
    public String subprotocol() {
        return subprotocol;
    }

    @Override
    public SocketAddress remoteAddress() {
        return conn.remoteAddress();
    }

    @Override
    public boolean send(String text) {
        return sendMessage(Opcodes.TEXT, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public boolean send(ByteBuffer data) {
        return sendMessage(Opcodes.BINARY, data);
    }

    @Override
    public boolean send(SharedFrame frame) {
        if (client) {
            // A client must mask, so the shared (unmasked) bytes cannot be used as they are.
            return sendMessage(frame.binary ? Opcodes.BINARY : Opcodes.TEXT, frame.payload());
        }
        if (!conn.isOwnerThread()) {
            conn.execute(() -> sendShared(frame));
            return isOpen();
        }
        return sendShared(frame);
    }

    private boolean sendShared(SharedFrame frame) {
        if (state != State.OPEN || !admit(frame.bytes.length)) return false;
        conn.write(frame.bytes, 0, frame.bytes.length);
        wroteSinceTick = true;
        return true;
    }

    @Override
    public void ping(ByteBuffer data) {
        if (data.remaining() > 125) throw new IllegalArgumentException("a ping carries at most 125 bytes");
        if (!conn.isOwnerThread()) {
            ByteBuffer copy = copyOf(data);
            conn.execute(() -> {
                if (state == State.OPEN) writeFrame(Opcodes.PING, false, copy);
            });
            return;
        }
        if (state == State.OPEN) writeFrame(Opcodes.PING, false, data);
    }

    @Override
    public void close(int code, String reason) {
        if (!CloseCodes.validOnWire(code)) throw new IllegalArgumentException("close code " + code + " cannot be sent");
        if (!conn.isOwnerThread()) {
            conn.execute(() -> startClose(code, reason));
            return;
        }
        startClose(code, reason);
    }

    @Override
    public boolean isOpen() {
        return state == State.OPEN;
    }

    @Override
    public long queuedBytes() {
        return conn.pendingOutputBytes();
    }

    @Override
    public long droppedMessages() {
        return dropped;
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

    Executor loop() {
        return conn.loop();
    }

    // ---- sending

    private boolean sendMessage(int opcode, ByteBuffer payload) {
        if (!conn.isOwnerThread()) {
            ByteBuffer copy = copyOf(payload);
            conn.execute(() -> sendNow(opcode, copy));
            return isOpen();
        }
        return sendNow(opcode, payload);
    }

    private boolean sendNow(int opcode, ByteBuffer payload) {
        if (state != State.OPEN) return false;
        boolean compress = deflation != null && payload.remaining() >= COMPRESS_MIN;
        ByteBuffer body = compress ? deflation.compress(payload) : payload;
        if (!admit(FrameEncoder.headerLength(body.remaining(), client) + body.remaining())) return false;
        writeFrame(opcode, compress, body);
        return true;
    }

    /**
     * The slow-consumer check: whether {@code bytes} more may be queued for this socket. An empty queue takes any one
     * message, so that a message as large as the message limit can be sent at all.
     */
    private boolean admit(int bytes) {
        long queued = conn.pendingOutputBytes();
        if (queued == 0 || queued + bytes <= config.maxQueuedBytes()) return true;
        dropped++;
        if (config.slowConsumer() == WebSocketConfig.SlowConsumer.CLOSE) {
            LOG.log(System.Logger.Level.DEBUG, "closing slow consumer " + conn.remoteAddress());
            closeSlowConsumer();
        }
        return false;
    }

    /**
     * A peer that does not read will not read our close frame soon either, nor answer it: waiting for its answer
     * would hold the queue for the close timeout. So the socket is done now: out of its topics, its compression
     * contexts freed, and the connection handed to the transport's close, which flushes what the peer still takes
     * and aborts (freeing the queue) when its deadline passes.
     */
    private void closeSlowConsumer() {
        if (state != State.OPEN) return;
        writeFrame(Opcodes.CLOSE, false, ByteBuffer.wrap(FrameEncoder.closePayload(CloseCodes.POLICY_VIOLATION,
                "slow consumer")));
        state = State.CLOSED;
        report(CloseCodes.POLICY_VIOLATION, "slow consumer");
        releaseCodecs();
        conn.close();
    }

    /** Frees the zlib contexts (native memory). The inflater waits if a decode is under way on the stack. */
    private void releaseCodecs() {
        if (deflation != null) deflation.end();
        if (inflation != null && !decoding) inflation.end();
    }

    /** One whole frame: the header from a per-thread scratch buffer, then the payload (masked for a client). */
    private void writeFrame(int opcode, boolean rsv1, ByteBuffer payload) {
        int len = payload.remaining();
        ByteBuffer header = Scratch.header();
        int mask = client ? Scratch.maskKey() : 0;
        FrameEncoder.writeHeader(header, true, rsv1, opcode, len, client, mask);
        header.flip();
        conn.write(header);
        wroteSinceTick = true;
        if (len == 0) return;
        if (!client) {
            conn.write(payload.duplicate());
            return;
        }
        ByteBuffer masked = Scratch.payload(len);
        masked.put(payload.duplicate()).flip();
        FrameEncoder.mask(masked, 0, len, mask, 0);
        conn.write(masked);
    }

    private static ByteBuffer copyOf(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c;
    }

    // ---- closing

    /** Sends our close frame (once) and waits for the peer's, up to the close timeout. */
    private void startClose(int code, String reason) {
        if (state != State.OPEN) return;
        state = State.CLOSING;
        closingSince = System.nanoTime();
        writeFrame(Opcodes.CLOSE, false, ByteBuffer.wrap(FrameEncoder.closePayload(code, reason)));
        report(code, reason);
    }

    /** The handler hears of the close once: with the code that ended the socket, whichever side sent it first. */
    private void report(int code, String reason) {
        if (closeReported) return;
        closeReported = true;
        leaveAllTopics();
        try {
            handler.onClose(this, code, reason);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "WebSocket onClose handler failed", t);
        }
    }

    private void failInHandler(Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "WebSocket handler failed on " + path + "; closing with 1011", t);
        startClose(CloseCodes.INTERNAL_ERROR, "internal error");
    }

    // ---- Takeover: transport events

    @Override
    public Action onData(ByteBuffer in) {
        lastInputAt = conn.eventTime();
        pingOutstanding = false;
        if (state == State.CLOSED) {
            in.position(in.limit());
            return Action.KEEP;
        }
        decoding = true;
        try {
            decoder.decode(in, this);
        } finally {
            decoding = false;
        }
        if (state != State.CLOSED) return Action.KEEP;
        releaseCodecs();
        return Action.CLOSE;
    }

    /**
     * Once a second: the close timeout, keep-alive pings, and the idle close. Every way out of an open socket here
     * sends a close frame (1001): an idle peer hears why, where the transport's idle timeout would reset it.
     */
    @Override
    public Action onTick() {
        long now = System.nanoTime();
        if (wroteSinceTick) {
            wroteSinceTick = false;
            lastOutputAt = lastTickAt;
        }
        lastTickAt = now;
        if (state == State.CLOSING && now - closingSince > config.closeTimeout().toNanos()) return Action.CLOSE;
        if (state != State.OPEN) return Action.KEEP;
        long interval = config.pingInterval().toNanos();
        if (interval > 0) {
            if (pingOutstanding && now - pingSentAt >= interval) {
                // A whole interval passed after our ping with nothing from the peer: it is gone, or stuck.
                startClose(CloseCodes.GOING_AWAY, "no answer to ping within " + config.pingInterval().toMillis() + " ms");
                return Action.KEEP;
            }
            if (!pingOutstanding && now - lastInputAt >= interval) {
                pingOutstanding = true;
                pingSentAt = now;
                writeFrame(Opcodes.PING, false, ByteBuffer.allocate(0));
                return Action.KEEP;
            }
        }
        if (idleCloseNanos > 0 && now - Math.max(lastInputAt, lastOutputAt) >= idleCloseNanos) {
            startClose(CloseCodes.GOING_AWAY, "idle timeout");
        }
        return Action.KEEP;
    }

    /** Graceful shutdown: say 1001 and let the peer answer, within the close timeout. */
    @Override
    public Action onDrain() {
        startClose(CloseCodes.GOING_AWAY, "server shutting down");
        return Action.KEEP;
    }

    @Override
    public Action onEndOfInput() {
        state = State.CLOSED;
        report(CloseCodes.ABNORMAL, "the peer closed the connection without a close frame");
        return Action.CLOSE;
    }

    @Override
    public void onClose(Throwable cause) {
        state = State.CLOSED;
        report(CloseCodes.ABNORMAL, cause == null ? "connection closed" : String.valueOf(cause.getMessage()));
        releaseCodecs();
    }

    // ---- MessageDecoder.Listener: decoded input

    @Override
    public void onText(String text) {
        if (state != State.OPEN) return;
        try {
            handler.onText(this, text);
        } catch (Throwable t) {
            failInHandler(t);
        }
    }

    @Override
    public void onBinary(ByteBuffer data) {
        if (state != State.OPEN) return;
        try {
            handler.onBinary(this, data);
        } catch (Throwable t) {
            failInHandler(t);
        }
    }

    @Override
    public void onPing(ByteBuffer payload) {
        if (state == State.OPEN) writeFrame(Opcodes.PONG, false, payload);
    }

    @Override
    public void onPong(ByteBuffer payload) {
        try {
            handler.onPong(this, payload);
        } catch (Throwable t) {
            failInHandler(t);
        }
    }

    /** The peer's close frame: answer it if we had not sent ours, then the connection ends (the server closes first). */
    @Override
    public void onClose(int code, String reason) {
        if (state == State.OPEN) {
            state = State.CLOSING;
            byte[] echo = code == CloseCodes.NO_STATUS ? new byte[0] : FrameEncoder.closePayload(code, "");
            writeFrame(Opcodes.CLOSE, false, ByteBuffer.wrap(echo));
        }
        report(code, reason);
        // Both frames are out: the connection ends once our answer is flushed. (RFC 6455 7.1.1 would have a client
        // wait for the server to close first; closing right away only leaves the TIME_WAIT on the client's side.)
        state = State.CLOSED;
    }

    /** A protocol violation: fail the connection with our close frame carrying the reason, then close. */
    @Override
    public void onError(int closeCode, String reason) {
        if (state == State.OPEN) {
            state = State.CLOSING;
            writeFrame(Opcodes.CLOSE, false, ByteBuffer.wrap(FrameEncoder.closePayload(closeCode, reason)));
        }
        report(closeCode, reason);
        state = State.CLOSED;
    }

    // ---- topics (owner thread only)

    /** Records a topic joined; false if already in it. */
    boolean join(Topic t) {
        for (int i = 0; i < topicCount; i++) if (topics[i] == t) return false;
        if (topics == null) {
            topics = new Topic[2];
            topicGroups = new Object[2];
            topicSlots = new int[2];
        } else if (topicCount == topics.length) {
            topics = Arrays.copyOf(topics, topicCount * 2);
            topicGroups = Arrays.copyOf(topicGroups, topicCount * 2);
            topicSlots = Arrays.copyOf(topicSlots, topicCount * 2);
        }
        topics[topicCount] = t;
        topicGroups[topicCount] = null;
        topicCount++;
        return true;
    }

    boolean inTopic(Topic t) {
        for (int i = 0; i < topicCount; i++) {
            if (topics[i] == t) return true;
        }
        return false;
    }

    /** Drops the record of a topic once its group removed this socket. */
    void forget(Object group) {
        for (int i = 0; i < topicCount; i++) {
            if (topicGroups[i] == group) {
                int last = --topicCount;
                topics[i] = topics[last];
                topicGroups[i] = topicGroups[last];
                topicSlots[i] = topicSlots[last];
                topics[last] = null;
                topicGroups[last] = null;
                return;
            }
        }
    }

    /** Where this socket sits in a topic group's array; set by the group as it adds or moves the socket. */
    void topicSlot(Object group, int slot) {
        for (int i = 0; i < topicCount; i++) {
            if (topicGroups[i] == group) {
                topicSlots[i] = slot;
                return;
            }
        }
        // First placement in this group: bind it to the topic joined last without a group yet.
        for (int i = topicCount - 1; i >= 0; i--) {
            if (topicGroups[i] == null) {
                topicGroups[i] = group;
                topicSlots[i] = slot;
                return;
            }
        }
    }

    int topicSlot(Object group) {
        for (int i = 0; i < topicCount; i++) if (topicGroups[i] == group) return topicSlots[i];
        return -1;
    }

    /** On close: out of every topic. From the last entry down, since each removal moves the last entry. */
    private void leaveAllTopics() {
        for (int i = topicCount - 1; i >= 0; i--) {
            if (i < topicCount) topics[i].removeOnLoop(this);
        }
        topicCount = 0;
        topics = null;
        topicGroups = null;
        topicSlots = null;
    }
}
