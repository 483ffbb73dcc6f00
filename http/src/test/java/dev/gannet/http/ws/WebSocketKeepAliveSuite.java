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

import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keep-alive, the idle timeout and the size limits of an upgraded connection, seen on the wire with raw sockets and
 * with Gannet's own client, on every engine. The server's idle timeout is short here (4 s) so that the tests can
 * outlive it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class WebSocketKeepAliveSuite {
    static final Duration IDLE = Duration.ofSeconds(4);

    Server server;
    int port;
    final BlockingQueue<String> closes = new LinkedBlockingQueue<>();

    abstract String engine();

    final WebSocketHandler echo = new WebSocketHandler() {
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
        HttpServer app = HttpServer.create(HttpConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1", 0).engine(engine()).threads(1).idleTimeout(IDLE)
                        .shutdownTimeout(Duration.ofSeconds(3)).build()).build());
        WebSocketConfig pings = WebSocketConfig.builder().pingInterval(Duration.ofSeconds(1))
                .closeTimeout(Duration.ofSeconds(1)).build();
        WebSocketConfig noPings = WebSocketConfig.builder().pingInterval(Duration.ZERO)
                .closeTimeout(Duration.ofSeconds(1)).build();
        // A close timeout far beyond the test's reads: a slow consumer must not wait for it.
        WebSocketConfig tight = WebSocketConfig.builder().compression(false).maxQueuedBytes(64 * 1024)
                .closeTimeout(Duration.ofSeconds(60)).build();
        app.ws("/echo", echo).ws("/pings", pings, echo).ws("/quiet", noPings, echo)
                .ws("/flood", tight, new WebSocketHandler() {
                    @Override
                    public void onText(WebSocket ws, String text) {
                        String kb = "x".repeat(1024);
                        for (int i = 0; i < 20_000 && ws.isOpen(); i++) ws.send(kb);
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        closes.add(ws.path() + " " + code);
                    }
                });
        server = app.start();
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void theDefaultsPingWellInsideTheIdleTimeoutAndTakeBrowserSizedFrames() {
        WebSocketConfig d = WebSocketConfig.defaults();
        assertThat(d.pingInterval()).isEqualTo(WebSocketConfig.DEFAULT_PING_INTERVAL).isEqualTo(Duration.ofSeconds(30))
                .isLessThan(ServerConfig.DEFAULT_IDLE_TIMEOUT);
        assertThat(d.maxFramePayload()).isEqualTo(d.maxMessageSize()).isEqualTo(1024 * 1024);
        // The frame limit follows the message limit unless it is set; a frame above the message limit is refused.
        assertThat(WebSocketConfig.builder().maxMessageSize(16 * 1024).build().maxFramePayload()).isEqualTo(16 * 1024);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> WebSocketConfig.builder().maxFramePayload(2 * 1024 * 1024).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFramePayload");
        assertThat(WebSocketConfig.builder().pingInterval(null).build().pingInterval()).isEqualTo(Duration.ZERO);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> WebSocketConfig.builder().pingInterval(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPeerThatAnswersPingsOutlivesTheIdleTimeout() throws Exception {
        // Gannet's client answers pings by itself; the raw socket answers each one it reads, by hand.
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        WebSocket client = WebSocketClient.connect(uri("/pings"),
                WebSocketClient.Options.defaults().withConfig(WebSocketConfig.builder().pingInterval(Duration.ZERO).build())
                        .withTransport(ClientConfig.builder().engine(engine()).tickInterval(Duration.ofSeconds(1)).build()),
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
        try (RawWs raw = RawWs.open(port, "/pings", "")) {
            long end = System.nanoTime() + IDLE.toNanos() + TimeUnit.SECONDS.toNanos(3);
            int pings = 0;
            raw.socket.setSoTimeout(1000);
            while (System.nanoTime() < end) {
                RawWs.Frame f;
                try {
                    f = raw.read();
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                }
                assertThat(f.opcode()).as("only pings arrive on a quiet socket").isEqualTo(9);
                pings++;
                raw.frame(true, 0, 10, f.payload());
            }
            assertThat(pings).as("pings in %s", IDLE.plusSeconds(3)).isGreaterThanOrEqualTo(3);
            raw.socket.setSoTimeout(10_000);
            raw.text("still here");
            RawWs.Frame echo;
            do {
                echo = raw.read();
            } while (echo.opcode() == 9);
            assertThat(echo.text()).isEqualTo("still here");
            assertThat(client.isOpen()).isTrue();
            client.send("me too");
            assertThat(got.poll(10, TimeUnit.SECONDS)).isEqualTo("me too");
            assertThat(closes).as("no socket was closed").isEmpty();
        }
        client.close();
    }

    @Test
    void aPeerThatDoesNotAnswerPingsGetsGoingAwayThenAnOrderlyEnd() throws Exception {
        try (RawWs ws = RawWs.open(port, "/pings", "")) {
            List<Integer> opcodes = new ArrayList<>();
            RawWs.Frame f;
            do {
                f = ws.read();
                opcodes.add(f.opcode());
            } while (f.opcode() != 8);
            assertThat(opcodes.getFirst()).isEqualTo(9);
            assertThat(closeCode(f)).isEqualTo(CloseCodes.GOING_AWAY);
            assertEndsWithFinNotReset(ws);
        }
        assertThat(closes.poll(5, TimeUnit.SECONDS)).isEqualTo("/pings 1001");
    }

    @Test
    void theIdleTimeoutWithoutPingsIsAGoingAwayCloseFrameNotAReset() throws Exception {
        try (RawWs ws = RawWs.open(port, "/quiet", "")) {
            long opened = System.nanoTime();
            RawWs.Frame f = ws.read();
            assertThat(f.opcode()).as("a close frame, not a ping").isEqualTo(8);
            assertThat(closeCode(f)).isEqualTo(CloseCodes.GOING_AWAY);
            assertThat(System.nanoTime() - opened).as("closed before the idle timeout's reset")
                    .isLessThan(IDLE.toNanos());
            // The close handshake, answered: the server ends the connection with a FIN.
            ws.frame(true, 0, 8, RawWs.closePayload(1001, ""));
            assertEndsWithFinNotReset(ws);
        }
        assertThat(closes.poll(5, TimeUnit.SECONDS)).isEqualTo("/quiet 1001");
    }

    @Test
    void aSlowConsumerIsHandedToTheTransportsCloseAtOnce() throws Exception {
        try (RawWs ws = RawWs.open(port, "/flood", "")) {
            ws.socket.setReceiveBufferSize(4096);
            ws.text("go");
            assertThat(closes.poll(10, TimeUnit.SECONDS)).isEqualTo("/flood 1008");
            // Reading now: what was queued, then the 1008, then the end, without our close frame in answer and
            // without the minute of close timeout the endpoint is configured with.
            assertThat(ws.readCloseCode()).isEqualTo(CloseCodes.POLICY_VIOLATION);
            assertEndsWithFinNotReset(ws);
        }
    }

    @Test
    void aBrowserSizedMessageInOneFrameIsEchoedAndOneByteOverTheLimitIs1009() throws Exception {
        byte[] text = new byte[70_000];
        Arrays.fill(text, (byte) 'b');
        try (RawWs ws = RawWs.open(port, "/echo", "")) {
            ws.frame(true, 0, 1, text);
            RawWs.Frame echo = ws.read();
            assertThat(echo.opcode()).isEqualTo(1);
            assertThat(echo.payload()).isEqualTo(text);
        }
        int limit = WebSocketConfig.defaults().maxMessageSize();
        try (RawWs ws = RawWs.open(port, "/echo", "")) {
            // The header alone says the frame is too big: the server refuses it before any payload arrives.
            ws.raw(new byte[] {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 0,
                    (byte) ((limit + 1) >>> 24), (byte) ((limit + 1) >>> 16), (byte) ((limit + 1) >>> 8), (byte) (limit + 1),
                    1, 2, 3, 4});
            assertThat(ws.readCloseCode()).isEqualTo(CloseCodes.TOO_BIG);
        }
        try (RawWs ws = RawWs.open(port, "/echo", "")) {
            // Exactly at the limit, in one frame: accepted.
            ws.frame(true, 0, 2, new byte[limit]);
            RawWs.Frame echo = ws.read();
            assertThat(echo.opcode()).isEqualTo(2);
            assertThat(echo.payload()).hasSize(limit);
        }
    }

    @Test
    void upgradeRequiredHasItsReasonPhraseOnTheWire() throws Exception {
        try (RawWs raw = new RawWs(port)) {
            raw.raw("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 426 Upgrade Required\r\n");
        }
        try (RawWs raw = new RawWs(port)) {
            raw.raw(("GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(raw.readHead()).startsWith("HTTP/1.1 426 Upgrade Required\r\n")
                    .contains("Sec-WebSocket-Version: 13");
        }
    }

    java.net.URI uri(String path) {
        return java.net.URI.create("ws://127.0.0.1:" + port + path);
    }

    static int closeCode(RawWs.Frame f) {
        return f.payload().length >= 2 ? ((f.payload()[0] & 0xff) << 8) | (f.payload()[1] & 0xff) : 1005;
    }

    /** After the close frame: nothing but EOF. A reset (or more frames) fails. */
    static void assertEndsWithFinNotReset(RawWs ws) throws IOException {
        try {
            assertThat(ws.in.read()).as("EOF after the close frame").isEqualTo(-1);
        } catch (SocketException e) {
            throw new AssertionError("the connection was reset instead of closed: " + e, e);
        }
    }
}
