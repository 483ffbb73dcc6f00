package dev.gannet.http.ws;

/**
 * Carries topic messages between nodes (the NATS implementation lives in the {@code nats} module, so this module stays
 * free of it). {@link Topics} publishes every local message here as well as delivering it locally; the fanout
 * delivers other nodes' messages back through the {@link Sink}, never this node's own.
 *
 * <p>Every method may be called from any thread (event loops included) and must not block.
 */
public interface Fanout extends AutoCloseable {
    /** Starts the fanout; messages from other nodes go to {@code sink} (on the fanout's own thread). */
    void start(Sink sink);

    /**
     * A local subscriber joined {@code topic}. Called once per subscriber: the fanout counts, and keeps one
     * subscription upstream per topic while the count is above zero.
     */
    void interest(String topic);

    /** A local subscriber left {@code topic} (or closed). */
    void noInterest(String topic);

    /** Sends a message published on this node to the other nodes. */
    void publish(String topic, byte[] payload, boolean binary);

    @Override
    void close();

    /** Where messages from other nodes go. */
    interface Sink {
        void deliver(String topic, byte[] payload, boolean binary);
    }
}
