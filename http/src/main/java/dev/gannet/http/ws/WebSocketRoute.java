package dev.gannet.http.ws;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.Request;
import dev.gannet.http.Response;
import dev.gannet.http.ws.codec.PerMessageDeflate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * The route handler behind {@code HttpServer.ws}: checks the opening handshake (RFC 6455 section 4.2), answers 101
 * and hands the connection to a {@link WsSession}. A request that is not an upgrade gets 426; a malformed one 400;
 * an Origin outside the allow-list 403.
 */
public final class WebSocketRoute {
    private static final byte[] GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.US_ASCII);
    /** SHA-1 is needed once per handshake; a digest per thread keeps the upgrade from allocating one each time. */
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    });

    private WebSocketRoute() {
    }

    public static HttpHandler handler(WebSocketConfig config, WebSocketHandler handler, Topics topics) {
        return (req, res) -> upgrade(config, handler, req, res);
    }

    private static void upgrade(WebSocketConfig config, WebSocketHandler handler, Request req, Response res) {
        if (!hasToken(req.headers("Upgrade"), "websocket") || !hasToken(req.headers("Connection"), "upgrade")) {
            res.status(426).header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
                    .text("Upgrade Required: this endpoint speaks WebSocket\n");
            return;
        }
        if (!"13".equals(trim(req.header("Sec-WebSocket-Version")))) {
            res.status(426).header("Sec-WebSocket-Version", "13").text("Upgrade Required: WebSocket version 13 only\n");
            return;
        }
        String key = trim(req.header("Sec-WebSocket-Key"));
        if (key == null || !validKey(key)) {
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
        String subprotocol = chooseSubprotocol(config.subprotocols(), req.headers("Sec-WebSocket-Protocol"));
        PerMessageDeflate.Params deflate = null;
        if (config.compression()) {
            List<String> offers = req.headers("Sec-WebSocket-Extensions");
            if (!offers.isEmpty()) deflate = PerMessageDeflate.negotiate(offers, false);
        }
        res.status(101).header("Upgrade", "websocket").header("Connection", "Upgrade")
                .header("Sec-WebSocket-Accept", accept(key));
        if (subprotocol != null) res.header("Sec-WebSocket-Protocol", subprotocol);
        if (deflate != null) res.header("Sec-WebSocket-Extensions", PerMessageDeflate.responseHeader(deflate));
        String path = req.path();
        String[] params = req.pathParams();
        PerMessageDeflate.Params agreed = deflate;
        res.end();
        res.takeover(conn -> WsSession.server(conn, config, handler, path, params, subprotocol, agreed));
    }

    /** base64(SHA-1(key + GUID)), section 4.2.2. */
    static String accept(String key) {
        MessageDigest sha1 = SHA1.get();
        sha1.reset();
        sha1.update(key.getBytes(StandardCharsets.US_ASCII));
        sha1.update(GUID);
        return Base64.getEncoder().encodeToString(sha1.digest());
    }

    private static boolean validKey(String key) {
        if (key.length() != 24) return false;
        try {
            return Base64.getDecoder().decode(key).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
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
