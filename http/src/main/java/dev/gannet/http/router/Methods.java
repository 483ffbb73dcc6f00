package dev.gannet.http.router;

import java.nio.charset.StandardCharsets;

/**
 * Small integer indexes for HTTP methods, so the router keeps its per-node handler tables as arrays indexed by method
 * instead of maps keyed by name.
 *
 * <p>The standard methods have fixed indexes, the same in every router, so a parser can resolve them without a router
 * at hand. A method outside this list (WebDAV's {@code PROPFIND}, say) gets the next free index in the router it is
 * registered with, in registration order; {@link Router#methodIndex(byte[], int, int)} resolves both kinds. Method
 * names are case-sensitive (RFC 9110, section 9.1): {@code get} is not {@code GET}.
 */
public final class Methods {
    public static final int GET = 0;
    public static final int HEAD = 1;
    public static final int POST = 2;
    public static final int PUT = 3;
    public static final int DELETE = 4;
    public static final int PATCH = 5;
    public static final int OPTIONS = 6;
    public static final int CONNECT = 7;
    public static final int TRACE = 8;
    /** Number of standard methods; extension methods are numbered from here. */
    public static final int STANDARD_COUNT = 9;
    /** A router supports at most this many distinct methods, because sets of allowed methods are kept as a long. */
    public static final int MAX_METHODS = 64;

    private static final String[] NAMES = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT",
            "TRACE"};
    private static final byte[][] BYTES = new byte[NAMES.length][];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            BYTES[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private Methods() {
    }

    /** The name of a standard method index. */
    public static String standardName(int index) {
        if (index < 0 || index >= STANDARD_COUNT) throw new IllegalArgumentException("not a standard method: " + index);
        return NAMES[index];
    }

    /** The index of a standard method, or -1. Allocates nothing. */
    public static int standardIndex(byte[] name, int off, int len) {
        // Dispatch on length and first byte first: a request line's method is compared against at most two names.
        return switch (len) {
            case 3 -> is(GET, name, off) ? GET : is(PUT, name, off) ? PUT : -1;
            case 4 -> is(POST, name, off) ? POST : is(HEAD, name, off) ? HEAD : -1;
            case 5 -> is(PATCH, name, off) ? PATCH : is(TRACE, name, off) ? TRACE : -1;
            case 6 -> is(DELETE, name, off) ? DELETE : -1;
            case 7 -> is(OPTIONS, name, off) ? OPTIONS : is(CONNECT, name, off) ? CONNECT : -1;
            default -> -1;
        };
    }

    /** The index of a standard method, or -1. */
    public static int standardIndex(CharSequence name) {
        for (int i = 0; i < STANDARD_COUNT; i++) {
            if (NAMES[i].contentEquals(name)) return i;
        }
        return -1;
    }

    private static boolean is(int method, byte[] name, int off) {
        byte[] expected = BYTES[method];
        for (int i = 0; i < expected.length; i++) {
            if (name[off + i] != expected[i]) return false;
        }
        return true;
    }

    /** Whether {@code name} is a syntactically valid method: a non-empty RFC 9110 token. */
    static boolean isToken(String name) {
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) return false;
        }
        return true;
    }
}
