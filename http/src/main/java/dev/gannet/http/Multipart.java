package dev.gannet.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code multipart/form-data} (RFC 7578) over a body that is already in memory (bounded by the body size limit).
 * Malformed input gives an {@link IllegalArgumentException} naming what is wrong, which the server turns into a 500
 * unless the handler maps it; handlers that accept uploads should catch it and answer 400.
 */
public final class Multipart {
    /** One part: its form field name, optional file name and content type, and its bytes. */
    public record Part(String name, String filename, String contentType, Map<String, String> headers, byte[] content) {
        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    private Multipart() {
    }

    /** The boundary parameter of a multipart Content-Type, or null. */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) return null;
        for (String param : contentType.split(";")) {
            String p = param.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = p.substring(9).trim();
                if (b.length() >= 2 && b.startsWith("\"") && b.endsWith("\"")) b = b.substring(1, b.length() - 1);
                return b.isEmpty() || b.length() > 70 ? null : b;
            }
        }
        return null;
    }

    static List<Part> parse(byte[] body, int length, String boundary) {
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int pos = indexOf(body, length, delimiter, 0);
        if (pos < 0) throw new IllegalArgumentException("multipart body has no boundary line");
        List<Part> parts = new ArrayList<>();
        while (true) {
            pos += delimiter.length;
            if (pos + 2 <= length && body[pos] == '-' && body[pos + 1] == '-') return Collections.unmodifiableList(parts);
            pos = skipLine(body, length, pos);
            Map<String, String> headers = new LinkedHashMap<>();
            while (true) {
                int eol = indexOf(body, length, new byte[] {'\r', '\n'}, pos);
                if (eol < 0) throw new IllegalArgumentException("multipart part headers do not end");
                if (eol == pos) {
                    pos += 2;
                    break;
                }
                String line = new String(body, pos, eol - pos, StandardCharsets.UTF_8);
                int colon = line.indexOf(':');
                if (colon <= 0) throw new IllegalArgumentException("malformed part header: " + line);
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                pos = eol + 2;
            }
            byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
            int end = indexOf(body, length, next, pos);
            if (end < 0) throw new IllegalArgumentException("multipart part is not closed by its boundary");
            String disposition = headers.getOrDefault("content-disposition", "");
            parts.add(new Part(param(disposition, "name"), param(disposition, "filename"), headers.get("content-type"),
                    Collections.unmodifiableMap(headers), java.util.Arrays.copyOfRange(body, pos, end)));
            pos = end + 2;
        }
    }

    private static String param(String header, String name) {
        for (String p : header.split(";")) {
            String t = p.trim();
            if (t.regionMatches(true, 0, name + "=", 0, name.length() + 1)) {
                String v = t.substring(name.length() + 1);
                return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    private static int skipLine(byte[] b, int length, int pos) {
        int eol = indexOf(b, length, new byte[] {'\r', '\n'}, pos);
        if (eol < 0) throw new IllegalArgumentException("multipart boundary line does not end");
        return eol + 2;
    }

    private static int indexOf(byte[] b, int length, byte[] needle, int from) {
        outer:
        for (int i = from; i <= length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (b[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
