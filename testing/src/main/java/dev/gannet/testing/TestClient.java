package dev.gannet.testing;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A synchronous HTTP/1.1 client for the app under test, injected by {@link GannetExtension}. The same calls work in
 * both modes, so a test switches between a real socket and none by changing {@link GannetTest#mode()} only:
 * <ul>
 *   <li>{@link Mode#SERVER}: {@code java.net.http.HttpClient} against the real port;</li>
 *   <li>{@link Mode#LOCAL}: the request is written as HTTP/1.1 text to a fresh
 *       {@link dev.gannet.http.LocalConnector} (a new connection per request) and the answer parsed back.</li>
 * </ul>
 * Paths start with {@code /} and may carry a query; they are sent as given (encode them yourself). Both modes send
 * {@code User-Agent: gannet-testing} unless the test sets another, and refuse the headers the JDK client reserves
 * ({@code Connection}, {@code Content-Length}, {@code Expect}, {@code Host}, {@code Upgrade}) so a test that passes in
 * one mode does not fail in the other for that reason; send such requests raw through a {@code LocalConnector}.
 *
 * <p>Failures to get a response are thrown unchecked ({@link java.io.UncheckedIOException}), so tests need no
 * {@code throws}. Once the extension has stopped the app, every call throws {@link IllegalStateException}. Calls may
 * come from several threads.
 */
public sealed interface TestClient permits ServerTestClient, LocalTestClient {

    /** The mode this client works in. */
    Mode mode();

    /**
     * Sends a request and waits for the whole response.
     *
     * @param method  the method, e.g. {@code GET}, sent as given
     * @param path    the path and optional query, starting with {@code /}
     * @param headers headers to send (one value each); may be empty
     * @param body    the body, or null for none
     */
    TestResponse request(String method, String path, Map<String, String> headers, byte[] body);

    /** {@link #request(String, String, Map, byte[])} with a UTF-8 text body, or null for none. */
    default TestResponse request(String method, String path, Map<String, String> headers, String body) {
        return request(method, path, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    default TestResponse get(String path) {
        return request("GET", path, Map.of(), (byte[]) null);
    }

    default TestResponse get(String path, Map<String, String> headers) {
        return request("GET", path, headers, (byte[]) null);
    }

    /** A POST with a UTF-8 body; {@code contentType} may be null to send none. */
    default TestResponse post(String path, String body, String contentType) {
        return request("POST", path, contentType == null ? Map.of() : Map.of("Content-Type", contentType), body);
    }

    /** A PUT with a UTF-8 body; {@code contentType} may be null to send none. */
    default TestResponse put(String path, String body, String contentType) {
        return request("PUT", path, contentType == null ? Map.of() : Map.of("Content-Type", contentType), body);
    }

    default TestResponse delete(String path) {
        return request("DELETE", path, Map.of(), (byte[]) null);
    }
}
