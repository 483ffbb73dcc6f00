package dev.gannet.http.sse;

import java.nio.charset.StandardCharsets;

/**
 * Encodes events, retries and comments in the text/event-stream format (WHATWG HTML, "Server-sent events"). Each
 * result is one whole block ending in a blank line, so it can go out as one chunk and a reader never waits for the
 * rest of a block that sits in a later write.
 */
final class EventEncoder {
    /** An empty comment, as a keep-alive: clients ignore it, and proxies see bytes move. */
    static final byte[] HEARTBEAT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

    private EventEncoder() {
    }

    static byte[] event(String id, String event, String data) {
        if (id != null) {
            checkLine("id", id);
            // A client ignores an id with NUL in it; refusing it makes the mistake visible where it is made.
            if (id.indexOf('\0') >= 0) throw new IllegalArgumentException("an event id must not contain NUL");
        }
        if (event != null) checkLine("event", event);
        StringBuilder b = new StringBuilder(16 + (id == null ? 0 : id.length()) + (event == null ? 0 : event.length())
                + (data == null ? 0 : data.length() + 8));
        if (id != null) field(b, "id", id);
        if (event != null) field(b, "event", event);
        if (data != null) lines(b, "data", data);
        b.append('\n');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] retry(long millis) {
        if (millis < 0) throw new IllegalArgumentException("a retry delay must not be negative");
        return ("retry: " + millis + "\n\n").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] comment(String text) {
        if (text == null || text.isEmpty()) return HEARTBEAT;
        StringBuilder b = new StringBuilder(text.length() + 8);
        lines(b, "", text);
        b.append('\n');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A field value is one line: a CR or LF in it would end the field and start another (field injection). */
    private static void checkLine(String name, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an event " + name + " must not contain CR or LF");
        }
    }

    /**
     * {@code name: value}. The reader strips one space after the colon, so it is always written when there is a
     * value, and a value that itself starts with a space survives.
     */
    private static void field(StringBuilder b, String name, String value) {
        b.append(name).append(':');
        if (!value.isEmpty()) b.append(' ').append(value);
        b.append('\n');
    }

    /** One field per line of {@code text}; the format's line ends are CRLF, LF and CR, and all three split. */
    private static void lines(StringBuilder b, String name, String text) {
        int start = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                field(b, name, text.substring(start, i));
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') i++;
                start = i + 1;
            }
        }
        field(b, name, text.substring(start));
    }
}
