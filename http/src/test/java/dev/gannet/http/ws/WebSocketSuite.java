package dev.gannet.http.ws;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WebSocket server against the JDK's client, Gannet's own client and raw sockets, written once and run on every
 * engine. The protocol's byte-level rules are tested on the decoder itself ({@code codec} tests); here, what a
 * connection does with them: close codes on the wire, limits, the close handshake, topics, slow consumers.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class WebSocketSuite {
    Server server;
    HttpServer app;
    int port;
    final BlockingQueue<String> closes = new LinkedBlockingQueue<>();
    final AtomicInteger flooded = new AtomicInteger();
    final java.util.concurrent.atomic.AtomicLong droppedAfterFlood = new java.util.concurrent.atomic.AtomicLong(-1);

    abstract String engine();

    WebSocketHandler echo = new WebSocketHandler() {
        @Override
        public void onText(WebSocket ws, String text) {
            ws.send(text);
        }

        @Override
        public void onBinary(WebSocket ws, ByteBuffer data) {
            ws.send(data);
        }

        @Override
        public void onClose(WebSocket ws, int code, String reason) {
            closes.add(ws.path() + " " + code);
        }
    };

    @BeforeEach
    void start() throws Exception {
        app = HttpServer.create(HttpConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1", 0).engine(engine()).threads(1)
                        .shutdownTimeout(Duration.ofSeconds(3)).build()).build());
        Topics topics = app.topics();
        app.ws("/echo", echo)
                .ws("/small", WebSocketConfig.builder().maxFramePayload(500).maxMessageSize(1000).build(), echo)
                .ws("/proto", WebSocketConfig.builder().subprotocols(List.of("v2.chat", "v1.chat")).build(), echo)
                .ws("/origin", WebSocketConfig.builder().allowedOrigins(List.of("https://good.example")).build(), echo)
                .ws("/ping", WebSocketConfig.builder().pingInterval(Duration.ofSeconds(1)).build(), echo)
                .ws("/room/{name}", new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        topics.topic(ws.pathParam("name")).subscribe(ws);
                        ws.send("joined " + ws.pathParam("name"));
                    }

                    @Override
                    public void onText(WebSocket ws, String text) {
                        topics.topic(ws.pathParam("name")).publish(text);
                    }
                })
                .ws("/flood", WebSocketConfig.builder().maxQueuedBytes(64 * 1024).build(), new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        String kb = "x".repeat(1024);
                        for (int i = 0; i < 20_000 && ws.isOpen(); i++) if (!ws.send(kb)) flooded.incrementAndGet();
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        closes.add(ws.path() + " " + code);
                    }
                })
                .ws("/drop", WebSocketConfig.builder().maxQueuedBytes(64 * 1024)
                        .slowConsumer(WebSocketConfig.SlowConsumer.DROP).build(), new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        if (!text.equals("go")) {
                            ws.send("open: " + text);
                            return;
                        }
                        String kb = "x".repeat(1024);
                        for (int i = 0; i < 20_000; i++) ws.send(kb);
                        droppedAfterFlood.set(ws.droppedMessages());
                    }
                })
                .ws("/closer", new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        ws.close(4000, "bye " + text);
                    }
                });
        server = app.start();
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    URI uri(String path) {
        return URI.create("ws://127.0.0.1:" + port + path);
    }

    /** A JDK client listener that queues what it receives as strings ("text:..", "close:code"). */
    static final class Recorder implements java.net.http.WebSocket.Listener {
        final BlockingQueue<String> got = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private int binary;

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                got.add("text:" + text);
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(java.net.http.WebSocket ws, ByteBuffer data, boolean last) {
            binary += data.remaining();
            if (last) {
                got.add("binary:" + binary);
                binary = 0;
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(java.net.http.WebSocket ws, int code, String reason) {
            got.add("close:" + code + ":" + reason);
            return null;
        }

        String next() throws InterruptedException {
            String s = got.poll(10, TimeUnit.SECONDS);
            assertThat(s).as("a message within 10 s").isNotNull();
            return s;
        }
    }

    java.net.http.WebSocket jdk(String path, Recorder r) {
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri(path), r).join();
    }

    @Test
    void jdkClientEchoesTextAndBinaryAndClosesCleanly() throws Exception {
        Recorder r = new Recorder();
        java.net.http.WebSocket ws = jdk("/echo", r);
        ws.sendText("hello κόσμε", true).join();
        assertThat(r.next()).isEqualTo("text:hello κόσμε");
        ws.sendBinary(ByteBuffer.wrap(new byte[70_000 / 2]), true).join();
        assertThat(r.next()).isEqualTo("binary:35000");
        // A message in fragments is joined before the handler sees it.
        ws.sendText("frag", false).join();
        ws.sendText("ment", true).join();
        assertThat(r.next()).isEqualTo("text:fragment");
        ws.sendClose(1000, "done").join();
        assertThat(r.next()).startsWith("close:1000");
        assertThat(closes.poll(5, TimeUnit.SECONDS)).isEqualTo("/echo 1000");
    }

    @Test
    void gannetClientWithPermessageDeflateBothWays() throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        WebSocket ws = WebSocketClient.connect(uri("/echo"),
                WebSocketClient.Options.defaults().withTransport(ClientConfig.builder().engine(engine())
                        .tickInterval(Duration.ofSeconds(1)).build()),
                new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket s, String text) {
                        got.add(text);
                    }

                    @Override
                    public void onClose(WebSocket s, int code, String reason) {
                        got.add("close " + code);
                    }
                }).get(10, TimeUnit.SECONDS);
        String big = "compressible ".repeat(5000);
        for (int i = 0; i < 5; i++) {
            ws.send(big + i);
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo(big + i);
        }
        ws.send("short");
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("short");
        ws.close();
        assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("close 1000");
    }

    @Test
    void handshakeAnswersAndTheCompressionAgreement() throws Exception {
        try (RawWs ws = RawWs.open(port, "/echo", "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")) {
            // RFC 6455 4.2.2's sample key.
            assertThat(ws.responseHead).contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
                    .containsIgnoringCase("Sec-WebSocket-Extensions: permessage-deflate")
                    .doesNotContain("Content-Length");
        }
        try (RawWs ws = RawWs.open(port, "/proto", "Sec-WebSocket-Protocol: v1.chat, v2.chat\r\n")) {
            assertThat(ws.responseHead).contains("Sec-WebSocket-Protocol: v2.chat");
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> plain = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(426);
        try (RawWs raw = new RawWs(port)) {
            raw.raw(("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 400");
        }
        try (RawWs raw = new RawWs(port)) {
            raw.raw(("GET /origin HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: https://evil.example\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 403");
        }
        try (RawWs ws = RawWs.open(port, "/origin", "Origin: https://good.example\r\n")) {
            ws.text("allowed");
            assertThat(ws.read().text()).isEqualTo("allowed");
        }
        // No Origin at all: not a browser, so not what the list guards against.
        try (RawWs ws = RawWs.open(port, "/origin", "")) {
            ws.text("no origin");
            assertThat(ws.read().text()).isEqualTo("no origin");
        }
    }

    @Test
    void protocolErrorsCloseWithTheirCodesAndOthersGoOn() throws Exception {
        try (RawWs healthy = RawWs.open(port, "/echo", "")) {
            try (RawWs ws = RawWs.open(port, "/echo", "")) {
                ws.raw(RawWs.encode(true, 0, 1, "unmasked".getBytes(StandardCharsets.US_ASCII), false));
                assertThat(ws.readCloseCode()).isEqualTo(1002);
                assertThat(ws.closedByServer()).isTrue();
            }
            try (RawWs ws = RawWs.open(port, "/echo", "")) {
                ws.frame(true, 0, 1, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
                assertThat(ws.readCloseCode()).isEqualTo(1007);
            }
            try (RawWs ws = RawWs.open(port, "/small", "")) {
                ws.frame(true, 0, 2, new byte[501]);
                assertThat(ws.readCloseCode()).isEqualTo(1009);
            }
            try (RawWs ws = RawWs.open(port, "/small", "")) {
                ws.frame(false, 0, 2, new byte[400]).frame(false, 0, 0, new byte[400]).frame(true, 0, 0, new byte[400]);
                assertThat(ws.readCloseCode()).isEqualTo(1009);
            }
            try (RawWs ws = RawWs.open(port, "/echo", "")) {
                ws.frame(true, 2, 1, "rsv2".getBytes(StandardCharsets.US_ASCII));
                assertThat(ws.readCloseCode()).isEqualTo(1002);
            }
            healthy.text("still here");
            assertThat(healthy.read().text()).isEqualTo("still here");
        }
    }

    @Test
    void pingIsAnsweredAndControlFramesMayInterleaveFragments() throws Exception {
        try (RawWs ws = RawWs.open(port, "/echo", "")) {
            ws.frame(false, 0, 1, "Hel".getBytes(StandardCharsets.US_ASCII));
            ws.frame(true, 0, 9, "p".getBytes(StandardCharsets.US_ASCII));
            ws.frame(true, 0, 0, "lo".getBytes(StandardCharsets.US_ASCII));
            RawWs.Frame pong = ws.read();
            assertThat(pong.opcode()).isEqualTo(10);
            assertThat(pong.text()).isEqualTo("p");
            assertThat(ws.read().text()).isEqualTo("Hello");
        }
    }

    @Test
    void serverInitiatedCloseAndTheEchoedCloseCode() throws Exception {
        try (RawWs ws = RawWs.open(port, "/closer", "")) {
            ws.text("now");
            RawWs.Frame close = ws.read();
            assertThat(close.opcode()).isEqualTo(8);
            assertThat(((close.payload()[0] & 0xff) << 8) | (close.payload()[1] & 0xff)).isEqualTo(4000);
            ws.frame(true, 0, 8, RawWs.closePayload(4000, ""));
            assertThat(ws.closedByServer()).isTrue();
        }
        try (RawWs ws = RawWs.open(port, "/echo", "")) {
            ws.frame(true, 0, 8, RawWs.closePayload(3001, "app"));
            assertThat(ws.readCloseCode()).isEqualTo(3001);
            assertThat(ws.closedByServer()).isTrue();
        }
        assertThat(closes.poll(5, TimeUnit.SECONDS)).isEqualTo("/echo 3001");
    }

    @Test
    void roomsBroadcastToEveryMemberOnce() throws Exception {
        List<Recorder> rs = new ArrayList<>();
        List<java.net.http.WebSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Recorder r = new Recorder();
            sockets.add(jdk("/room/lobby", r));
            assertThat(r.next()).isEqualTo("text:joined lobby");
            rs.add(r);
        }
        Recorder other = new Recorder();
        jdk("/room/other", other);
        assertThat(other.next()).isEqualTo("text:joined other");
        // Each member hears every message once; one sender's messages keep their order.
        for (int i = 0; i < 100; i++) sockets.get(i % 3).sendText("m" + (i % 3) + "-" + i, true).join();
        for (Recorder r : rs) {
            List<String> heard = new ArrayList<>();
            for (int i = 0; i < 100; i++) heard.add(r.next());
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 100; i++) expected.add("text:m" + (i % 3) + "-" + i);
            assertThat(heard).containsExactlyInAnyOrderElementsOf(expected);
            for (int sender = 0; sender < 3; sender++) {
                String prefix = "text:m" + sender + "-";
                List<String> fromOne = heard.stream().filter(h -> h.startsWith(prefix)).toList();
                assertThat(fromOne).isEqualTo(expected.stream().filter(h -> h.startsWith(prefix)).toList());
            }
        }
        assertThat(app.topics().topic("lobby").localSubscribers()).isEqualTo(3);
        sockets.get(0).sendClose(1000, "").join();
        sockets.get(0).abort();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (app.topics().topic("lobby").localSubscribers() != 2 && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(app.topics().topic("lobby").localSubscribers()).isEqualTo(2);
        assertThat(other.got.poll(200, TimeUnit.MILLISECONDS)).as("the other room hears nothing").isNull();
    }

    @Test
    void aClientThatDoesNotReadIsClosedAndTheQueueStaysBounded() throws Exception {
        try (RawWs ws = RawWs.open(port, "/flood", "")) {
            ws.socket.setReceiveBufferSize(4096);
            ws.text("go");
            assertThat(closes.poll(10, TimeUnit.SECONDS)).isEqualTo("/flood 1008");
            // The send over the limit was refused (counted just after the close was reported, on the loop).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (flooded.get() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(flooded.get()).isEqualTo(1);
        }
    }

    @Test
    void theDropPolicyRefusesWhatDoesNotFitAndKeepsTheSocket() throws Exception {
        try (RawWs ws = RawWs.open(port, "/drop", "")) {
            ws.text("go");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (droppedAfterFlood.get() < 0 && System.nanoTime() < deadline) Thread.sleep(5);
            // Most of the 20,000 KiB did not fit under the 64 KiB limit and the socket buffers.
            assertThat(droppedAfterFlood.get()).isGreaterThan(10_000);
            ws.text("after");
            int delivered = 0;
            String last;
            do {
                last = ws.read().text();
                delivered++;
            } while (!last.startsWith("open: "));
            assertThat(last).isEqualTo("open: after");
            assertThat(delivered - 1 + droppedAfterFlood.get()).isEqualTo(20_000);
        }
    }

    @Test
    void keepAlivePingsCloseASilentPeer() throws Exception {
        try (RawWs ws = RawWs.open(port, "/ping", "")) {
            RawWs.Frame ping = ws.read();
            assertThat(ping.opcode()).isEqualTo(9);
            // No pong: the next interval ends the socket, with a close frame that says so.
            assertThat(ws.readCloseCode()).isEqualTo(1001);
            ws.frame(true, 0, 8, RawWs.closePayload(1001, ""));
            assertThat(ws.closedByServer()).isTrue();
        }
        assertThat(closes.poll(5, TimeUnit.SECONDS)).isEqualTo("/ping 1001");
    }

    @Test
    void gracefulShutdownSaysGoingAway() throws Exception {
        Recorder r = new Recorder();
        jdk("/echo", r);
        server.shutdownGracefully(Duration.ofSeconds(3));
        assertThat(r.next()).startsWith("close:1001");
    }
}
