package dev.gannet.http.ws;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A room: sockets subscribe, and a message published to it is encoded once and shared by every subscriber.
 * Subscribers are kept per event loop, and a publish posts one task per loop that writes the frame to all of that
 * loop's subscribers: the cost per recipient is a copy into its output buffer, with no task, lock or encoding each.
 */
public final class Topic {
    private final String name;
    private final Topics owner;
    private final ConcurrentHashMap<Executor, LoopGroup> groups = new ConcurrentHashMap<>();
    private final AtomicInteger subscribers = new AtomicInteger();

    Topic(String name, Topics owner) {
        this.name = name;
        this.owner = owner;
    }

    public String name() {
        return name;
    }

    /** Subscribers on this node. */
    public int localSubscribers() {
        return subscribers.get();
    }

    /** Adds a socket (once; a second call does nothing). It leaves by itself when it closes. */
    public void subscribe(WebSocket ws) {
        WsSession s = (WsSession) ws;
        s.loop().execute(() -> {
            if (!s.isOpen() || !s.join(this)) return;
            groups.computeIfAbsent(s.loop(), LoopGroup::new).add(s);
            subscribers.incrementAndGet();
            Fanout f = owner.fanout();
            if (f != null) f.interest(name);
        });
    }

    public void unsubscribe(WebSocket ws) {
        WsSession s = (WsSession) ws;
        s.loop().execute(() -> {
            if (s.inTopic(this)) removeOnLoop(s);
        });
    }

    /** Called on the socket's loop, by {@link #unsubscribe} or when the socket closes. */
    void removeOnLoop(WsSession s) {
        LoopGroup g = groups.get(s.loop());
        if (g != null && g.remove(s)) {
            s.forget(g);
            subscribers.decrementAndGet();
            Fanout f = owner.fanout();
            if (f != null) f.noInterest(name);
        }
    }

    /** Sends a text message to every subscriber, on this node and (with a fanout) on the others. */
    public void publish(String text) {
        deliverLocal(SharedFrame.text(text));
        Fanout f = owner.fanout();
        if (f != null) f.publish(name, text.getBytes(StandardCharsets.UTF_8), false);
    }

    /** Sends a binary message to every subscriber, on this node and (with a fanout) on the others. */
    public void publish(byte[] data) {
        deliverLocal(SharedFrame.binary(data));
        Fanout f = owner.fanout();
        if (f != null) f.publish(name, data.clone(), true);
    }

    /** This node's subscribers only. */
    void deliverLocal(SharedFrame frame) {
        for (LoopGroup g : groups.values()) {
            if (g.size > 0) g.post(frame);
        }
    }

    /** The subscribers served by one event loop; touched only on that loop, except for the size read above. */
    private static final class LoopGroup {
        final Executor loop;
        WsSession[] members = new WsSession[4];
        volatile int size;

        LoopGroup(Executor loop) {
            this.loop = loop;
        }

        void add(WsSession s) {
            if (size == members.length) members = Arrays.copyOf(members, size * 2);
            s.topicSlot(this, size);
            members[size] = s;
            size = size + 1;
        }

        /** Swap-remove: order among subscribers carries no meaning. */
        boolean remove(WsSession s) {
            int i = s.topicSlot(this);
            if (i < 0 || i >= size || members[i] != s) {
                i = -1;
                for (int k = 0; k < size; k++) if (members[k] == s) i = k;
                if (i < 0) return false;
            }
            int last = size - 1;
            WsSession moved = members[last];
            members[i] = moved;
            moved.topicSlot(this, i);
            members[last] = null;
            size = last;
            return true;
        }

        /**
         * Frames published and not yet delivered on the loop. One drain task at a time empties them in order: a
         * burst of broadcasts costs one task per loop, and each socket gets the burst in one write.
         */
        private final ConcurrentLinkedQueue<SharedFrame> pending = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        void post(SharedFrame frame) {
            pending.offer(frame);
            if (scheduled.compareAndSet(false, true)) loop.execute(this::drain);
        }

        private void drain() {
            scheduled.set(false);
            SharedFrame f;
            while ((f = pending.poll()) != null) {
                WsSession[] m = members;
                for (int i = 0, n = size; i < n; i++) m[i].send(f);
            }
        }
    }
}
