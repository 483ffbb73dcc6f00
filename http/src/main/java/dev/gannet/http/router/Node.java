package dev.gannet.http.router;

/**
 * An immutable node of the radix tree.
 *
 * <p>A static node matches its {@code label} bytes (which may span several segments, the point of a compressed tree);
 * a parameter node matches one non-empty segment; a wildcard node matches the rest of the path and is always a leaf.
 * The parameter and wildcard children hang only under nodes whose label ends in {@code '/'}, so they always start at a
 * segment boundary.
 *
 * <p>Static children all begin with different bytes (the tree splits labels where they diverge), so at most one
 * static child can match and it is found by its first byte alone.
 */
final class Node<H> {
    /** Bytes this node consumes; empty for the root, parameter and wildcard nodes. */
    final byte[] label;
    /** First byte of each static child, parallel to {@link #statics}. */
    final byte[] firstBytes;
    final Node<H>[] statics;
    final Node<H> param;
    final Node<H> wildcard;
    /** Routes ending here, indexed by method; null when no route ends here. HEAD is filled from GET when absent. */
    final Route<H>[] routes;
    /** Bit i set when {@code routes[i] != null}. */
    final long mask;
    /** The Allow header value for {@link #mask}, shared with every node that has the same set. */
    final String allow;

    Node(byte[] label, byte[] firstBytes, Node<H>[] statics, Node<H> param, Node<H> wildcard, Route<H>[] routes,
            long mask, String allow) {
        this.label = label;
        this.firstBytes = firstBytes;
        this.statics = statics;
        this.param = param;
        this.wildcard = wildcard;
        this.routes = routes;
        this.mask = mask;
        this.allow = allow;
    }

    Node<H> staticChild(byte b) {
        byte[] first = firstBytes;
        for (int i = 0; i < first.length; i++) {
            if (first[i] == b) return statics[i];
        }
        return null;
    }

    Route<H> route(int method) {
        Route<H>[] r = routes;
        return method >= 0 && method < r.length ? r[method] : null;
    }
}
