package dev.gannet.http.ws.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Negotiation of permessage-deflate (RFC 7692 section 7.1) in the Sec-WebSocket-Extensions header. Stateless.
 *
 * <p>Java's {@link java.util.zip.Deflater} always compresses with a 15-bit window, so this side can never promise a
 * smaller one for what it sends; it can inflate whatever window the peer uses, so it never needs to restrict the
 * peer's. The header grammar is RFC 6455 9.1: comma-separated extensions, each a token followed by
 * {@code ; name[=value]} parameters whose values are tokens or quoted strings.
 */
public final class PerMessageDeflate {
    public static final String NAME = "permessage-deflate";
    private static final String SERVER_NO_CONTEXT = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW = "client_max_window_bits";
    private static final int MAX_WINDOW = 15;

    private PerMessageDeflate() {
    }

    /**
     * What was agreed. A window size of 15 means no limit was agreed (15 is the DEFLATE maximum);
     * *NoContextTakeover means that side resets its compressor after every message.
     */
    public record Params(boolean serverNoContextTakeover, boolean clientNoContextTakeover, int serverMaxWindowBits,
                         int clientMaxWindowBits) {
    }

    /**
     * Server side: picks the first acceptable permessage-deflate offer from the client's header values (several
     * headers, each possibly several comma-separated offers). An offer is declined, and the next one considered, if it
     * has an unknown parameter, a parameter twice, a bad value, or server_max_window_bits below 15. Returns null when
     * no offer is acceptable or the header cannot be parsed.
     *
     * @param allowServerNoContextTakeover whether to ask for server_no_context_takeover even if the client did not
     *                                     offer it (RFC 7692 7.1.1.1 lets the server do so): it costs compression
     *                                     ratio but lets the server reset its compressor after each message
     */
    public static Params negotiate(List<String> offers, boolean allowServerNoContextTakeover) {
        if (offers == null) return null;
        for (String header : offers) {
            List<Extension> extensions = parse(header);
            if (extensions == null) return null;
            for (Extension e : extensions) {
                if (!e.name.equalsIgnoreCase(NAME)) continue;
                Params p = accept(e, allowServerNoContextTakeover);
                if (p != null) return p;
            }
        }
        return null;
    }

    private static Params accept(Extension e, boolean serverNoContextWanted) {
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        boolean serverWindowSeen = false;
        boolean clientWindowSeen = false;
        for (Param p : e.params) {
            switch (p.name.toLowerCase(Locale.ROOT)) {
                case SERVER_NO_CONTEXT -> {
                    if (serverNoContext || p.value != null) return null;
                    serverNoContext = true;
                }
                case CLIENT_NO_CONTEXT -> {
                    if (clientNoContext || p.value != null) return null;
                    clientNoContext = true;
                }
                case SERVER_MAX_WINDOW -> {
                    if (serverWindowSeen) return null;
                    serverWindowSeen = true;
                    int bits = windowBits(p.value);
                    // Invalid, or a smaller window than the JDK's Deflater can produce: decline this offer.
                    if (bits != MAX_WINDOW) return null;
                }
                case CLIENT_MAX_WINDOW -> {
                    if (clientWindowSeen) return null;
                    clientWindowSeen = true;
                    // Without a value it only says the client could honour a limit; we need none, so either way
                    // the response leaves it out (7.1.2.2) and the client keeps whatever window it offered.
                    if (p.value != null && windowBits(p.value) < 0) return null;
                }
                default -> {
                    return null;
                }
            }
        }
        // client_no_context_takeover is echoed: the client offered to reset, and echoing makes it binding.
        return new Params(serverNoContext || serverNoContextWanted, clientNoContext, MAX_WINDOW, MAX_WINDOW);
    }

    /** The Sec-WebSocket-Extensions response value for agreed params. */
    public static String responseHeader(Params p) {
        StringBuilder b = new StringBuilder(NAME);
        if (p.serverNoContextTakeover()) b.append("; ").append(SERVER_NO_CONTEXT);
        if (p.clientNoContextTakeover()) b.append("; ").append(CLIENT_NO_CONTEXT);
        if (p.serverMaxWindowBits() < MAX_WINDOW) b.append("; ").append(SERVER_MAX_WINDOW).append('=').append(p.serverMaxWindowBits());
        if (p.clientMaxWindowBits() < MAX_WINDOW) b.append("; ").append(CLIENT_MAX_WINDOW).append('=').append(p.clientMaxWindowBits());
        return b.toString();
    }

    /**
     * Client side: the offer. client_max_window_bits without a value tells the server it may limit our window; we
     * cannot honour a limit, so {@link #parseResponse} rejects a response that sets one below 15.
     */
    public static String clientOffer() {
        return NAME + "; " + CLIENT_MAX_WINDOW;
    }

