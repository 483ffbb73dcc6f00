package dev.gannet.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A response as {@link TestClient} received it: the same shape in both modes. Header names are kept lower-case (the
 * JDK client reports them that way and the raw text does not, so one form is picked), and looked up ignoring case.
 */
public final class TestResponse {
    private final int status;
    private final Map<String, List<String>> headers;
    private final byte[] body;

    TestResponse(int status, Map<String, List<String>> headers, byte[] body) {
        this.status = status;
        Map<String, List<String>> h = new TreeMap<>();
        headers.forEach((name, values) -> h.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).addAll(values));
        h.replaceAll((name, values) -> List.copyOf(values));
        this.headers = Collections.unmodifiableMap(h);
        this.body = body;
    }

    /** The status code, e.g. 200. */
    public int status() {
        return status;
    }

    /** The first value of a header, name in any case, or null when absent. */
    public String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** Every value of a header, in the order received; empty when absent. */
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    /** All headers, lower-case names in sorted order. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** The body decoded as UTF-8 (what Gannet's text and JSON responses use). */
    public String body() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The body as sent (a copy, so a test cannot change what another assertion sees). */
    public byte[] bodyBytes() {
        return body.clone();
    }

    /** Status, headers and the start of the body: what a failed assertion should print. */
    @Override
    public String toString() {
        String text = body();
        if (text.length() > 500) text = text.substring(0, 500) + "... (" + body.length + " bytes)";
        return "TestResponse[" + status + " " + headers + " " + text + "]";
    }
}
