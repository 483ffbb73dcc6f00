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
            // An empty group goes (the vthread engine has one per connection); a publish that still holds it
            // posts to nobody, and the next join makes a new one.
            if (g.isEmpty()) groups.remove(s.loop(), g);
            subscribers.decrementAndGet();
            Fanout f = owner.fanout();
            if (f != null) f.noInterest(name);
        }
    }

    /** The per-loop groups this topic holds (for tests). */
    int loopGroups() {
        return groups.size();
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

    /**
     * The subscribers served by one event loop; touched only on that loop, except for the size read above.
     *
     * <p>A delivery can change the members it walks: a send that overflows a slow consumer's queue closes it, and
     * its close handler may unsubscribe or close other members on the same loop, or publish. So while a drain runs,
     * a member that leaves only empties its slot (nobody moves, so nobody is skipped), and the drain closes the gaps
     * when it ends; a member that joins is appended and gets the frames that follow.
     */
    private static final class LoopGroup {
        private static final System.Logger LOG = System.getLogger(Topic.class.getName());

        final Executor loop;
        WsSession[] members = new WsSession[4];
        /** Slots in use, the gaps left during a drain included. */
        volatile int size;
        private int gaps;
        private boolean draining;

        LoopGroup(Executor loop) {
            this.loop = loop;
        }

        boolean isEmpty() {
            return size - gaps == 0;
        }

        void add(WsSession s) {
            if (size == members.length) members = Arrays.copyOf(members, size * 2);
            s.topicSlot(this, size);
            members[size] = s;
            size = size + 1;
        }

        boolean remove(WsSession s) {
            int i = s.topicSlot(this);
            if (i < 0 || i >= size || members[i] != s) {
                i = -1;
                for (int k = 0; k < size; k++) if (members[k] == s) i = k;
                if (i < 0) return false;
            }
            if (draining) {
                members[i] = null;
                gaps++;
                return true;
            }
            // Swap-remove: order among subscribers carries no meaning.
            int last = size - 1;
            WsSession moved = members[last];
            members[i] = moved;
            moved.topicSlot(this, i);
            members[last] = null;
            size = last;
            return true;
        }

        /** After a drain: the members left of each gap move down, in order. */
        private void closeGaps() {
            int n = size, w = 0;
            for (int r = 0; r < n; r++) {
                WsSession s = members[r];
                if (s == null) continue;
                if (w != r) {
                    members[w] = s;
                    s.topicSlot(this, w);
                }
                w++;
            }
            Arrays.fill(members, w, n, null);
            gaps = 0;
            size = w;
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
            // Cleared first: a frame posted after the last poll below schedules another drain.
            scheduled.set(false);
            if (draining) {
                // Re-entered from a delivery (an engine that runs the owner's tasks inline): the running drain
                // polls this frame too, in its order.
                return;
            }
            draining = true;
            try {
                SharedFrame f;
                while ((f = pending.poll()) != null) {
                    // The array is read per member: a join during this frame may have replaced it.
                    for (int i = 0, n = size; i < n; i++) {
                        WsSession s = members[i];
                        if (s != null) deliver(s, f);
                    }
                }
            } finally {
                draining = false;
                if (gaps > 0) closeGaps();
                // Should a delivery have thrown past deliver(), what is left must not wait for the next publish.
                if (!pending.isEmpty() && scheduled.compareAndSet(false, true)) loop.execute(this::drain);
            }
        }

        private static void deliver(WsSession s, SharedFrame f) {
            try {
                s.send(f);
            } catch (RuntimeException e) {
                // One member's failure must not cost the others this frame.
                LOG.log(System.Logger.Level.WARNING, "a room message could not be written to socket " + s.id(), e);
            }
        }
    }
}
