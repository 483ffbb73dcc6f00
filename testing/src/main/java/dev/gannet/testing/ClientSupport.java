package dev.gannet.testing;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What both {@link TestClient} implementations check before sending, so that a request is refused (or sent) the same
 * way in either mode. The rules are the JDK client's: it is the stricter of the two, and a test written against
 * {@link Mode#LOCAL} must still run when switched to {@link Mode#SERVER}.
 */
final class ClientSupport {
    /** Sent unless the test sets its own, so server code that reads it sees the same value in both modes. */
    static final String USER_AGENT = "gannet-testing";

    /** Headers the JDK client sets itself and refuses from callers (without jdk.httpclient.allowRestrictedHeaders). */
    private static final Set<String> RESERVED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private ClientSupport() {
    }

    static void check(String method, String path, Map<String, String> headers) {
        if (method == null || !isToken(method)) throw new IllegalArgumentException("not an HTTP method: " + method);
        if (method.equalsIgnoreCase("CONNECT")) throw new IllegalArgumentException("CONNECT is not supported");
        if (path == null || !path.startsWith("/")) throw new IllegalArgumentException("the path must start with '/': " + path);
        try {
            // The JDK client only takes what java.net.URI accepts (no spaces, no raw non-ASCII): refuse it here too.
            URI.create(path);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid path (percent-encode it): " + path, e);
        }
        if (headers == null) throw new IllegalArgumentException("headers must not be null (use Map.of())");
        headers.forEach((name, value) -> {
            if (name == null || !isToken(name)) throw new IllegalArgumentException("not a header name: " + name);
            if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header " + name + " is set by the client itself; send such a request "
                        + "raw through a LocalConnector instead");
            }
            if (value == null || !isValidValue(value)) throw new IllegalArgumentException("not a valid value for header " + name);
        });
    }

    /** Whether the test set this header itself (then the client's default is not added). */
    static boolean hasHeader(Map<String, String> headers, String name) {
        for (String n : headers.keySet()) if (n.equalsIgnoreCase(name)) return true;
        return false;
    }

    /**
     * Whether the request states a length. The JDK client sends one whenever it has a body publisher, so
     * {@code Content-Length: 0} for a POST without a body; only its GET, HEAD and DELETE go out without a publisher.
     */
    static boolean sendsContentLength(String method, byte[] body) {
        return body != null || !(method.equals("GET") || method.equals("HEAD") || method.equals("DELETE"));
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) return false;
        }
        return true;
    }

    /**
     * Printable ASCII, space and tab: no CR or LF, so a value cannot start a new header or request. Non-ASCII is
     * refused too because the JDK client writes headers as US-ASCII (turning it into '?') and the modes would differ.
     */
    private static boolean isValidValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' || c >= 0x7f) return false;
        }
        return true;
    }
}
