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
        if (t != null) t.deliverLocal(binary ? SharedFrame.binary(payload) : SharedFrame.text(new String(payload, java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The number of topics that have ever had a subscriber or a message. */
    public int size() {
        return topics.size();
    }
}
