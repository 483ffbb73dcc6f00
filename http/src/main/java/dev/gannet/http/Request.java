package dev.gannet.http;

import dev.gannet.http.h1.RequestHead;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request being handled. One object per connection, reset between requests, so it MUST NOT be kept after the
 * handler returns. Accessors make Strings on first use only; a handler that reads nothing allocates nothing.
 */
public final class Request {
    private final HttpExchange exchange;
    private Map<String, List<String>> query;

    Request(HttpExchange exchange) {
        this.exchange = exchange;
    }

    void reset() {
        query = null;
        attributes = null;
    }

    private java.util.Map<String, Object> attributes;

    /** A value middleware attached to this request, or null. */
    @SuppressWarnings("unchecked")
    public <T> T attribute(String key) {
        return attributes == null ? null : (T) attributes.get(key);
    }

    /** Attaches a value to this request, for handlers and middleware further in. */
    public Request attribute(String key, Object value) {
        if (attributes == null) attributes = new java.util.HashMap<>(4);
        attributes.put(key, value);
        return this;
    }

    /** Every value of a header, in the order the lines came. */
    public java.util.List<String> headers(String name) {
        byte[] lower = name.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.ISO_8859_1);
        java.util.List<String> out = new ArrayList<>(2);
        for (int i = head().headerIndex(lower); i >= 0; i = head().headerIndex(lower, i + 1)) out.add(head().value(i));
        return out;
    }

    private RequestHead head() {
        return exchange.head;
    }

    /** The method as sent, e.g. {@code GET}. */
    public String method() {
        return head().methodName();
    }

    /** The path, without the query, as sent (percent-encoding kept). */
    public String path() {
        return head().path();
    }

    /** The raw query string without {@code ?}, or null. */
    public String queryString() {
        return head().query();
    }

    /** The route pattern that matched, e.g. {@code /users/{id}}, or null for a 404/405. */
    public String route() {
        return exchange.match.found() ? exchange.match.pattern() : null;
    }

    /** For a 405: the methods the path allows, as the Allow header lists them. */
    public String allow() {
        return exchange.match.allow();
    }

    /** A path parameter, percent-decoded, or null. */
    public String pathParam(String name) {
        return exchange.match.param(name);
    }

    /**
     * The path parameters as alternating names and values ({@code [name0, value0, name1, value1, ...]}), decoded:
     * a copy that outlives the request, for protocols that keep a connection after it (WebSocket).
     */
    public String[] pathParams() {
        var m = exchange.match;
        int n = m.found() ? m.paramCount() : 0;
        if (n == 0) return NO_PARAMS;
        String[] out = new String[2 * n];
        for (int i = 0; i < n; i++) {
            out[2 * i] = m.paramName(i);
            out[2 * i + 1] = m.param(out[2 * i]);
        }
        return out;
    }

    private static final String[] NO_PARAMS = new String[0];

    /** The first value of a query parameter, decoded, or null. */
    public String query(String name) {
        List<String> v = queryParams().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** All query parameters, decoded, in order. */
    public Map<String, List<String>> queryParams() {
        if (query == null) query = parseForm(queryString());
        return query;
    }

    /** Whether a header (any of its lines) lists {@code token} among its comma-separated values, ignoring case. */
    public boolean headerHasToken(String name, String token) {
        return head().hasToken(name, token);
    }

    /**
     * Copies the first value of a header into {@code dst} and returns its length: -1 if there is no such header, -2
     * if it does not fit. Allocates nothing, where {@link #header} makes a String.
     */
    public int copyHeader(String name, byte[] dst) {
        int i = head().headerIndex(name, 0);
        if (i < 0) return -1;
        int len = head().valueLength(i);
        if (len > dst.length) return -2;
        System.arraycopy(head().bytes(), head().valueOffset(i), dst, 0, len);
        return len;
    }

    /** The first value of a header (name case-insensitive), or null. */
    public String header(String name) {
        return head().header(name);
    }

    /** The value of a cookie, or null. */
    public String cookie(String name) {
        String h = header("cookie");
        if (h == null) return null;
        for (String part : h.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).trim().equals(name)) return part.substring(eq + 1).trim();
        }
        return null;
    }

    public SocketAddress remoteAddress() {
        return exchange.connection.remoteAddress();
    }

    /** The body as bytes (a copy); empty when there is none. */
    public byte[] body() {
        ByteSink b = exchange.body;
        return b == null || !hasBody() ? new byte[0] : java.util.Arrays.copyOf(b.buf, b.len);
    }

    public String bodyString() {
        ByteSink b = exchange.body;
        return b == null || !hasBody() ? "" : new String(b.buf, 0, b.len, StandardCharsets.UTF_8);
    }

    public InputStream bodyStream() {
        ByteSink b = exchange.body;
        return b == null || !hasBody() ? InputStream.nullInputStream() : new ByteArrayInputStream(b.buf, 0, b.len);
    }

    /** The body parsed as JSON into {@code type}. */
    public <T> T bodyAs(Class<T> type) throws IOException {
        ByteSink b = exchange.body;
        if (b == null || !hasBody()) throw new IOException("the request has no body");
        return exchange.json().read(b.buf, 0, b.len, type);
    }

    /** URL-encoded form fields of the body ({@code application/x-www-form-urlencoded}). */
    public Map<String, List<String>> formParams() {
        return parseForm(bodyString());
    }

    /** The parts of a {@code multipart/form-data} body; IllegalArgumentException if it is not one or is malformed. */
    public java.util.List<Multipart.Part> multipart() {
        String boundary = Multipart.boundary(header("content-type"));
        if (boundary == null) throw new IllegalArgumentException("not a multipart request (no boundary)");
        ByteSink b = exchange.body;
        return Multipart.parse(b == null || !hasBody() ? new byte[0] : b.buf, b == null || !hasBody() ? 0 : b.len, boundary);
    }

    private boolean hasBody() {
        return head().chunked() || head().contentLength() > 0;
    }

    static Map<String, List<String>> parseForm(String s) {
        if (s == null || s.isEmpty()) return Collections.emptyMap();
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return m;
    }
}
