package dev.gannet.http.middleware;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.Middleware;
import dev.gannet.http.Request;
import dev.gannet.http.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Adds the usual protective response headers. A header the handler set itself is left alone: they are added just
 * before the head goes out (through the body filter), when the handler's own choices are known.
 *
 * <p>Limitation: {@code Response.sendFile} does not run body filters, so files sent with it (StaticFiles) do not
 * get these headers until Response has a hook that runs for every response.
 */
public final class SecurityHeaders implements Middleware {
    /**
     * Each value is the header's value, or null to not send it.
     *
     * @param contentTypeOptions      {@code X-Content-Type-Options}
     * @param frameOptions            {@code X-Frame-Options}
     * @param referrerPolicy          {@code Referrer-Policy}
     * @param crossOriginOpenerPolicy {@code Cross-Origin-Opener-Policy}
     * @param contentSecurityPolicy   {@code Content-Security-Policy}; off by default, a policy is site-specific
     * @param strictTransportSecurity {@code Strict-Transport-Security}; off by default, it pins browsers to HTTPS
     *                                for the whole max-age, so it is only for servers that are always behind TLS
     */
    public record Config(String contentTypeOptions, String frameOptions, String referrerPolicy,
                         String crossOriginOpenerPolicy, String contentSecurityPolicy, String strictTransportSecurity) {
        public static final String DEFAULT_CONTENT_TYPE_OPTIONS = "nosniff";
        public static final String DEFAULT_FRAME_OPTIONS = "DENY";
        public static final String DEFAULT_REFERRER_POLICY = "no-referrer";
        public static final String DEFAULT_CROSS_ORIGIN_OPENER_POLICY = "same-origin";
        /** A value for {@link Builder#strictTransportSecurity}: one year, subdomains included. */
        public static final String HSTS_ONE_YEAR = "max-age=31536000; includeSubDomains";
        /** A strict starting point for {@link Builder#contentSecurityPolicy}: same-origin resources only. */
        public static final String CSP_SELF = "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private String contentTypeOptions = DEFAULT_CONTENT_TYPE_OPTIONS;
            private String frameOptions = DEFAULT_FRAME_OPTIONS;
            private String referrerPolicy = DEFAULT_REFERRER_POLICY;
            private String crossOriginOpenerPolicy = DEFAULT_CROSS_ORIGIN_OPENER_POLICY;
            private String contentSecurityPolicy;
            private String strictTransportSecurity;

            public Builder contentTypeOptions(String v) { contentTypeOptions = v; return this; }
            public Builder frameOptions(String v) { frameOptions = v; return this; }
            public Builder referrerPolicy(String v) { referrerPolicy = v; return this; }
            public Builder crossOriginOpenerPolicy(String v) { crossOriginOpenerPolicy = v; return this; }
            public Builder contentSecurityPolicy(String v) { contentSecurityPolicy = v; return this; }
            public Builder strictTransportSecurity(String v) { strictTransportSecurity = v; return this; }

            public Config build() {
                return new Config(contentTypeOptions, frameOptions, referrerPolicy, crossOriginOpenerPolicy,
                        contentSecurityPolicy, strictTransportSecurity);
            }
        }
    }

    private final String[] names;
    private final String[] values;
    /** One filter for every response: it reads nothing but the response, so nothing is allocated per request. */
    private final java.util.function.Consumer<Response> addMissing;

    private SecurityHeaders(Config c) {
        List<String[]> h = new ArrayList<>();
        add(h, "X-Content-Type-Options", c.contentTypeOptions());
        add(h, "X-Frame-Options", c.frameOptions());
        add(h, "Referrer-Policy", c.referrerPolicy());
        add(h, "Cross-Origin-Opener-Policy", c.crossOriginOpenerPolicy());
        add(h, "Content-Security-Policy", c.contentSecurityPolicy());
        add(h, "Strict-Transport-Security", c.strictTransportSecurity());
        names = new String[h.size()];
        values = new String[h.size()];
        for (int i = 0; i < h.size(); i++) {
            names[i] = h.get(i)[0];
            values[i] = h.get(i)[1];
        }
        addMissing = res -> {
            for (int k = 0; k < names.length; k++) if (res.header(names[k]) == null) res.header(names[k], values[k]);
        };
    }

    private static void add(List<String[]> h, String name, String value) {
        if (value != null) h.add(new String[] {name, value});
    }

    /** The four defaults; no CSP, no HSTS. */
    public static SecurityHeaders create() {
        return new SecurityHeaders(Config.builder().build());
    }

    public static SecurityHeaders create(Config config) {
        return new SecurityHeaders(config);
    }

    @Override
    public void handle(Request req, Response res, HttpHandler next) throws Exception {
        if (names.length > 0) res.beforeHead(addMissing);
        next.handle(req, res);
    }
}
