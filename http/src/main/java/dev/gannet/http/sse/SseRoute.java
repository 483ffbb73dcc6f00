package dev.gannet.http.sse;

import dev.gannet.http.HttpHandler;

import java.io.OutputStream;
import java.util.Objects;

/**
 * Makes the route handler behind {@code HttpServer.sse}: an open-ended 200 text/event-stream head, then the hand-over
 * of the connection to an {@link SseSession}.
 */
public final class SseRoute {
    private SseRoute() {
    }

    public static HttpHandler handler(SseConfig config, SseHandler handler) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(handler, "handler");
        return (req, res) -> {
            res.status(200)
                    .contentType("text/event-stream")
                    // Events are live: a cache must neither store nor replay them.
                    .header("Cache-Control", "no-cache")
                    // nginx buffers proxied responses by default, which would hold events back until a buffer fills.
                    .header("X-Accel-Buffering", "no");
            // Chunked, or close-delimited for HTTP/1.0; the response chooses. The session writes the events
            // through it so both framings are handled in one place, and it ends it when the stream ends.
            OutputStream body = res.stream();
            if ("HEAD".equals(req.method())) return; // a HEAD answer has no body: the head is all there is
            String lastEventId = req.header("Last-Event-ID");
            // The factory runs on the connection's thread once the head is out and the hand-over is certain, still
            // before the request is reset: onOpen sees a valid request, and is not called for a stream that never
            // opens (a server draining meanwhile ends the response instead).
            res.takeover(connection -> SseSession.open(connection, body, config, handler, req, lastEventId));
        };
    }
}
