package dev.gannet.http.router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The mutable radix tree routes are inserted into, frozen into {@link Node}s when a router is built.
 *
 * <p>Routes are inserted as they are added, so a conflict is reported at the {@code add} call that causes it, with
 * the earlier route named in the message. Two patterns that differ only in parameter names end on the same node,
 * which is how "equivalent" is decided: no separate normalisation is needed.
 */
final class TreeBuilder<H> {

    private static final class MNode<H> {
        byte[] label;
        final List<MNode<H>> statics = new ArrayList<>();
        MNode<H> param;
        MNode<H> wildcard;
        /** Routes ending here by method index; grown on demand. */
        List<Route<H>> routes;

        MNode(byte[] label) {
            this.label = label;
        }

        MNode<H> staticChild(byte b) {
            for (MNode<H> c : statics) {
                if (c.label[0] == b) return c;
            }
            return null;
        }
    }

    private final MNode<H> root = new MNode<>(new byte[0]);

    /** Inserts a route; throws IllegalArgumentException if a route with the same method ends on the same node. */
    void insert(RoutePattern pattern, Route<H> route) {
        MNode<H> n = root;
        for (RoutePattern.Token t : pattern.tokens) {
            n = switch (t.kind()) {
                case STATIC -> insertStatic(n, t.bytes());
                case PARAM -> n.param != null ? n.param : (n.param = new MNode<>(new byte[0]));
                case WILDCARD -> n.wildcard != null ? n.wildcard : (n.wildcard = new MNode<>(new byte[0]));
            };
        }
        if (n.routes == null) n.routes = new ArrayList<>();
        while (n.routes.size() <= route.methodIndex) n.routes.add(null);
        Route<H> existing = n.routes.get(route.methodIndex);
        if (existing != null) {
            throw new IllegalArgumentException(existing.pattern.equals(route.pattern)
                    ? "duplicate route " + route
                    : "route " + route + " conflicts with " + existing
                            + ": same method, and the patterns differ only in parameter names");
        }
        n.routes.set(route.methodIndex, route);
    }

    /** Walks down {@code s} from {@code n}, splitting a label where {@code s} diverges from it; returns the end node. */
    private static <H> MNode<H> insertStatic(MNode<H> n, byte[] s) {
        int i = 0;
        while (i < s.length) {
            MNode<H> child = n.staticChild(s[i]);
            if (child == null) {
                child = new MNode<>(Arrays.copyOfRange(s, i, s.length));
                n.statics.add(child);
                return child;
            }
            byte[] label = child.label;
            int common = 1;
            while (common < label.length && i + common < s.length && label[common] == s[i + common]) common++;
            if (common < label.length) split(child, common);
            i += common;
            n = child;
        }
        return n;
    }

    /** Cuts {@code node}'s label at {@code at}; the tail and everything below move to a new single child. */
    private static <H> void split(MNode<H> node, int at) {
        MNode<H> tail = new MNode<>(Arrays.copyOfRange(node.label, at, node.label.length));
        tail.statics.addAll(node.statics);
        tail.param = node.param;
        tail.wildcard = node.wildcard;
        tail.routes = node.routes;
        node.label = Arrays.copyOf(node.label, at);
        node.statics.clear();
        node.statics.add(tail);
        node.param = null;
        node.wildcard = null;
        node.routes = null;
    }

    /** Copies the tree into immutable nodes, filling HEAD from GET where no HEAD route exists. */
    Node<H> freeze(int methodCount, AllowTable allowTable) {
        return freeze(root, methodCount, allowTable);
    }

    @SuppressWarnings("unchecked")
    private static <H> Node<H> freeze(MNode<H> n, int methodCount, AllowTable allowTable) {
        int k = n.statics.size();
        // Static children in first-byte order: not needed for correctness, but it makes the tree's shape independent
        // of registration order, which keeps debugging dumps stable.
        List<MNode<H>> sorted = new ArrayList<>(n.statics);
        sorted.sort((a, b) -> Integer.compare(a.label[0] & 0xFF, b.label[0] & 0xFF));
        byte[] first = new byte[k];
        Node<H>[] statics = (Node<H>[]) new Node<?>[k];
        for (int i = 0; i < k; i++) {
            first[i] = sorted.get(i).label[0];
            statics[i] = freeze(sorted.get(i), methodCount, allowTable);
        }
        Node<H> param = n.param == null ? null : freeze(n.param, methodCount, allowTable);
        Node<H> wildcard = n.wildcard == null ? null : freeze(n.wildcard, methodCount, allowTable);
        Route<H>[] routes = null;
        long mask = 0;
        String allow = null;
        if (n.routes != null) {
            routes = (Route<H>[]) new Route<?>[methodCount];
            for (int i = 0; i < n.routes.size(); i++) routes[i] = n.routes.get(i);
            if (routes[Methods.HEAD] == null) routes[Methods.HEAD] = routes[Methods.GET];
            for (int i = 0; i < methodCount; i++) {
                if (routes[i] != null) mask |= 1L << i;
            }
            allow = allowTable.get(mask);
        }
        return new Node<>(n.label, first, statics, param, wildcard, routes, mask, allow);
    }
}
