package dev.gannet.bench.ws;

import dev.gannet.http.ws.WebSocket;
import dev.gannet.http.ws.WebSocketClient;
import dev.gannet.http.ws.WebSocketConfig;
import dev.gannet.http.ws.WebSocketHandler;
import dev.gannet.transport.ClientConfig;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The WebSocket load tool of {@code bench ws}: one JVM holding thousands of client sockets made with Gannet's own
 * {@link WebSocketClient} on the nio engine. The orchestrator starts several (each under the 20,000 files a process
 * may hold), each binding its sockets to its own source address ({@code ClientConfig.localAddress}) so that
 * ephemeral ports do not run out, and drives them through stdin:
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
 *
 * <p>Threading: the process is pinned to one core, so the client engine runs one event loop; callbacks, the
 * stdin commands and the timer all take this object's lock, which is then almost never contended.
 */
public final class WsLoad implements WebSocketHandler {
    /** The echo and broadcast payload size of the bench (the server's frame is 34 bytes). */
    static final int MESSAGE_SIZE = 32;
    private static final long HANDSHAKE_TIMEOUT_SECONDS = 15;
    private static final int MAX_BROADCASTS = 1 << 20;
    private static final String MESSAGE;

    static {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < MESSAGE_SIZE; i++) b.append((char) ('a' + i % 26));
        MESSAGE = b.toString();
    }

    /** One client socket's bench state, kept as its attachment. */
    private static final class Conn {
        final WebSocket ws;
        boolean echoing;
        long sentAt;
        int nextSeq;

        Conn(WebSocket ws) {
            this.ws = ws;
        }
    }

    private final URI uri;
    private final WebSocketClient.Options options;
    private final int total;
    private final int concurrency;
    private final PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
            StandardCharsets.US_ASCII);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<Conn> open = new ArrayList<>();
    private final Map<String, Integer> failures = new LinkedHashMap<>();
    private final Histogram upgrade = new Histogram(60_000_000L, 3);
    private int started;
    private int finished;
    private int failed;

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

    private WsLoad(Map<String, String> o) {
        String host = o.getOrDefault("--host", "127.0.0.1");
        int port = Integer.parseInt(required(o, "--port"));
        uri = URI.create("ws://" + host + ":" + port + o.getOrDefault("--path", "/ws"));
        ClientConfig.Builder transport = ClientConfig.builder().engine("nio").tickInterval(Duration.ofSeconds(1));
        if (o.containsKey("--source")) transport.localAddress(new InetSocketAddress(o.get("--source"), 0));
        // Compression off, as on every server; frames up to the bench's sizes.
        options = WebSocketClient.Options.defaults().withTransport(transport.build())
                .withConfig(WebSocketConfig.builder().compression(false).build());
        total = Integer.parseInt(required(o, "--connections"));
        concurrency = Integer.parseInt(o.getOrDefault("--concurrency", "256"));
    }

    public static void main(String[] args) throws Exception {
        // Thousands of sockets: grow the descriptor table now, not in stalls between handshakes (see FileTable).
        dev.gannet.engine.internal.FileTable.reserve();
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
        timer.scheduleAtFixedRate(this::tick, 10, 10, TimeUnit.MILLISECONDS);
        synchronized (this) {
            while (started < Math.min(total, concurrency)) startOne();
            if (total == 0) reportConnected();
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this) {
                    if (!command(line.trim())) break;
                    out.flush();
                }
            }
        }
        out.flush();
        System.exit(0);
    }

    // ---- connect and upgrade

    private void startOne() {
        started++;
        long begin = System.nanoTime();
        WebSocketClient.connect(uri, options, this)
                .orTimeout(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .whenComplete((ws, err) -> {
                    synchronized (this) {
                        if (err == null) {
                            upgrade.recordValue(Math.max(1, (System.nanoTime() - begin) / 1000));
                            Conn c = new Conn(ws);
                            ws.attachment(c);
                            open.add(c);
                        } else {
                            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
                            failed++;
                            failures.merge(cause instanceof java.util.concurrent.TimeoutException
                                    ? "no 101 within " + HANDSHAKE_TIMEOUT_SECONDS + " s" : String.valueOf(cause.getMessage()), 1, Integer::sum);
                        }
                        finished++;
                        if (started < total) startOne();
                        if (finished == total) reportConnected();
                        out.flush();
                    }
                });
    }

    private void reportConnected() {
        for (Map.Entry<String, Integer> f : failures.entrySet()) out.println("FAIL " + f.getValue() + "x " + f.getKey());
        out.println("CONNECTED ok=" + open.size() + " failed=" + failed + " hist=" + encode(upgrade));
    }

    // ---- WebSocketHandler: every socket's input

    @Override
    public synchronized void onText(WebSocket ws, String text) {
        Conn c = ws.attachment();
        if (c == null) return;
        if (broadcast) {
            received(c, text);
        } else if (c.echoing) {
            echoed(c);
        }
    }

    @Override
    public synchronized void onBinary(WebSocket ws, ByteBuffer data) {
        Conn c = ws.attachment();
        if (c != null && c.echoing && !broadcast) echoed(c);
    }

    @Override
    public synchronized void onClose(WebSocket ws, int code, String reason) {
        Conn c = ws.attachment();
        if (c != null && c.echoing) {
            c.echoing = false;
            echoOutstanding--;
            if (echoActive && !echoSending && echoOutstanding == 0) finishEcho();
        }
        out.flush();
    }

    // ---- echo

    private void startEcho(int count, double warmupSeconds, double seconds) {
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
            if (!c.ws.isOpen()) continue;
            c.echoing = true;
            sendEcho(c);
        }
        if (echoOutstanding == 0) finishEcho();
    }

    private void sendEcho(Conn c) {
        c.sentAt = System.nanoTime();
        echoOutstanding++;
        c.ws.send(MESSAGE);
    }

    private void echoed(Conn c) {
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
    private synchronized void tick() {
        if (!echoActive) return;
        long now = System.nanoTime();
        if (echoSending && now >= echoStopAt) {
            echoSending = false;
            if (echoOutstanding == 0) finishEcho();
        } else if (!echoSending && now - echoStopAt > 5_000_000_000L) {
            finishEcho();
        }
        out.flush();
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
            if (c.ws.isOpen()) expectedPerMessage++;
            c.nextSeq = 0;
        }
        broadcastReceived = 0;
        broadcastGaps = 0;
    }

    /** Payloads are "b" and a 10-digit sequence number; each socket must see them in order, without holes. */
    private void received(Conn c, String text) {
        if (text.length() < 11 || text.charAt(0) != 'b') return;
        int seq = 0;
        for (int i = 1; i <= 10; i++) seq = seq * 10 + (text.charAt(i) - '0');
        if (seq < c.nextSeq || seq >= MAX_BROADCASTS) return;
        broadcastGaps += seq - c.nextSeq;
        c.nextSeq = seq + 1;
        broadcastReceived++;
        if (++receivedBy[seq] == expectedPerMessage) {
            out.println("DONE " + seq);
            out.flush();
        }
    }

    // ---- commands

    private boolean command(String line) {
        String[] w = line.split("\\s+");
        switch (w[0]) {
            case "echo" -> startEcho(Integer.parseInt(w[1]), Double.parseDouble(w[2]), Double.parseDouble(w[3]));
            case "bcast" -> {
                startBroadcast();
                out.println("BCAST expected=" + expectedPerMessage);
            }
            case "bstat" -> out.println("BSTAT received=" + broadcastReceived + " gaps=" + broadcastGaps + " open="
                    + open.stream().filter(c -> c.ws.isOpen()).count());
            case "quit" -> {
                return false;
            }
            case "" -> { }
            default -> out.println("ERROR unknown command " + line);
        }
        return true;
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
