package dev.gannet.http.middleware;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.Middleware;
import dev.gannet.http.Request;
import dev.gannet.http.Response;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Cross-origin resource sharing. A request from an allowed origin gets {@code Access-Control-Allow-Origin} (and the
 * credentials and exposed-headers answers); a preflight ({@code OPTIONS} with {@code Access-Control-Request-Method})
 * is answered here with 204 and never reaches the router, which would answer OPTIONS with 405 on a route that has no
 * OPTIONS handler. A disallowed origin gets no CORS headers, so the browser keeps the response from the page; its
 * preflight, and one asking for a method or header not allowed, gets 403.
 *
 * <p>Requests without {@code Origin} are not cross-origin requests and pass through untouched (apart from Vary).
 */
public final class Cors implements Middleware {
    public static final String ANY = "*";

    /**
     * @param origins        allowed origins, exactly as browsers send them ({@code https://app.example.com}), or
     *                       {@code "*"} for any; no default, an empty list allows none
     * @param methods        methods a preflight may ask for
     * @param headers        request headers a preflight may ask for, or {@code "*"} for any
     * @param exposedHeaders response headers the page may read beyond the safelisted ones
     * @param credentials    whether the page may send cookies / auth; with {@code "*"} origins the request's origin is
     *                       echoed instead, since browsers refuse {@code *} together with credentials
     * @param maxAge         how long the browser may cache a preflight answer; zero to not send it
     */
    public record Config(List<String> origins, List<String> methods, List<String> headers, List<String> exposedHeaders,
                         boolean credentials, Duration maxAge) {
        public static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");
        public static final List<String> DEFAULT_HEADERS = List.of("Content-Type", "Authorization", RequestId.HEADER);
        public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

        public Config {
            origins = List.copyOf(origins);
            methods = List.copyOf(methods);
            headers = List.copyOf(headers);
            exposedHeaders = List.copyOf(exposedHeaders);
            Objects.requireNonNull(maxAge, "maxAge");
            if (maxAge.isNegative()) throw new IllegalArgumentException("maxAge must be >= 0");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private List<String> origins = List.of();
            private List<String> methods = DEFAULT_METHODS;
            private List<String> headers = DEFAULT_HEADERS;
            private List<String> exposedHeaders = List.of();
            private boolean credentials;
            private Duration maxAge = DEFAULT_MAX_AGE;

            public Builder origins(List<String> v) { origins = v; return this; }
            public Builder origins(String... v) { origins = List.of(v); return this; }
            public Builder anyOrigin() { origins = List.of(ANY); return this; }
            public Builder methods(String... v) { methods = List.of(v); return this; }
            public Builder headers(String... v) { headers = List.of(v); return this; }
            public Builder exposedHeaders(String... v) { exposedHeaders = List.of(v); return this; }
            public Builder credentials(boolean v) { credentials = v; return this; }
            public Builder maxAge(Duration v) { maxAge = v; return this; }

            public Config build() {
                return new Config(origins, methods, headers, exposedHeaders, credentials, maxAge);
            }
        }
    }

    private final Config config;
    private final boolean anyOrigin;
    private final boolean anyHeader;
    private final Set<String> origins = new HashSet<>();
    private final Set<String> methods;
    private final Set<String> headers = new HashSet<>();
    private final String methodList;
    private final String headerList;
    private final String exposedList;
    private final String maxAge;

    private Cors(Config c) {
        this.config = c;
        anyOrigin = c.origins().contains(ANY);
        // Scheme and host are case-insensitive and browsers send them lower-case; compare that way.
        for (String o : c.origins()) origins.add(o.toLowerCase(Locale.ROOT));
        methods = Set.copyOf(c.methods());
        anyHeader = c.headers().contains(ANY);
        for (String h : c.headers()) headers.add(h.toLowerCase(Locale.ROOT));
        methodList = String.join(", ", c.methods());
        headerList = String.join(", ", c.headers());
        exposedList = c.exposedHeaders().isEmpty() ? null : String.join(", ", c.exposedHeaders());
        maxAge = c.maxAge().isZero() ? null : Long.toString(c.maxAge().toSeconds());
    }

    public static Cors create(Config config) {
        return new Cors(config);
    }

    /** These origins, default methods and headers, no credentials. */
    public static Cors origins(String... origins) {
        return new Cors(Config.builder().origins(origins).build());
    }

    @Override
    public void handle(Request req, Response res, HttpHandler next) throws Exception {
        // With a list of origins the answer depends on Origin, so caches must key on it, even for requests without.
        if (!anyOrigin || config.credentials()) res.header("Vary", "Origin");
        String origin = req.header("Origin");
        if (origin == null) {
            next.handle(req, res);
            return;
        }
        boolean allowed = anyOrigin || origins.contains(origin.toLowerCase(Locale.ROOT));
        String requestedMethod = req.header("Access-Control-Request-Method");
        if (requestedMethod != null && "OPTIONS".equals(req.method())) {
            preflight(req, res, origin, allowed, requestedMethod);
            return;
        }
        if (allowed) {
            allowOrigin(res, origin);
            if (exposedList != null) res.header("Access-Control-Expose-Headers", exposedList);
        }
        next.handle(req, res);
    }

    private void preflight(Request req, Response res, String origin, boolean allowed, String method) {
        String requestedHeaders = req.header("Access-Control-Request-Headers");
        res.header("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers");
        if (!allowed || !methods.contains(method) || !headersAllowed(requestedHeaders)) {
            res.status(403).end();
            return;
        }
        allowOrigin(res, origin);
        res.header("Access-Control-Allow-Methods", methodList);
        if (requestedHeaders != null && !requestedHeaders.isBlank()) {
            // "*" is taken literally by browsers when credentials are on, so the asked-for list is echoed instead.
            res.header("Access-Control-Allow-Headers", anyHeader ? requestedHeaders : headerList);
        }
        if (maxAge != null) res.header("Access-Control-Max-Age", maxAge);
        res.status(204).end();
    }

    private void allowOrigin(Response res, String origin) {
        res.header("Access-Control-Allow-Origin", anyOrigin && !config.credentials() ? ANY : origin);
        if (config.credentials()) res.header("Access-Control-Allow-Credentials", "true");
    }

    private boolean headersAllowed(String requested) {
        if (anyHeader || requested == null) return true;
        for (String h : requested.split(",")) {
            String name = h.trim();
            if (!name.isEmpty() && !headers.contains(name.toLowerCase(Locale.ROOT))) return false;
        }
        return true;
    }
}
