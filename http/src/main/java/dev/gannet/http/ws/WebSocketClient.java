package dev.gannet.http.ws;

import dev.gannet.http.ws.codec.PerMessageDeflate;
import dev.gannet.transport.Action;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.TcpClient;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client on the Gannet transport: the same event loops, the same session code as the server (masking
 * its frames, as a client must).
 *
 * <pre>{@code
 * WebSocket ws = WebSocketClient.connect(URI.create("ws://localhost:8080/ws"), new WebSocketHandler() {
 *     public void onText(WebSocket ws, String text) { System.out.println(text); }
 * }).join();
 * ws.send("hello");
 * }</pre>
 */
public final class WebSocketClient {
    /** A response head larger than this is refused: a server has no reason to send one. */
    private static final int MAX_RESPONSE_HEAD = 16 * 1024;

    private WebSocketClient() {
    }

    /**
     * Options of a client connection.
     *
     * @param config       limits, compression offer, ping interval, close timeout (origins and subprotocols unused)
     * @param subprotocols offered in Sec-WebSocket-Protocol, in order of preference
     * @param headers      extra request headers (Origin, Authorization, ...)
     * @param transport    the transport settings (engine, TLS for wss://, timeouts)
     */
    public record Options(WebSocketConfig config, List<String> subprotocols, Map<String, String> headers,
                          ClientConfig transport) {
        public Options {
            subprotocols = List.copyOf(subprotocols);
            headers = Map.copyOf(headers);
        }

        public static Options defaults() {
            return new Options(WebSocketConfig.defaults(), List.of(), Map.of(),
                    ClientConfig.builder().tickInterval(Duration.ofSeconds(1)).build());
        }

        public Options withConfig(WebSocketConfig c) {
            return new Options(c, subprotocols, headers, transport);
        }

        public Options withSubprotocols(List<String> p) {
            return new Options(config, p, headers, transport);
        }

        public Options withHeader(String name, String value) {
            Map<String, String> h = new LinkedHashMap<>(headers);
            h.put(name, value);
            return new Options(config, subprotocols, h, transport);
        }

        public Options withTransport(ClientConfig t) {
            return new Options(config, subprotocols, headers, t);
        }
    }

    public static CompletableFuture<WebSocket> connect(URI uri, WebSocketHandler handler) {
        return connect(uri, Options.defaults(), handler);
    }

