package dev.gannet.bench.ws;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.HdrHistogram.Histogram;

/**
 * The WebSocket load tool of {@code bench ws}: one JVM, one thread, one {@link Selector}, holding thousands of client
 * connections. The orchestrator starts several (each under the 20,000 files a process may hold), each binding its
 * sockets to its own source address so that ephemeral ports do not run out, and drives them through stdin:
 *
 * <pre>
 * start      opens --connections sockets to --path, at most --concurrency handshakes in flight, and prints
 *            CONNECTED ok=N failed=F hist=BASE64        (upgrade latency, connect start to 101, in µs)
 * echo K W D the first K sockets each send a 32-byte text and, on its echo, the next (closed loop) for W s of
 *            warm-up and D s measured; prints  ECHO msgs=M seconds=S hist=BASE64   (round trip, µs)
 * bcast      from now on every socket expects the broadcast messages "b0000000000", "b0000000001", ... in order;
 *            answers BCAST expected=O, then prints DONE SEQ the moment every socket open at that point has
 *            received message SEQ
 * bstat      prints BSTAT received=R gaps=G open=O       (messages received, messages skipped, sockets open)
 * quit       exits (the sockets close with the process)
 * </pre>
 *
 * End of stdin also exits, so a load process never outlives an orchestrator that died.
 */
public final class WsLoad {
    /** The echo and broadcast payload size of the bench (the server's frame is 34 bytes). */
    static final int MESSAGE_SIZE = 32;
    private static final long HANDSHAKE_TIMEOUT_NANOS = 15_000_000_000L;
    private static final int MAX_BROADCASTS = 1 << 20;

    private enum State { CONNECTING, HANDSHAKE, OPEN, CLOSED }

    /** One client socket; touched only by the selector thread. */
    private static final class Conn {
        final SocketChannel ch;
        final long started;
        final String key;
        State state = State.CONNECTING;
        SelectionKey selectionKey;
        byte[] pending = new byte[0]; // bytes of an incomplete frame (or response head) from the last read
        int pendingLength;
        ByteBuffer unwritten;         // the tail of a write the socket did not take
        boolean echoing;
        long sentAt;
        int nextSeq;

        Conn(SocketChannel ch, long started, String key) {
            this.ch = ch;
            this.started = started;
            this.key = key;
        }
    }

