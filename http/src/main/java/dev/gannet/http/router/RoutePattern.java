package dev.gannet.http.router;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed route pattern: runs of static bytes, {@code {name}} parameters and an optional trailing {@code *}.
 *
 * <p>Static text is kept exactly as written and later compared with the raw request bytes, so it must be written as
 * it appears on the wire: visible ASCII, with anything else percent-encoded. That is why non-ASCII, spaces and
 * control characters are rejected here rather than silently never matching.
 */
final class RoutePattern {

    enum Kind { STATIC, PARAM, WILDCARD }

    /** One token; {@code bytes} is set for STATIC, {@code name} for PARAM and WILDCARD. */
    record Token(Kind kind, byte[] bytes, String name) {
    }

    final String text;
    final List<Token> tokens;
    final String[] paramNames;

    private RoutePattern(String text, List<Token> tokens, String[] paramNames) {
        this.text = text;
        this.tokens = tokens;
        this.paramNames = paramNames;
    }

    boolean hasWildcard() {
        return !tokens.isEmpty() && tokens.getLast().kind() == Kind.WILDCARD;
    }

    static RoutePattern parse(String pattern) {
        if (pattern.isEmpty() || pattern.charAt(0) != '/') throw invalid(pattern, "it must start with '/'");
        List<Token> tokens = new ArrayList<>();
        List<String> names = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int n = pattern.length();
        int i = 0;
        while (i < n) {
            // Each turn starts on a '/' and handles the segment after it.
            text.append('/');
            i++;
            int segEnd = pattern.indexOf('/', i);
            if (segEnd < 0) segEnd = n;
            String seg = pattern.substring(i, segEnd);
            if (seg.startsWith("{")) {
                if (!seg.endsWith("}") || seg.indexOf('{', 1) >= 0 || seg.indexOf('}') != seg.length() - 1) {
                    throw invalid(pattern, "a parameter must be a whole segment, as /{name}/, not '" + seg + "'");
                }
                String name = seg.substring(1, seg.length() - 1);
                checkName(pattern, name);
                if (names.contains(name)) throw invalid(pattern, "parameter {" + name + "} appears twice");
                names.add(name);
                flush(tokens, text);
                tokens.add(new Token(Kind.PARAM, null, name));
            } else if (seg.equals("*")) {
                if (segEnd != n) throw invalid(pattern, "the wildcard * is only allowed as the last segment");
                names.add("*");
                flush(tokens, text);
                tokens.add(new Token(Kind.WILDCARD, null, "*"));
            } else {
                checkStatic(pattern, seg);
                text.append(seg);
            }
            i = segEnd;
        }
        flush(tokens, text);
        return new RoutePattern(pattern, List.copyOf(tokens), names.toArray(String[]::new));
    }

    private static void flush(List<Token> tokens, StringBuilder text) {
        if (text.isEmpty()) return;
        tokens.add(new Token(Kind.STATIC, text.toString().getBytes(StandardCharsets.US_ASCII), null));
        text.setLength(0);
    }

    private static void checkName(String pattern, String name) {
        if (name.isEmpty()) throw invalid(pattern, "empty parameter name {}");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_'
                    || c == '-' || c == '.';
            if (!ok) {
                throw invalid(pattern, "parameter name {" + name + "} may only use letters, digits, '_', '-' and '.'");
            }
        }
    }

    private static void checkStatic(String pattern, String seg) {
        for (int i = 0; i < seg.length(); i++) {
            char c = seg.charAt(i);
            if (c == '{' || c == '}') {
                throw invalid(pattern, "a parameter must be a whole segment, as /{name}/, not '" + seg + "'");
            }
            if (c == '*') throw invalid(pattern, "'*' is only allowed as a whole last segment (the wildcard)");
            if (c == '?' || c == '#') throw invalid(pattern, "'" + c + "' cannot appear in a path");
            if (c <= 0x20 || c >= 0x7F) {
                throw invalid(pattern, "character U+%04X must be percent-encoded, as it appears on the wire"
                        .formatted((int) c));
            }
            if (c == '%' && (i + 2 >= seg.length() || hex(seg.charAt(i + 1)) < 0 || hex(seg.charAt(i + 2)) < 0)) {
                throw invalid(pattern, "malformed percent-escape in '" + seg + "'");
            }
        }
    }

    static int hex(int c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private static IllegalArgumentException invalid(String pattern, String why) {
        return new IllegalArgumentException("invalid route pattern '" + pattern + "': " + why);
    }
}
