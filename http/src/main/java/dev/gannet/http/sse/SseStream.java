package dev.gannet.http.sse;

/**
 * One open event stream (text/event-stream). Methods may be called from any thread: off the connection's loop they
 * re-enter it. Output is bounded: an event that would queue more than {@link SseConfig#maxQueuedBytes()} for a
 * client that does not read is dropped (the call returns false), or the stream is closed, per
 * {@link SseConfig#slowConsumer()}.
 */
public interface SseStream {
    long id();

    /** The Last-Event-ID the client sent (reconnecting), or null. */
    String lastEventId();

    /** Sends an event with only a data field (multi-line data becomes several data lines). */
    default boolean send(String data) {
        return send(null, null, data);
    }

    default boolean send(String event, String data) {
        return send(null, event, data);
    }

    /** Sends an event; null fields are left out. An id or event name containing CR or LF is refused. */
    boolean send(String id, String event, String data);

    /** Tells the client how long to wait before reconnecting. */
    boolean retry(java.time.Duration delay);

    /** A comment line (": text"), which clients ignore: a keep-alive. */
    boolean comment(String text);

    /** Ends the stream (the chunked body ends and the connection closes). */
    void close();

    boolean isOpen();

    /** Bytes queued for this client and not yet written to the kernel. */
    long queuedBytes();

    /** Events and comments refused because the client was too slow ({@link SseConfig.SlowConsumer}). */
    long droppedEvents();

    <T> T attachment();

    void attachment(Object value);
}