    private final Selector selector;
    private final InetSocketAddress server;
    private final InetSocketAddress source;
    private final String path;
    private final String hostPort;
    private final int total;
    private final int concurrency;
    private final PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
            StandardCharsets.US_ASCII);
    private final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final List<Conn> open = new ArrayList<>();
    private final ArrayDeque<Conn> inFlight = new ArrayDeque<>();
    private final Map<String, Integer> failures = new LinkedHashMap<>();
    private final Histogram upgrade = new Histogram(60_000_000L, 3);
    private final byte[] message = new byte[MESSAGE_SIZE];
    private int started;
    private int handshaking;
    private int failed;
    private boolean reportedConnected;

    // Echo phase.
    private final Histogram echo = new Histogram(60_000_000L, 3);
    private long echoRecordFrom;
    private long echoStopAt;
    private long echoMsgs;
    private int echoOutstanding;
    private boolean echoSending;
    private boolean echoActive;
    private double echoSeconds;

    // Broadcast phase.
    private boolean broadcast;
    private int[] receivedBy;     // per message: how many sockets of this process have it
    private int expectedPerMessage;
    private long broadcastReceived;
    private long broadcastGaps;

    private WsLoad(Map<String, String> o) throws IOException {
        selector = Selector.open();
        String host = o.getOrDefault("--host", "127.0.0.1");
        int port = Integer.parseInt(required(o, "--port"));
        server = new InetSocketAddress(host, port);
        hostPort = host + ":" + port;
        source = o.containsKey("--source") ? new InetSocketAddress(o.get("--source"), 0) : null;
        path = o.getOrDefault("--path", "/ws");
        total = Integer.parseInt(required(o, "--connections"));
        concurrency = Integer.parseInt(o.getOrDefault("--concurrency", "256"));
        for (int i = 0; i < message.length; i++) message[i] = (byte) ('a' + i % 26);
    }

    public static void main(String[] args) throws Exception {
        // Thousands of sockets: grow the descriptor table now, not in stalls between handshakes (see FileTable).
        dev.gannet.engine.FileTable.reserve();
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) o.put(args[i], args[i + 1]);
        new WsLoad(o).run();
    }

    private static String required(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) throw new IllegalArgumentException("WsLoad: " + name + " is required");
        return v;
    }

    private void run() throws IOException {
        Thread stdin = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
                String line;
                while ((line = in.readLine()) != null) {
                    commands.add(line.trim());
                    selector.wakeup();
                }
            } catch (IOException e) {
                // Same as end of input.
            }
            commands.add("quit");
            selector.wakeup();
        }, "stdin");
        stdin.setDaemon(true);
        stdin.start();

        while (true) {
            long now = System.nanoTime();
            while (started < total && handshaking < concurrency) startOne();
            expireHandshakes(now);
            if (!reportedConnected && started == total && handshaking == 0) reportConnected();
            if (echoActive) echoTick(now);
            String cmd;
            while ((cmd = commands.poll()) != null) {
                if (!command(cmd)) {
                    out.flush();
                    return;
                }
            }
            out.flush();
            selector.select(echoActive ? 10 : 100);
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                Conn c = (Conn) k.attachment();
                try {
                    if (k.isValid() && k.isConnectable()) connected(c);
                    if (k.isValid() && k.isWritable()) flushUnwritten(c);
                    if (k.isValid() && k.isReadable()) read(c);
                } catch (IOException | RuntimeException e) {
                    lose(c, e);
                }
            }
        }
    }

    // ---- connect and upgrade

    private void startOne() {
        started++;
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (source != null) ch.bind(source);
            Conn c = new Conn(ch, System.nanoTime(), WsFrames.newKey());
            handshaking++;
            inFlight.add(c);
            if (ch.connect(server)) {
                c.selectionKey = ch.register(selector, 0, c);
                connected(c);
            } else {
                c.selectionKey = ch.register(selector, SelectionKey.OP_CONNECT, c);
            }
        } catch (IOException | RuntimeException e) {
            fail(e.toString());
            if (ch != null) closeQuietly(ch);
            // A failed start still counts as started; when it never got in flight, it must not hold a slot.
            if (inFlight.peekLast() != null && inFlight.peekLast().ch == ch) {
                inFlight.pollLast().state = State.CLOSED;
                handshaking--;
            }
        }
    }

    private void connected(Conn c) throws IOException {
        if (c.state == State.CONNECTING) {
            c.ch.finishConnect();
            c.state = State.HANDSHAKE;
            c.selectionKey.interestOps(SelectionKey.OP_READ);
            write(c, ByteBuffer.wrap(WsFrames.upgradeRequest(hostPort, path, c.key)));
        }
    }

    /** The handshakes started first time out first, so only the head of the queue needs looking at. */
    private void expireHandshakes(long now) {
        Conn c;
        while ((c = inFlight.peekFirst()) != null) {
            if (c.state != State.CONNECTING && c.state != State.HANDSHAKE) {
                inFlight.pollFirst();
            } else if (now - c.started > HANDSHAKE_TIMEOUT_NANOS) {
                inFlight.pollFirst();
                lose(c, new IOException("no 101 within " + HANDSHAKE_TIMEOUT_NANOS / 1_000_000_000 + " s"));
            } else {
                return;
            }
        }
    }

    private void upgraded(Conn c, String head) throws IOException {
        String wrong = WsFrames.checkUpgrade(head, c.key);
        if (wrong != null) throw new IOException(wrong);
        upgrade.recordValue(Math.max(1, (System.nanoTime() - c.started) / 1000));
        c.state = State.OPEN;
        handshaking--;
        open.add(c);
    }

    private void reportConnected() {
        reportedConnected = true;
        for (Map.Entry<String, Integer> f : failures.entrySet()) out.println("FAIL " + f.getValue() + "x " + f.getKey());
        out.println("CONNECTED ok=" + open.size() + " failed=" + failed + " hist=" + encode(upgrade));
    }

    // ---- reading

    private void read(Conn c) throws IOException {
        ByteBuffer b = readBuffer;
        b.clear();
        if (c.pendingLength > 0) {
            b.put(c.pending, 0, c.pendingLength);
            c.pendingLength = 0;
        }
        int n = c.ch.read(b);
        if (n < 0) throw new IOException("closed by the server");
        b.flip();
        if (c.state == State.HANDSHAKE) {
            int end = WsFrames.headEnd(b, 0, b.limit());
            if (end < 0) {
                if (b.limit() > 16 * 1024) throw new IOException("response head too large");
                keep(c, b);
                return;
            }
            byte[] head = new byte[end];
            b.get(head);
            upgraded(c, new String(head, StandardCharsets.ISO_8859_1));
        }
        while (c.state == State.OPEN) {
            int p = b.position();
            int avail = b.limit() - p;
            int hs = WsFrames.headerSize(b, p, avail);
            if (hs == 0) break;
            if (WsFrames.masked(b, p)) throw new IOException("the server masked a frame");
            long len = WsFrames.payloadLength(b, p);
            if (hs + len > b.capacity()) throw new IOException("frame too large for the load tool: " + len);
            if (avail < hs + len) break;
            frame(c, WsFrames.opcode(b, p), b, p + hs, (int) len);
            b.position(p + hs + (int) len);
        }
        if (c.state == State.OPEN) keep(c, b);
    }

    private static void keep(Conn c, ByteBuffer b) {
        int r = b.remaining();
        if (r == 0) return;
        if (c.pending.length < r) c.pending = new byte[Math.max(r, 64)];
        b.get(c.pending, 0, r);
        c.pendingLength = r;
    }

    private void frame(Conn c, int opcode, ByteBuffer b, int at, int len) throws IOException {
        switch (opcode) {
            case WsFrames.TEXT, WsFrames.BINARY -> {
                if (broadcast) {
                    received(c, b, at, len);
                } else if (c.echoing) {
                    echoed(c);
                }
            }
            case WsFrames.PING -> {
                byte[] payload = new byte[len];
                b.get(at, payload);
                sendFrame(c, WsFrames.PONG, payload, len);
            }
            case WsFrames.CLOSE -> throw new IOException("close frame from the server");
            default -> { } // pong, continuation: not part of the bench's traffic
        }
    }

    // ---- echo

    private void startEcho(int count, double warmupSeconds, double seconds) throws IOException {
        long now = System.nanoTime();
        echo.reset();
        echoMsgs = 0;
        echoRecordFrom = now + (long) (warmupSeconds * 1e9);
        echoStopAt = echoRecordFrom + (long) (seconds * 1e9);
        echoSeconds = seconds;
        echoSending = true;
        echoActive = true;
        echoOutstanding = 0;
        for (int i = 0; i < Math.min(count, open.size()); i++) {
            Conn c = open.get(i);
            if (c.state != State.OPEN) continue;
            c.echoing = true;
            sendEcho(c);
        }
        if (echoOutstanding == 0) finishEcho();
    }

    private void sendEcho(Conn c) throws IOException {
        c.sentAt = System.nanoTime();
        echoOutstanding++;
        sendFrame(c, WsFrames.TEXT, message, message.length);
    }

    private void echoed(Conn c) throws IOException {
        long now = System.nanoTime();
        echoOutstanding--;
        if (now >= echoRecordFrom && c.sentAt >= echoRecordFrom && now <= echoStopAt) {
            echo.recordValue(Math.max(1, (now - c.sentAt) / 1000));
            echoMsgs++;
        }
        if (echoSending && now < echoStopAt) {
            sendEcho(c);
        } else {
            c.echoing = false;
        }
        if (!echoSending && echoOutstanding == 0) finishEcho();
    }

    /** Stops sending at the end of the window; the answers still in flight are awaited for up to 5 s. */
    private void echoTick(long now) {
        if (echoSending && now >= echoStopAt) {
            echoSending = false;
            if (echoOutstanding == 0) finishEcho();
        } else if (!echoSending && now - echoStopAt > 5_000_000_000L) {
            finishEcho();
        }
    }

    private void finishEcho() {
        if (!echoActive) return;
        echoActive = false;
        echoSending = false;
        for (Conn c : open) c.echoing = false;
        out.println("ECHO msgs=" + echoMsgs + " seconds=" + echoSeconds + " outstanding=" + echoOutstanding
                + " hist=" + encode(echo));
    }

    // ---- broadcast

    private void startBroadcast() {
        broadcast = true;
        receivedBy = new int[MAX_BROADCASTS];
        expectedPerMessage = 0;
        for (Conn c : open) {
            if (c.state == State.OPEN) expectedPerMessage++;
            c.nextSeq = 0;
        }
        broadcastReceived = 0;
        broadcastGaps = 0;
    }

    /** Payloads are "b" and a 10-digit sequence number; each socket must see them in order, without holes. */
    private void received(Conn c, ByteBuffer b, int at, int len) {
        if (len < 11 || b.get(at) != 'b') return;
        int seq = 0;
        for (int i = 1; i <= 10; i++) seq = seq * 10 + (b.get(at + i) - '0');
        if (seq < c.nextSeq || seq >= MAX_BROADCASTS) return;
        broadcastGaps += seq - c.nextSeq;
        c.nextSeq = seq + 1;
        broadcastReceived++;
        if (++receivedBy[seq] == expectedPerMessage) out.println("DONE " + seq);
    }

    // ---- writing

    private void sendFrame(Conn c, int opcode, byte[] payload, int len) throws IOException {
        ByteBuffer w = writeBuffer;
        w.clear();
        WsFrames.putMasked(w, opcode, payload, 0, len);
        w.flip();
        write(c, w);
    }

    /** Writes now; what the socket does not take is copied aside and written when it becomes writable. */
    private void write(Conn c, ByteBuffer data) throws IOException {
        if (c.unwritten != null) {
            ByteBuffer more = ByteBuffer.allocate(c.unwritten.remaining() + data.remaining());
            more.put(c.unwritten).put(data).flip();
            c.unwritten = more;
            return;
        }
        c.ch.write(data);
        if (data.hasRemaining()) {
            c.unwritten = ByteBuffer.allocate(data.remaining()).put(data).flip();
            c.selectionKey.interestOps(c.selectionKey.interestOps() | SelectionKey.OP_WRITE);
        }
    }

    private void flushUnwritten(Conn c) throws IOException {
        if (c.unwritten == null) return;
        c.ch.write(c.unwritten);
        if (!c.unwritten.hasRemaining()) {
            c.unwritten = null;
            c.selectionKey.interestOps(SelectionKey.OP_READ);
        }
    }

    // ---- commands and failures

    private boolean command(String line) throws IOException {
        String[] w = line.split("\\s+");
        switch (w[0]) {
            case "echo" -> startEcho(Integer.parseInt(w[1]), Double.parseDouble(w[2]), Double.parseDouble(w[3]));
            case "bcast" -> {
                startBroadcast();
                out.println("BCAST expected=" + expectedPerMessage);
            }
            case "bstat" -> out.println("BSTAT received=" + broadcastReceived + " gaps=" + broadcastGaps + " open="
                    + open.stream().filter(c -> c.state == State.OPEN).count());
            case "quit" -> {
                return false;
            }
            default -> out.println("ERROR unknown command " + line);
        }
        return true;
    }

    /** A socket failed: during the upgrade it counts as a failed connection; after it, it just leaves. */
    private void lose(Conn c, Exception e) {
        if (c.state == State.CLOSED) return;
        if (c.state == State.CONNECTING || c.state == State.HANDSHAKE) {
            handshaking--;
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
        } else if (c.echoing) {
            c.echoing = false;
            echoOutstanding--;
            if (echoActive && !echoSending && echoOutstanding == 0) finishEcho();
        }
        c.state = State.CLOSED;
        closeQuietly(c.ch);
    }

    private void fail(String why) {
        failed++;
        failures.merge(why, 1, Integer::sum);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // Nothing to do about it.
        }
    }

    static String encode(Histogram h) {
        ByteBuffer b = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int n = h.encodeIntoCompressedByteBuffer(b);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(b.array(), n));
    }

    static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalArgumentException("bad histogram", e);
        }
    }
}
