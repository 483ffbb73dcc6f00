package dev.gannet.http.router;

import java.util.List;

/**
 * One registered route: method, full pattern (group prefixes included) and handler. Immutable.
 *
 * <p>The pattern string is the one the route was declared with, so it is a constant per route and suits metrics
 * labels. A HEAD request answered by a GET route (no HEAD route at that path) reports the GET route.
 *
 * @param <H> the handler type
 */
public final class Route<H> {
    final String method;
    final int methodIndex;
    final String pattern;
    final H handler;
    /** Names of the captured parameters in path order; {@code "*"} last for a wildcard route. */
    final String[] paramNames;

    Route(String method, int methodIndex, String pattern, H handler, String[] paramNames) {
        this.method = method;
        this.methodIndex = methodIndex;
        this.pattern = pattern;
        this.handler = handler;
        this.paramNames = paramNames;
    }

    public String method() {
        return method;
    }

    /** The method's index in the router that holds this route (see {@link Methods}). */
    public int methodIndex() {
        return methodIndex;
    }

    public String pattern() {
        return pattern;
    }

    public H handler() {
        return handler;
    }

    /** Parameter names in the order they appear in the path; a trailing wildcard is named {@code "*"}. */
    public List<String> paramNames() {
        return List.of(paramNames);
    }

    @Override
    public String toString() {
        return method + " " + pattern;
    }
}
