package dev.gannet.http.sse;

import dev.gannet.http.Request;

/** A server-sent events endpoint, registered with {@code HttpServer.sse("/events", handler)}. */
public interface SseHandler {
    /**
     * A client connected; the response head is on its way. {@code request} is valid only during this call (read
     * path parameters and headers here); {@code stream} can be kept and written from any thread.
     * {@link SseStream#lastEventId()} carries the client's Last-Event-ID when it is reconnecting.
     */
    void onOpen(SseStream stream, Request request);

    /** The stream ended: the client went away, the server closed it, or the server is shutting down. */
    default void onClose(SseStream stream) {
    }
}
