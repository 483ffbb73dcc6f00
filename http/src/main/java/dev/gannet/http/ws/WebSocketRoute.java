package dev.gannet.http.ws;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.Request;
import dev.gannet.http.Response;
import dev.gannet.http.ws.codec.PerMessageDeflate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The route handler behind {@code HttpServer.ws}: checks the opening handshake (RFC 6455 section 4.2), answers 101
 * and hands the connection to a {@link WsSession}. A request that is not an upgrade gets 426; a malformed one 400;
 * an Origin outside the allow-list 403.
 */
public final class WebSocketRoute {
    private static final byte[] GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.US_ASCII);

    private WebSocketRoute() {
    }

    public static HttpHandler handler(WebSocketConfig config, WebSocketHandler handler) {
        return handler(config, handler, Duration.ZERO);
    }

    /**
     * @param idleTimeout the server's idle timeout (zero for none), which still applies once a connection is
     *                    upgraded: an idle socket closes itself with 1001 shortly before it, rather than be reset
     */
    public static HttpHandler handler(WebSocketConfig config, WebSocketHandler handler, Duration idleTimeout) {
        return (req, res) -> upgrade(config, handler, idleTimeout, req, res);
    }

    private static void upgrade(WebSocketConfig config, WebSocketHandler handler, Duration idleTimeout, Request req,
                                Response res) {
        // The checks read the request head in place: a handshake makes no String it does not keep.
        if (!req.headerHasToken("Upgrade", "websocket") || !req.headerHasToken("Connection", "upgrade")) {
            res.status(426).header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
                    .text("Upgrade Required: this endpoint speaks WebSocket\n");
            return;
        }
        if (!req.headerHasToken("Sec-WebSocket-Version", "13")) {
            res.status(426).header("Sec-WebSocket-Version", "13").text("Upgrade Required: WebSocket version 13 only\n");
            return;
        }
        Handshake h = Handshake.LOCAL.get();
        int keyLength = req.copyHeader("Sec-WebSocket-Key", h.key);
        if (!validKey(h.key, keyLength)) {
            res.status(400).closeConnection().text("Bad Request: Sec-WebSocket-Key must be 16 bytes in base64\n");
            return;
        }
        if (!config.allowedOrigins().isEmpty()) {
            // Browsers always send Origin, and the list exists to stop other sites' pages: a handshake without one
            // comes from a program, which could write any Origin it liked anyway.
            String origin = trim(req.header("Origin"));
            if (origin != null && !config.allowedOrigins().contains(origin)) {
                res.status(403).text("Forbidden: origin not allowed\n");
                return;
            }
        }
        String subprotocol = config.subprotocols().isEmpty() ? null
                : chooseSubprotocol(config.subprotocols(), req.headers("Sec-WebSocket-Protocol"));
        PerMessageDeflate.Params deflate = null;
        if (config.compression() && req.copyHeader("Sec-WebSocket-Extensions", h.probe) != -1) {
            deflate = PerMessageDeflate.negotiate(req.headers("Sec-WebSocket-Extensions"), false);
        }
        res.status(101).header("Upgrade", "websocket").header("Connection", "Upgrade")
                .header("Sec-WebSocket-Accept", h.accept(h.key, keyLength));
        if (subprotocol != null) res.header("Sec-WebSocket-Protocol", subprotocol);
        if (deflate != null) res.header("Sec-WebSocket-Extensions", PerMessageDeflate.responseHeader(deflate));
        String path = req.path();
        String[] params = req.pathParams();
        PerMessageDeflate.Params agreed = deflate;
        res.end();
        res.takeover(conn -> WsSession.server(conn, config, handler, path, params, subprotocol, agreed, idleTimeout));
    }

    /** base64(SHA-1(key + GUID)), section 4.2.2: for the client, which checks the server's answer. */
    static String accept(String key) {
        byte[] k = key.getBytes(StandardCharsets.US_ASCII);
        return Handshake.LOCAL.get().accept(k, k.length);
    }

    /**
     * A key is 16 bytes in base64: 22 alphabet characters and "==". The last of the 22 carries 2 bits of the key and
     * 4 zero bits, so it is one of A, Q, g, w. Checked in place, without decoding.
     */
    static boolean validKey(byte[] key, int length) {
        if (length != 24 || key[22] != '=' || key[23] != '=') return false;
        for (int i = 0; i < 22; i++) {
            byte c = key[i];
            boolean alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!alphabet) return false;
        }
        byte last = key[21];
        return last == 'A' || last == 'Q' || last == 'g' || last == 'w';
    }

    /** Per-thread scratch for handshakes: the key's bytes, the digest, and SHA-1 itself. */
    private static final class Handshake {
        static final ThreadLocal<Handshake> LOCAL = ThreadLocal.withInitial(Handshake::new);
        final byte[] key = new byte[64];
        final byte[] probe = new byte[0];
        private final byte[] digest = new byte[20];
        private final MessageDigest sha1;

        private Handshake() {
            try {
                sha1 = MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-1", e);
            }
        }

        String accept(byte[] key, int length) {
            sha1.reset();
            sha1.update(key, 0, length);
            sha1.update(GUID);
            try {
                sha1.digest(digest, 0, 20);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
            return Base64.getEncoder().encodeToString(digest);
        }
    }

    /** The first of the server's subprotocols, in its order of preference, that the client offered. */
    static String chooseSubprotocol(List<String> ours, List<String> offered) {
        if (ours.isEmpty() || offered.isEmpty()) return null;
        for (String p : ours) {
            for (String header : offered) {
                for (String o : header.split(",")) {
                    if (o.trim().equals(p)) return p;
                }
            }
        }
        return null;
    }

    /** Whether a comma-separated header (any of its lines) holds the token, ignoring case. */
    static boolean hasToken(List<String> values, String token) {
        for (String v : values) {
            for (String t : v.split(",")) {
                if (t.trim().equalsIgnoreCase(token)) return true;
            }
        }
        return false;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }
}