    /** Connects and runs the opening handshake; the future completes once the 101 has been checked. */
    public static CompletableFuture<WebSocket> connect(URI uri, Options options, WebSocketHandler handler) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean secure = scheme.equals("wss");
        if (!secure && !scheme.equals("ws")) throw new IllegalArgumentException("not a ws:// or wss:// URI: " + uri);
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        ClientConfig transport = options.transport();
        if (secure && transport.tls() == null) {
            transport = transport.toBuilder().tls(dev.gannet.tls.TlsConfig.client()).build();
        }
        Handshake hs = new Handshake(uri, port, options, handler);
        TcpClient.connect(new InetSocketAddress(uri.getHost(), port), transport, hs).whenComplete((c, err) -> {
            if (err != null) hs.result.completeExceptionally(err);
        });
        return hs.result;
    }

    /** The transport handler: writes the upgrade request, checks the 101, then hands every event to the session. */
    private static final class Handshake implements Handler {
        final CompletableFuture<WebSocket> result = new CompletableFuture<>();
        private final URI uri;
        private final int port;
        private final Options options;
        private final WebSocketHandler handler;
        private final String key;
        private byte[] head = new byte[512];
        private int headLen;
        private WsSession session;

        Handshake(URI uri, int port, Options options, WebSocketHandler handler) {
            this.uri = uri;
            this.port = port;
            this.options = options;
            this.handler = handler;
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            this.key = Base64.getEncoder().encodeToString(nonce);
        }

        @Override
        public Action onOpen(Connection connection) {
            String target = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) target += "?" + uri.getRawQuery();
            StringBuilder req = new StringBuilder(256)
                    .append("GET ").append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(uri.getHost()).append(':').append(port).append("\r\n")
                    .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\n");
            if (!options.subprotocols().isEmpty()) {
                req.append("Sec-WebSocket-Protocol: ").append(String.join(", ", options.subprotocols())).append("\r\n");
            }
            if (options.config().compression()) {
                req.append("Sec-WebSocket-Extensions: ").append(PerMessageDeflate.clientOffer()).append("\r\n");
            }
            options.headers().forEach((n, v) -> req.append(n).append(": ").append(v).append("\r\n"));
            connection.write(req.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            return Action.KEEP;
        }

        @Override
        public Action onData(Connection connection, ByteBuffer in) {
            if (session != null) return session.onData(in);
            // Read the response head byte by byte up to its blank line, so nothing of the first frames is taken.
            while (in.hasRemaining()) {
                if (headLen == head.length) {
                    if (head.length >= MAX_RESPONSE_HEAD) return fail("the handshake response head is too large");
                    head = java.util.Arrays.copyOf(head, head.length * 2);
                }
                head[headLen++] = in.get();
                if (headLen >= 4 && head[headLen - 4] == '\r' && head[headLen - 3] == '\n'
                        && head[headLen - 2] == '\r' && head[headLen - 1] == '\n') {
                    String error = accept(connection, new String(head, 0, headLen, StandardCharsets.ISO_8859_1));
                    head = null;
                    if (error != null) return fail(error);
                    result.complete(session);
                    session.opened();
                    return in.hasRemaining() ? session.onData(in) : Action.KEEP;
                }
            }
            return Action.KEEP;
        }

        /** Checks the 101 (RFC 6455 4.1); makes the session, or says what is wrong. */
        private String accept(Connection connection, String response) {
            String[] lines = response.split("\r\n");
            String[] status = lines[0].split(" ", 3);
            if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].equals("101")) {
                return "the server answered \"" + lines[0] + "\" instead of 101";
            }
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) continue;
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                headers.merge(name, value, (a, b) -> a + ", " + b);
            }
            if (!"websocket".equalsIgnoreCase(headers.get("upgrade"))) return "the 101 lacks Upgrade: websocket";
            if (!WebSocketRoute.hasToken(List.of(headers.getOrDefault("connection", "")), "upgrade")) {
                return "the 101 lacks Connection: Upgrade";
            }
            if (!WebSocketRoute.accept(key).equals(headers.get("sec-websocket-accept"))) {
                return "Sec-WebSocket-Accept does not match the key";
            }
            String subprotocol = headers.get("sec-websocket-protocol");
            if (subprotocol != null && !options.subprotocols().contains(subprotocol)) {
                return "the server chose subprotocol " + subprotocol + ", which was not offered";
            }
            PerMessageDeflate.Params deflate = null;
            String ext = headers.get("sec-websocket-extensions");
            if (ext != null) {
                if (!options.config().compression()) return "the server agreed to an extension that was not offered: " + ext;
                deflate = PerMessageDeflate.parseResponse(ext);
                if (deflate == null) return "the server's Sec-WebSocket-Extensions is not acceptable: " + ext;
            }
            session = WsSession.client(connection, options.config(), handler, uri.getRawPath(), subprotocol, deflate,
                    options.transport().idleTimeout());
            connection.context(session);
            return null;
        }

        private Action fail(String why) {
            result.completeExceptionally(new java.io.IOException("WebSocket handshake failed: " + why));
            return Action.CLOSE;
        }

        @Override
        public Action onTick(Connection connection) {
            return session != null ? session.onTick() : Action.KEEP;
        }

        @Override
        public Action onEndOfInput(Connection connection) {
            return session != null ? session.onEndOfInput() : fail("the server closed the connection");
        }

        @Override
        public void onWritabilityChanged(Connection connection, boolean writable) {
            if (session != null) session.onWritabilityChanged(writable);
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            if (session != null) session.onClose(cause);
            else result.completeExceptionally(cause != null ? cause : new java.io.IOException("closed during the handshake"));
        }
    }
}
