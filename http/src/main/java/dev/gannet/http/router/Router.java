package dev.gannet.http.router;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Maps (method, path) to a handler with a radix tree. Immutable and thread-safe once built; matching allocates
 * nothing (but see 404 and 405 below).
 *
 * <h2>Patterns</h2>
 * A pattern starts with {@code /} and is made of segments: static text, {@code {name}} parameters that match one
 * whole non-empty segment, and a last segment {@code *} that matches the rest of the path, empty or not, captured as
 * the parameter {@code "*"}. {@code /files/*} matches {@code /files/} and {@code /files/a/b}, not {@code /files}.
 *
 * <h2>Priority</h2>
 * When several routes match, the choice is made segment by segment from the left: static beats parameter beats
 * wildcard at the first segment where they differ. If the preferred branch fails further down the search backs up and
 * tries the next, so with {@code /users/me} and {@code /users/{id}/posts}, {@code /users/me/posts} matches the
 * second. The method takes part in the search: with GET {@code /users/me} and DELETE {@code /users/{id}}, a DELETE of
 * {@code /users/me} reaches the second route rather than a 405.
 *
 * <h2>Paths</h2>
 * The path is matched as raw bytes, as the request carried it, without the query (the caller cuts at {@code ?}).
 * Static text is compared byte for byte with no percent-decoding and no dot-segment removal, so {@code /a%2Fb} is
 * not {@code /a/b} and {@code %2f} is not {@code %2F}; parameters are captured raw and decoded on demand by
 * {@link RouteMatch#param(String)}. A trailing slash is significant: {@code /a/} does not match {@code /a}; whether
 * to redirect is the server's choice. An empty segment ({@code //}) never matches a parameter.
 *
 * <h2>Methods</h2>
 * Methods are resolved to small indexes (see {@link Methods}). A HEAD request with no HEAD route at its path uses the
 * GET route (the server sends the headers only). OPTIONS gets no automatic route.
 *
 * <h2>404 and 405</h2>
 * When no route matches both path and method but some match the path, the outcome is METHOD_NOT_ALLOWED with an
 * Allow value listing every method that would have been found for that path (the union over all patterns matching
 * it). Each node's own list is a constant made at build time; a union of several nodes' lists is made the first time
 * it occurs and reused after, which is the one allocation matching can ever do, once per distinct union.
 *
 * @param <H> the handler type; the router knows nothing else about it
 */
public final class Router<H> {

    private final Node<H> root;
    private final String[] methodNames;
    /** Extension method names as bytes, for {@link #methodIndex(byte[], int, int)}; index STANDARD_COUNT + i. */
    private final byte[][] extensionBytes;
    private final AllowTable allowTable;
    private final int maxParams;
    private final List<Route<H>> routes;

    private Router(Node<H> root, String[] methodNames, AllowTable allowTable, int maxParams, List<Route<H>> routes) {
        this.root = root;
        this.methodNames = methodNames;
        this.allowTable = allowTable;
        this.maxParams = maxParams;
        this.routes = routes;
        extensionBytes = new byte[methodNames.length - Methods.STANDARD_COUNT][];
        for (int i = 0; i < extensionBytes.length; i++) {
            extensionBytes[i] = methodNames[Methods.STANDARD_COUNT + i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    public static <H> Builder<H> builder() {
        return new Builder<>(new Builder.State<>(), "");
    }

    /** A match object sized for this router's routes, so matching never has to grow it. */
    public RouteMatch<H> newMatch() {
        return new RouteMatch<>(Math.max(1, maxParams));
    }

    /** The most parameters (wildcard included) of any route. */
    public int maxParams() {
        return maxParams;
    }

    /** All routes in registration order. */
    public List<Route<H>> routes() {
        return routes;
    }

    /** Number of method indexes in use: the standard ones plus the extensions registered with this router. */
    public int methodCount() {
        return methodNames.length;
    }

    public String methodName(int index) {
        return methodNames[index];
    }

    /**
     * The index of a method name given as bytes (as a request line holds it), or -1 if no route uses it and it is not
     * standard. Allocates nothing. An unknown method still matches paths: it gets METHOD_NOT_ALLOWED where a path
     * exists, though a server may prefer 501 for methods it does not know at all.
     */
    public int methodIndex(byte[] name, int off, int len) {
        int i = Methods.standardIndex(name, off, len);
        if (i >= 0) return i;
        byte[][] ext = extensionBytes;
        for (int e = 0; e < ext.length; e++) {
            byte[] b = ext[e];
            if (b.length == len && Arrays.equals(b, 0, len, name, off, off + len)) {
                return Methods.STANDARD_COUNT + e;
            }
        }
        return -1;
    }

    /** The index of a method name, or -1. */
    public int methodIndex(CharSequence name) {
        int i = Methods.standardIndex(name);
        if (i >= 0) return i;
        for (int e = Methods.STANDARD_COUNT; e < methodNames.length; e++) {
            if (methodNames[e].contentEquals(name)) return e;
        }
        return -1;
    }

    /**
     * Convenience match on strings; it allocates (the path is encoded to UTF-8 bytes), so the server uses
     * {@link #match(int, byte[], int, int, RouteMatch)} instead.
     */
    public boolean match(String method, CharSequence path, RouteMatch<H> into) {
        byte[] bytes = path.toString().getBytes(StandardCharsets.UTF_8);
        return match(methodIndex(method), bytes, 0, bytes.length, into);
    }

    /**
     * Like {@link #match(int, byte[], int, int, RouteMatch)} with the method given by name; also allocates nothing,
     * but resolving the name costs a few comparisons per call, so a caller that has the index should pass it.
     */
    public boolean match(CharSequence method, byte[] path, int off, int len, RouteMatch<H> into) {
        return match(methodIndex(method), path, off, len, into);
    }

    /**
     * Matches {@code path[off, off + len)} (the path only, no query) for a method index from
     * {@link #methodIndex(byte[], int, int)} or {@link Methods}; -1 stands for an unknown method. Fills {@code into}
     * and returns whether the outcome is {@link RouteMatch.Outcome#FOUND}. Allocates nothing.
     */
    public boolean match(int method, byte[] path, int off, int len, RouteMatch<H> into) {
        Objects.checkFromIndexSize(off, len, path.length);
        into.reset(path, maxParams);
        if (find(root, path, off, off + len, method, 0, into)) return true;
        long mask = into.allowMask;
        if (mask != 0) {
            // The usual 405 has one node matching the path: use its constant; a union of nodes goes to the table.
            Node<H> first = into.allowNode;
            into.methodNotAllowed(mask == first.mask ? first.allow : allowTable.get(mask));
        }
        return false;
    }

    /**
     * Whether {@code path} (without its query) names a directory route without its trailing slash: a route for this
     * method ends in {@code /*} or {@code /}, and {@code path + "/"} reaches exactly that slash. Such a request is
     * answered with a redirect to the slashed path (as nginx and Go's ServeMux do), not a 404. It allocates, so it
     * belongs on the not-found path only.
     */
    public boolean isDirectoryWithoutSlash(int method, byte[] path, int off, int len) {
        // "//host" would become a scheme-relative Location naming another server.
        if (len == 0 || path[off + len - 1] == '/' || len > 1 && path[off + 1] == '/') return false;
        byte[] slashed = Arrays.copyOfRange(path, off, off + len + 1);
        slashed[len] = '/';
        RouteMatch<H> m = newMatch();
        if (!match(method, slashed, 0, slashed.length, m)) return false;
        String pattern = m.pattern();
        if (pattern.endsWith("/")) return true;
        // A wildcard route: only its root, where the wildcard matched nothing, is the directory itself.
        int wildcard = m.paramIndex("*");
        return pattern.endsWith("/*") && wildcard >= 0 && m.paramLength(wildcard) == 0;
    }

    /**
     * Depth-first search from node {@code n}, whose label has been consumed up to {@code pos}. {@code depth} is the
     * number of parameters captured so far, which is also the index of the next one. Recursion depth is bounded by
     * the tree's height, not by the request, since every call goes one node deeper.
     */
    private boolean find(Node<H> n, byte[] p, int pos, int end, int method, int depth, RouteMatch<H> m) {
        if (pos == end) {
            if (n.routes != null && terminal(n, method, m)) return true;
            // A wildcard matches an empty rest; a parameter never matches an empty segment.
            Node<H> w = n.wildcard;
            return w != null && wildcard(w, pos, end, method, depth, m);
        }
        byte b = p[pos];
        Node<H> s = n.staticChild(b);
        if (s != null) {
            byte[] label = s.label;
            int l = label.length;
            if (l <= end - pos && Arrays.equals(label, 0, l, p, pos, pos + l)
                    && find(s, p, pos + l, end, method, depth, m)) {
                return true;
            }
        }
        Node<H> q = n.param;
        if (q != null && b != '/') {
            int segEnd = pos + 1;
            while (segEnd < end && p[segEnd] != '/') segEnd++;
            m.capture(depth, pos, segEnd - pos);
            if (find(q, p, segEnd, end, method, depth + 1, m)) return true;
        }
        Node<H> w = n.wildcard;
        return w != null && wildcard(w, pos, end, method, depth, m);
    }

    private boolean wildcard(Node<H> w, int pos, int end, int method, int depth, RouteMatch<H> m) {
        m.capture(depth, pos, end - pos);
        return terminal(w, method, m);
    }

    /** The path ends on {@code n}: found if it has the method, else its methods count towards a 405. */
    private static <H> boolean terminal(Node<H> n, int method, RouteMatch<H> m) {
        Route<H> r = n.route(method);
        if (r != null) {
            m.found(r);
            return true;
        }
        if (m.allowNode == null) m.allowNode = n;
        m.allowMask |= n.mask;
        return false;
    }

    /**
     * Collects routes for a {@link Router}. A route that is malformed or conflicts with an earlier one is rejected by
     * the {@code add} call itself, so the stack trace points at the offending line. Not thread-safe.
     */
    public static final class Builder<H> {

        static final class State<H> {
            final TreeBuilder<H> tree = new TreeBuilder<>();
            final List<String> methodNames = new ArrayList<>();
            final Map<String, Integer> methodIndexes = new HashMap<>();
            final List<Route<H>> routes = new ArrayList<>();
            int maxParams;

            State() {
                for (int i = 0; i < Methods.STANDARD_COUNT; i++) {
                    methodNames.add(Methods.standardName(i));
                    methodIndexes.put(Methods.standardName(i), i);
                }
            }

            int methodIndex(String method) {
                Integer i = methodIndexes.get(method);
                if (i != null) return i;
                if (!Methods.isToken(method)) throw new IllegalArgumentException("invalid method name '" + method + "'");
                // Method names are case-sensitive, so "get" would be a distinct extension method no client sends.
                String upper = method.toUpperCase(Locale.ROOT);
                if (Methods.standardIndex(upper) >= 0) {
                    throw new IllegalArgumentException("method names are case-sensitive: '" + method
                            + "' is not " + upper);
                }
                if (methodNames.size() == Methods.MAX_METHODS) {
                    throw new IllegalArgumentException("too many methods (at most " + Methods.MAX_METHODS + ")");
                }
                int index = methodNames.size();
                methodNames.add(method);
                methodIndexes.put(method, index);
                return index;
            }
        }

        private final State<H> state;
        private final String prefix;

        private Builder(State<H> state, String prefix) {
            this.state = state;
            this.prefix = prefix;
        }

        /**
         * Adds a route. Inside a {@link #group}, the pattern is appended to the group's prefix, and the empty pattern
         * {@code ""} stands for the prefix itself.
         *
         * @throws IllegalArgumentException if the pattern is malformed, or the same method already has a route whose
         *                                  pattern is equivalent (the same but for parameter names)
         */
        public Builder<H> add(String method, String pattern, H handler) {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(handler, "handler");
            if (prefix.isEmpty() && pattern.isEmpty()) {
                throw new IllegalArgumentException("invalid route pattern '': it must start with '/'");
            }
            if (!pattern.isEmpty() && pattern.charAt(0) != '/') {
                throw new IllegalArgumentException("invalid route pattern '" + pattern + "': it must start with '/'");
            }
            RoutePattern parsed = RoutePattern.parse(prefix + pattern);
            int index = state.methodIndex(method);
            Route<H> route = new Route<>(method, index, parsed.text, handler, parsed.paramNames);
            state.tree.insert(parsed, route);
            state.routes.add(route);
            state.maxParams = Math.max(state.maxParams, parsed.paramNames.length);
            return this;
        }

        public Builder<H> get(String pattern, H handler) {
            return add("GET", pattern, handler);
        }

        public Builder<H> head(String pattern, H handler) {
            return add("HEAD", pattern, handler);
        }

        public Builder<H> post(String pattern, H handler) {
            return add("POST", pattern, handler);
        }

        public Builder<H> put(String pattern, H handler) {
            return add("PUT", pattern, handler);
        }

        public Builder<H> delete(String pattern, H handler) {
            return add("DELETE", pattern, handler);
        }

        public Builder<H> patch(String pattern, H handler) {
            return add("PATCH", pattern, handler);
        }

        public Builder<H> options(String pattern, H handler) {
            return add("OPTIONS", pattern, handler);
        }

        /**
         * Adds the routes {@code routes} declares under {@code prefix} (appended to this builder's own prefix, so
         * groups nest). The prefix starts with {@code /}, does not end with one, may hold parameters but no wildcard.
         */
        public Builder<H> group(String prefix, Consumer<Builder<H>> routes) {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(routes, "routes");
            RoutePattern parsed = RoutePattern.parse(prefix);
            if (prefix.endsWith("/")) {
                throw new IllegalArgumentException("invalid group prefix '" + prefix
                        + "': it must not end with '/' (routes in the group start with one)");
            }
            if (parsed.hasWildcard()) {
                throw new IllegalArgumentException("invalid group prefix '" + prefix + "': no wildcard in a prefix");
            }
            routes.accept(new Builder<>(state, this.prefix + prefix));
            return this;
        }

        /**
         * Builds an immutable router from the routes added so far (by this builder and every group of it). The
         * builder can go on being used; later routes do not affect routers already built.
         */
        public Router<H> build() {
            String[] names = state.methodNames.toArray(String[]::new);
            AllowTable allowTable = new AllowTable(names);
            Node<H> root = state.tree.freeze(names.length, allowTable);
            return new Router<>(root, names, allowTable, state.maxParams, List.copyOf(state.routes));
        }
    }
}
