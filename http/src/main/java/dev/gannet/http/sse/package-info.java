/**
 * Server-sent events (the WHATWG {@code text/event-stream} format) on the HTTP/1.1 server.
 *
 * <p>{@code HttpServer.sse(pattern, handler)} declares a GET route. Its response is a 200 head with
 * {@code Content-Type: text/event-stream} and a body left open (chunked; close-delimited for HTTP/1.0), after which
 * the connection is handed over to an {@link dev.gannet.http.sse.SseStream}: bytes the client sends are discarded,
 * and the stream lives until the client goes away, the application closes it, or the server shuts down.
 *
 * <p>Threading:
 * <ul>
 *   <li>{@link dev.gannet.http.sse.SseHandler#onOpen} and {@link dev.gannet.http.sse.SseHandler#onClose} run on the
 *       connection's owner thread (its event loop), so they must not block. {@code onOpen}'s request is valid only
 *       during the call; {@code onClose} runs exactly once per stream that was opened.</li>
 *   <li>Every {@link dev.gannet.http.sse.SseStream} method may be called from any thread. On the owner thread, inside
 *       a callback of that stream, an event is written at once. From any other thread it is encoded to bytes on the
 *       caller's thread and queued; one task on the owner thread writes whatever is queued, in order. Events sent by
 *       one thread arrive in the order sent; events from different threads are interleaved whole.</li>
 *   <li>Output is bounded per client: bytes queued (in the stream's hand-off queue plus the connection's pending
 *       output) never pass {@link dev.gannet.http.sse.SseConfig#maxQueuedBytes()} by more than one event. Beyond it
 *       an event is dropped ({@code send} returns false, and {@code droppedEvents()} counts it) or the connection is
 *       reset, per {@link dev.gannet.http.sse.SseConfig#slowConsumer()}. A client that never reads cannot make the
 *       server buffer without bound, and never slows other clients.</li>
 * </ul>
 */
package dev.gannet.http.sse;
