package dev.gannet.http.router;

import java.nio.charset.StandardCharsets;

/**
 * The result of {@link Router#match}, reused across requests so matching allocates nothing: keep one per connection
 * (or per thread) and pass it to every match.
 *
 * <p>Parameters are kept as offsets into the path bytes given to the match, not as strings. They stay valid only as
 * long as those bytes are unchanged: read them before the request buffer is reused. {@link #param(String)} makes the
 * String on first use (percent-decoded as UTF-8) and keeps it until the next match; {@link #rawParam(String)} gives
 * the bytes as sent.
 *
 * <p>Not thread-safe.
 *
 * @param <H> the handler type
 */
public final class RouteMatch<H> {

    public enum Outcome {
        /** A route matched both the path and the method. */
        FOUND,
        /** No route matches the path with any method (404). */
        NOT_FOUND,
        /** Routes match the path but none with this method (405); {@link #allow()} lists the methods that would. */
        METHOD_NOT_ALLOWED
    }

    private Outcome outcome = Outcome.NOT_FOUND;
    private Route<H> route;
    private String allow;

    private byte[] path;
    private int paramCount;
    private String[] names = NO_NAMES;
    private int[] offsets;
    private int[] lengths;
    /** Decoded parameters made so far in this match, parallel to {@link #offsets}. */
    private String[] decoded;

    // Scratch state of a match in progress, read by the router once the search fails.
    long allowMask;
    Node<H> allowNode;

    private static final String[] NO_NAMES = {};

    /** A match with room for 8 parameters; it grows (once) if a router needs more. See {@link Router#newMatch()}. */
    public RouteMatch() {
        this(8);
    }

    public RouteMatch(int paramCapacity) {
        offsets = new int[paramCapacity];
        lengths = new int[paramCapacity];
        decoded = new String[paramCapacity];
    }

    void reset(byte[] path, int maxParams) {
        // Clear the previous match's decoded strings so they can be collected and are never mistaken for this one's.
        for (int i = 0; i < paramCount; i++) decoded[i] = null;
        if (offsets.length < maxParams) {
            offsets = new int[maxParams];
            lengths = new int[maxParams];
            decoded = new String[maxParams];
        }
        this.path = path;
        outcome = Outcome.NOT_FOUND;
        route = null;
        allow = null;
        paramCount = 0;
        names = NO_NAMES;
        allowMask = 0;
        allowNode = null;
    }

    void capture(int index, int offset, int length) {
        offsets[index] = offset;
        lengths[index] = length;
    }

    void found(Route<H> r) {
        outcome = Outcome.FOUND;
        route = r;
        names = r.paramNames;
        paramCount = names.length;
    }

    void methodNotAllowed(String allowValue) {
        outcome = Outcome.METHOD_NOT_ALLOWED;
        allow = allowValue;
        allowNode = null;
    }

    public Outcome outcome() {
        return outcome;
    }

    public boolean found() {
        return outcome == Outcome.FOUND;
    }

    /** The matched route, or null unless {@link Outcome#FOUND}. */
    public Route<H> route() {
        return route;
    }

    /** The matched route's handler, or null unless {@link Outcome#FOUND}. */
    public H handler() {
        return route == null ? null : route.handler;
    }

    /** The matched route's pattern as declared (a constant per route, fit for metrics labels), or null. */
    public String pattern() {
        return route == null ? null : route.pattern;
    }

    /**
     * For {@link Outcome#METHOD_NOT_ALLOWED}, the Allow header value, as {@code "GET, HEAD, POST"}: the methods for
     * which the same path would be FOUND, in method index order. HEAD appears wherever GET does, since it falls back
     * to GET. OPTIONS appears only if an OPTIONS route exists; a server that answers OPTIONS itself should add it.
     * Null for the other outcomes.
     */
    public String allow() {
        return allow;
    }

    /** The bytes the last match ran over; parameter offsets index into this array. */
    public byte[] path() {
        return path;
    }

    public int paramCount() {
        return paramCount;
    }

    public String paramName(int i) {
        checkIndex(i);
        return names[i];
    }

    /** Offset of parameter {@code i} in {@link #path()}. */
    public int paramOffset(int i) {
        checkIndex(i);
        return offsets[i];
    }

    /** Length in bytes of parameter {@code i} as sent (before percent-decoding). */
    public int paramLength(int i) {
        checkIndex(i);
        return lengths[i];
    }

    /** Index of the parameter named {@code name} ({@code "*"} for the wildcard), or -1. */
    public int paramIndex(String name) {
        String[] n = names;
        for (int i = 0; i < paramCount; i++) {
            if (n[i].equals(name)) return i;
        }
        return -1;
    }

    /** Parameter {@code i}, percent-decoded as UTF-8. */
    public String param(int i) {
        checkIndex(i);
        String s = decoded[i];
        if (s == null) {
            s = decode(path, offsets[i], lengths[i]);
            decoded[i] = s;
        }
        return s;
    }

    /**
     * The parameter named {@code name} ({@code "*"} for the wildcard), percent-decoded as UTF-8, or null if the route
     * has no such parameter. A {@code %2F} decodes to {@code '/'}, so a decoded wildcard may hold {@code "../"}: a
     * handler that turns it into a file path must check it.
     */
    public String param(String name) {
        int i = paramIndex(name);
        return i < 0 ? null : param(i);
    }

    /** The parameter named {@code name} exactly as sent (no percent-decoding), or null. */
    public String rawParam(String name) {
        int i = paramIndex(name);
        return i < 0 ? null : new String(path, offsets[i], lengths[i], StandardCharsets.UTF_8);
    }

    private void checkIndex(int i) {
        if (i < 0 || i >= paramCount) {
            throw new IndexOutOfBoundsException("parameter " + i + " of " + paramCount);
        }
    }

    /**
     * Percent-decodes as UTF-8. A '%' not followed by two hex digits is kept as it is rather than rejected: the route
     * already matched, and a handler that cares can check {@link #rawParam}. Bytes that are not valid UTF-8 become
     * U+FFFD. '+' stays '+', since it means space only in form-encoded queries, not in paths.
     */
    static String decode(byte[] p, int off, int len) {
        int end = off + len;
        int first = -1;
        for (int i = off; i < end; i++) {
            if (p[i] == '%') {
                first = i;
                break;
            }
        }
        if (first < 0) return new String(p, off, len, StandardCharsets.UTF_8);
        byte[] out = new byte[len];
        int o = first - off;
        System.arraycopy(p, off, out, 0, o);
        for (int i = first; i < end; i++) {
            byte c = p[i];
            if (c == '%' && i + 2 < end) {
                int hi = RoutePattern.hex(p[i + 1]);
                int lo = RoutePattern.hex(p[i + 2]);
                if (hi >= 0 && lo >= 0) {
                    out[o++] = (byte) (hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out[o++] = c;
        }
        return new String(out, 0, o, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return switch (outcome) {
            case FOUND -> "FOUND " + route;
            case NOT_FOUND -> "NOT_FOUND";
            case METHOD_NOT_ALLOWED -> "METHOD_NOT_ALLOWED (Allow: " + allow + ")";
        };
    }
}
