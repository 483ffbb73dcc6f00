package dev.gannet.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one HTTP/1.1 response from the bytes a {@link dev.gannet.http.LocalConnector} answered. Strict on purpose:
 * the JDK client in {@link Mode#SERVER} would reject a malformed answer too, and a test must not pass in one mode only
 * because this side was lenient. Interim (1xx) responses are skipped, as the JDK client does.
 */
final class ResponseParser {
    private final byte[] in;
    private int pos;

    private ResponseParser(byte[] in) {
        this.in = in;
    }

    /**
     * The final response in {@code in}. {@code headRequest} because the answer to HEAD states a length it does not
     * send. Throws {@link IllegalStateException} when the bytes are not exactly one response.
     */
    static TestResponse parse(byte[] in, boolean headRequest) {
        return new ResponseParser(in).parse(headRequest);
    }

    private TestResponse parse(boolean headRequest) {
        if (in.length == 0) {
            throw new IllegalStateException("no response: the request was incomplete, or a blocking handler took longer "
                    + "than LocalConnector waits (10 s)");
        }
        while (true) {
            int status = statusLine();
            Map<String, List<String>> headers = headers();
            if (status >= 100 && status < 200 && status != 101) continue;
            byte[] body = body(status, headers, headRequest);
            if (pos != in.length) {
                throw new IllegalStateException((in.length - pos) + " bytes after the end of the response (wrong "
                        + "Content-Length, or a body sent with a HEAD/204/304?): " + text(pos, Math.min(in.length, pos + 200)));
            }
            return new TestResponse(status, headers, body);
        }
    }

    private int statusLine() {
        String line = line();
        // "HTTP/1.1 200 OK"; the reason phrase may be empty but the space before it is required (RFC 9112 4).
        if (!line.startsWith("HTTP/1.") || line.length() < 13 || line.charAt(8) != ' ' || line.charAt(12) != ' ') {
            throw new IllegalStateException("not an HTTP/1.x status line: " + line);
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("bad status code in: " + line, e);
        }
    }

    private Map<String, List<String>> headers() {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(colon - 1) == ' ' || line.charAt(colon - 1) == '\t') {
                throw new IllegalStateException("malformed header line: " + line);
            }
            String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(colon + 1).strip());
        }
        return headers;
    }

    private byte[] body(int status, Map<String, List<String>> headers, boolean headRequest) {
        if (headRequest || status == 204 || status == 304 || status < 200) return new byte[0];
        List<String> te = headers.get("transfer-encoding");
        if (te != null) {
            if (!te.getLast().toLowerCase(Locale.ROOT).endsWith("chunked")) return rest();
            return chunked();
        }
        List<String> cl = headers.get("content-length");
        if (cl == null) return rest(); // delimited by the connection closing
        if (cl.stream().distinct().count() != 1) throw new IllegalStateException("conflicting Content-Length: " + cl);
        long length;
        try {
            length = Long.parseLong(cl.getFirst());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("bad Content-Length: " + cl.getFirst(), e);
        }
        if (length < 0 || length > in.length - pos) {
            throw new IllegalStateException("Content-Length " + length + " but " + (in.length - pos) + " bytes followed");
        }
        byte[] body = Arrays.copyOfRange(in, pos, pos + (int) length);
        pos += (int) length;
        return body;
    }

    private byte[] chunked() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            int semi = sizeLine.indexOf(';'); // chunk extensions carry nothing a test needs
            String hex = (semi < 0 ? sizeLine : sizeLine.substring(0, semi)).strip();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IllegalStateException("bad chunk size line: " + sizeLine, e);
            }
            if (size < 0) throw new IllegalStateException("bad chunk size line: " + sizeLine);
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailer fields: not exposed, the body ends at the blank line
                }
                return out.toByteArray();
            }
            if (size > in.length - pos) throw new IllegalStateException("chunk of " + size + " bytes is cut short");
            out.write(in, pos, size);
            pos += size;
            if (!line().isEmpty()) throw new IllegalStateException("chunk data longer than its size " + size);
        }
    }

    private byte[] rest() {
        byte[] body = Arrays.copyOfRange(in, pos, in.length);
        pos = in.length;
        return body;
    }

    /** The next line without its CRLF; a bare LF is refused, as Gannet never sends one. */
    private String line() {
        for (int i = pos; i + 1 < in.length; i++) {
            if (in[i] == '\r' && in[i + 1] == '\n') {
                String s = text(pos, i);
                pos = i + 2;
                return s;
            }
            if (in[i] == '\n') break;
        }
        throw new IllegalStateException("response cut short or not CRLF-terminated after: " + text(0, Math.min(in.length, 300)));
    }

    private String text(int from, int to) {
        return new String(in, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
