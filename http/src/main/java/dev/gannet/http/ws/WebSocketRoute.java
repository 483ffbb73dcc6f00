package dev.gannet.http.ws;

import dev.gannet.http.HttpHandler;

/** Makes the route handler behind {@code HttpServer.ws}: the handshake, then the hand-over to a {@link WsSession}. */
public final class WebSocketRoute {
    private WebSocketRoute() {
    }

    public static HttpHandler handler(WebSocketConfig config, WebSocketHandler handler, Topics topics) {
        throw new UnsupportedOperationException("not yet");
    }
}
