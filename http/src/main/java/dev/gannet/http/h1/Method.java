package dev.gannet.http.h1;

/**
 * Request methods the parser recognises without allocating. Any other token parses as {@link #OTHER}; its bytes
 * are then read through {@link RequestHead#methodName()} or {@link RequestHead#methodOffset()}.
 */
public enum Method {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH, OTHER;

    private final String text = name();

    /** The method as it appears on the wire; "OTHER" for {@link #OTHER}, which has no single name. */
    public String text() {
        return text;
    }

    /** Recognises a method token; methods are case-sensitive (RFC 9110 section 9.1). */
    static Method of(byte[] b, int off, int len) {
        return switch (len) {
            case 3 -> b[off] == 'G' && b[off + 1] == 'E' && b[off + 2] == 'T' ? GET
                    : b[off] == 'P' && b[off + 1] == 'U' && b[off + 2] == 'T' ? PUT : OTHER;
            case 4 -> b[off] == 'P' && b[off + 1] == 'O' && b[off + 2] == 'S' && b[off + 3] == 'T' ? POST
                    : b[off] == 'H' && b[off + 1] == 'E' && b[off + 2] == 'A' && b[off + 3] == 'D' ? HEAD : OTHER;
            case 5 -> matches(b, off, PATCH) ? PATCH : matches(b, off, TRACE) ? TRACE : OTHER;
            case 6 -> matches(b, off, DELETE) ? DELETE : OTHER;
            case 7 -> matches(b, off, OPTIONS) ? OPTIONS : matches(b, off, CONNECT) ? CONNECT : OTHER;
            default -> OTHER;
        };
    }

    private static boolean matches(byte[] b, int off, Method m) {
        String t = m.text;
        for (int i = 0; i < t.length(); i++) {
            if (b[off + i] != t.charAt(i)) return false;
        }
        return true;
    }
}