    /**
     * Client side: validates the server's response to {@link #clientOffer}. Null if it is invalid (RFC 7692 7.1: the
     * client then fails the connection): not exactly one permessage-deflate, an unknown or repeated parameter, a bad
     * value, client_max_window_bits without a value, or one below 15.
     */
    public static Params parseResponse(String headerValue) {
        List<Extension> extensions = parse(headerValue);
        if (extensions == null || extensions.size() != 1 || !extensions.getFirst().name.equalsIgnoreCase(NAME)) return null;
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        int serverBits = -1;
        int clientBits = -1;
        for (Param p : extensions.getFirst().params) {
            switch (p.name.toLowerCase(Locale.ROOT)) {
                case SERVER_NO_CONTEXT -> {
                    if (serverNoContext || p.value != null) return null;
                    serverNoContext = true;
                }
                case CLIENT_NO_CONTEXT -> {
                    if (clientNoContext || p.value != null) return null;
                    clientNoContext = true;
                }
                case SERVER_MAX_WINDOW -> {
                    if (serverBits != -1) return null;
                    serverBits = windowBits(p.value);
                    if (serverBits < 0) return null;
                }
                case CLIENT_MAX_WINDOW -> {
                    if (clientBits != -1) return null;
                    clientBits = windowBits(p.value);
                    if (clientBits != MAX_WINDOW) return null;
                }
                default -> {
                    return null;
                }
            }
        }
        return new Params(serverNoContext, clientNoContext, serverBits < 0 ? MAX_WINDOW : serverBits, MAX_WINDOW);
    }

    /** A window-bits value: 8..15 written without leading zeros (RFC 7692 7.1.2.1); -1 if absent or invalid. */
    private static int windowBits(String v) {
        if (v == null || v.isEmpty() || v.length() > 2 || v.charAt(0) == '0') return -1;
        int n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') return -1;
            n = n * 10 + (c - '0');
        }
        return n >= 8 && n <= 15 ? n : -1;
    }

    record Param(String name, String value) {
    }

    record Extension(String name, List<Param> params) {
    }

    /**
     * Parses one header value into extensions; null if it is malformed. Quoted values are unquoted. Empty list
     * elements ("a, , b") are skipped as HTTP list syntax allows.
     */
    static List<Extension> parse(String s) {
        if (s == null) return null;
        List<Extension> out = new ArrayList<>();
        int[] pos = {0};
        int n = s.length();
        while (true) {
            skipSpace(s, pos);
            if (pos[0] == n) return out;
            if (s.charAt(pos[0]) == ',') {
                pos[0]++;
                continue;
            }
            String name = token(s, pos);
            if (name == null) return null;
            List<Param> params = new ArrayList<>();
            while (true) {
                skipSpace(s, pos);
                if (pos[0] == n || s.charAt(pos[0]) == ',') break;
                if (s.charAt(pos[0]) != ';') return null;
                pos[0]++;
                skipSpace(s, pos);
                String pname = token(s, pos);
                if (pname == null) return null;
                skipSpace(s, pos);
                String value = null;
                if (pos[0] < n && s.charAt(pos[0]) == '=') {
                    pos[0]++;
                    skipSpace(s, pos);
                    value = pos[0] < n && s.charAt(pos[0]) == '"' ? quoted(s, pos) : token(s, pos);
                    if (value == null) return null;
                }
                params.add(new Param(pname, value));
            }
            out.add(new Extension(name, params));
        }
    }

    private static void skipSpace(String s, int[] pos) {
        while (pos[0] < s.length() && (s.charAt(pos[0]) == ' ' || s.charAt(pos[0]) == '\t')) pos[0]++;
    }

    private static String token(String s, int[] pos) {
        int start = pos[0];
        while (pos[0] < s.length() && isTokenChar(s.charAt(pos[0]))) pos[0]++;
        return pos[0] == start ? null : s.substring(start, pos[0]);
    }

    /**
     * A quoted-string, unescaped. Its content must be a token (RFC 7692 7.1), but that is a rule about the value, so
     * it is left to the parameter check: a bad value declines one offer, not the whole header.
     */
    private static String quoted(String s, int[] pos) {
        StringBuilder b = new StringBuilder();
        int i = pos[0] + 1;
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                pos[0] = i;
                return b.toString();
            }
            if (c == '\\') {
                if (i == s.length()) return null;
                c = s.charAt(i++);
            }
            b.append(c);
        }
        return null;                                  // unterminated
    }

    /** RFC 7230 tchar. */
    private static boolean isTokenChar(char c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') return true;
        return "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
