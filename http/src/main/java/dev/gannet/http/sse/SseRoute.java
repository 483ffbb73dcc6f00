package dev.gannet.http.sse;

import dev.gannet.http.HttpHandler;

/** Makes the route handler behind {@code HttpServer.sse}. (Placeholder until the stream implementation lands.) */
public final class SseRoute {
    private SseRoute() {
    }

    public static HttpHandler handler(SseConfig config, SseHandler handler) {
        throw new UnsupportedOperationException("not yet");
    }
}
