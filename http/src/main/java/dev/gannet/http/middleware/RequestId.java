package dev.gannet.http.middleware;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.Middleware;
import dev.gannet.http.Request;
import dev.gannet.http.Response;

import java.util.Objects;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it looks sane (so one id follows a request
 * through several services), otherwise 16 random hex characters. The id goes back on the response.
 *
 * <p>Later middleware and handlers read it with {@link #of(Response)}: until Request has attributes, the response
 * header is where it lives. Install RequestId outermost so everything inside sees the id.
 */
public final class RequestId implements Middleware {
    public static final String HEADER = "X-Request-Id";

    /**
     * @param header        the header read from the request and set on the response
     * @param maxLength     longest incoming id accepted; longer ones are replaced, they bloat every log line
     * @param trustIncoming whether an incoming id is used at all (off at an edge facing the internet, where a client
     *                      could pick ids to confuse log searches)
     */
    public record Config(String header, int maxLength, boolean trustIncoming) {
        public static final int DEFAULT_MAX_LENGTH = 128;

        public Config {
            Objects.requireNonNull(header, "header");
            if (maxLength < 1) throw new IllegalArgumentException("maxLength must be >= 1");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private String header = HEADER;
            private int maxLength = DEFAULT_MAX_LENGTH;
            private boolean trustIncoming = true;

            public Builder header(String v) { header = v; return this; }
            public Builder maxLength(int v) { maxLength = v; return this; }
            public Builder trustIncoming(boolean v) { trustIncoming = v; return this; }

            public Config build() {
                return new Config(header, maxLength, trustIncoming);
            }
        }
    }

    private final Config config;

    private RequestId(Config config) {
        this.config = config;
    }

    /** Reuses a sane incoming {@code X-Request-Id}, else generates one. */
    public static RequestId create() {
        return new RequestId(Config.builder().build());
    }

    public static RequestId create(Config config) {
        return new RequestId(config);
    }

    /** The id of the request this response answers (default header), or null when RequestId is not installed. */
    public static String of(Response res) {
        return res.header(HEADER);
    }

    /** The id under this instance's header name. */
    public String get(Response res) {
        return res.header(config.header());
    }

    @Override
    public void handle(Request req, Response res, HttpHandler next) throws Exception {
        String id = config.trustIncoming() ? req.header(config.header()) : null;
        if (!sane(id, config.maxLength())) id = Ids.hex16();
        res.header(config.header(), id);
        next.handle(req, res);
    }

    /** Visible ASCII only and not too long: safe to echo in a header and to write in a log line as is. */
    static boolean sane(String id, int maxLength) {
        if (id == null || id.isEmpty() || id.length() > maxLength) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x21 || c > 0x7e) return false;
        }
        return true;
    }
}
