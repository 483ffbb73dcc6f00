package dev.gannet.http.ws;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The named topics (rooms) of a server. A message published to a topic is encoded once and written to every socket
 * subscribed to it on this node; with a {@link Fanout}, it also reaches the subscribers on every other node.
 * Thread-safe.
 */
public final class Topics {
    private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
    private volatile Fanout fanout;

    /** The topic of that name, made on first use. */
    public Topic topic(String name) {
        Topic t = topics.get(name);
        return t != null ? t : topics.computeIfAbsent(name, n -> new Topic(n, this));
    }

    /** Connects these topics to other nodes. At most once, before sockets subscribe. */
    public synchronized void fanout(Fanout f) {
        if (fanout != null) throw new IllegalStateException("a fanout is already set");
        fanout = f;
        f.start(this::deliverRemote);
    }

    Fanout fanout() {
        return fanout;
    }

    /** A message another node published: to this node's subscribers only. */
    private void deliverRemote(String topic, byte[] payload, boolean binary) {
        Topic t = topics.get(topic);
        if (t == null) return;
        if (!binary && !validUtf8(payload)) {
            // Anyone can publish on the subject; a text frame that is not UTF-8 would make every browser close 1007.
            System.getLogger(Topics.class.getName()).log(System.Logger.Level.DEBUG,
                    "dropped a text message for " + topic + " from another node: not UTF-8");
            return;
        }
        t.deliverLocal(binary ? SharedFrame.binary(payload) : SharedFrame.textUtf8(payload));
    }

    private static boolean validUtf8(byte[] payload) {
        var v = new dev.gannet.http.ws.codec.Utf8Validator();
        return v.feed(java.nio.ByteBuffer.wrap(payload), 0, payload.length) && v.complete();
    }

    /** The number of topics that have ever had a subscriber or a message. */
    public int size() {
        return topics.size();
    }
}
