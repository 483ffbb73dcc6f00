package dev.gannet.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** {@link TestClient} over a real socket: the JDK client against the server's port on 127.0.0.1. */
final class ServerTestClient implements TestClient {
    /** Long enough for a slow CI machine, short enough that a hung handler fails the test instead of the build. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final String base;
    // HTTP/1.1 only: Gannet speaks nothing else, and an h2c upgrade attempt would add headers LOCAL mode does not send.
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private volatile boolean closed;

    ServerTestClient(String host, int port) {
        this.base = "http://" + host + ":" + port;
    }

    @Override
    public Mode mode() {
        return Mode.SERVER;
    }

    @Override
    public TestResponse request(String method, String path, Map<String, String> headers, byte[] body) {
        if (closed) throw new IllegalStateException("the app under test was stopped");
        ClientSupport.check(method, path, headers);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(REQUEST_TIMEOUT);
        if (!ClientSupport.hasHeader(headers, "User-Agent")) b.header("User-Agent", ClientSupport.USER_AGENT);
        headers.forEach(b::header);
        if (ClientSupport.sendsContentLength(method, body)) {
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body == null ? new byte[0] : body));
        } else {
            // No publisher at all, so no Content-Length: what the JDK does for a bodiless GET, HEAD or DELETE.
            switch (method) {
                case "GET" -> b.GET();
                case "HEAD" -> b.HEAD();
                default -> b.DELETE();
            }
        }
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new TestResponse(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("interrupted during " + method + " " + path));
        }
    }

    /** Drops pooled connections at once: the server is about to stop and must not wait for them to go idle. */
    void close() {
        closed = true;
        client.shutdownNow();
    }
}
