package dev.gannet.testing;

import dev.gannet.http.HttpServer;
import dev.gannet.http.LocalConnector;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@link TestClient} with no socket: HTTP/1.1 text through a {@link LocalConnector}, the answer parsed back. */
final class LocalTestClient implements TestClient {
    /** What the JDK client would send as Host; there is no port here. */
    static final String HOST = "127.0.0.1";

    private final HttpServer app;
    private volatile boolean closed;

    LocalTestClient(HttpServer app) {
        this.app = app;
    }

    @Override
    public Mode mode() {
        return Mode.LOCAL;
    }

    @Override
    public TestResponse request(String method, String path, Map<String, String> headers, byte[] body) {
        if (closed) throw new IllegalStateException("the app under test was stopped");
        ClientSupport.check(method, path, headers);
        StringBuilder sb = new StringBuilder(128).append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append(HOST).append("\r\n");
        if (!ClientSupport.hasHeader(headers, "User-Agent")) sb.append("User-Agent: ").append(ClientSupport.USER_AGENT).append("\r\n");
        headers.forEach((name, value) -> sb.append(name).append(": ").append(value).append("\r\n"));
        if (ClientSupport.sendsContentLength(method, body)) {
            sb.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        sb.append("\r\n");
        // The connector takes text as ISO-8859-1, one char per byte, so any body bytes pass through unchanged.
        if (body != null) sb.append(new String(body, StandardCharsets.ISO_8859_1));
        // A fresh connector per request: one connector is one connection, and a response that closes it (an error, or
        // closeConnection()) must not break the next request, just as the JDK client would open a new connection.
        String answer = LocalConnector.of(app).request(sb.toString());
        return ResponseParser.parse(answer.getBytes(StandardCharsets.ISO_8859_1), method.equals("HEAD"));
    }

    void close() {
        closed = true;
    }
}
