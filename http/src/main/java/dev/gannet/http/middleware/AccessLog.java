package dev.gannet.http.middleware;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.Middleware;
import dev.gannet.http.Request;
import dev.gannet.http.Response;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * One line per request, written when the handler returns:
 * <pre>{@code 203.0.113.7 "GET /users/42" 200 153us id=4f1c0a9be2d83e71}</pre>
 * client address, method and path (query left out: it often carries tokens), status, time in the handler and the
 * middleware inside this one in microseconds, and the request id when {@link RequestId} runs before it.
 *
 * <p>When the logger is off for the level (and there is no sink) the request goes straight through: no clock read,
 * no string built.
 */
public final class AccessLog implements Middleware {
    public static final String LOGGER_NAME = "dev.gannet.http.access";

    /**
     * @param logger          where lines go, unless a sink is set
     * @param level           the level lines are logged at
     * @param clientAddress   how the client address is found (behind proxies, configure trusted ones)
     * @param requestIdHeader the response header holding the request id
     * @param sink            when set, receives every line instead of the logger (tests, custom outputs); it is
     *                        called on the thread that ran the handler, so it must be thread-safe and fast
     */
    public record Config(System.Logger logger, System.Logger.Level level, ClientAddress clientAddress,
                         String requestIdHeader, Consumer<String> sink) {
        public static final System.Logger.Level DEFAULT_LEVEL = System.Logger.Level.INFO;

        public Config {
            Objects.requireNonNull(logger, "logger");
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(clientAddress, "clientAddress");
            Objects.requireNonNull(requestIdHeader, "requestIdHeader");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private System.Logger logger;
            private System.Logger.Level level = DEFAULT_LEVEL;
            private ClientAddress clientAddress = ClientAddress.peer();
            private String requestIdHeader = RequestId.HEADER;
            private Consumer<String> sink;

            public Builder logger(System.Logger v) { logger = v; return this; }
            public Builder level(System.Logger.Level v) { level = v; return this; }
            public Builder clientAddress(ClientAddress v) { clientAddress = v; return this; }
            public Builder requestIdHeader(String v) { requestIdHeader = v; return this; }
            public Builder sink(Consumer<String> v) { sink = v; return this; }

            public Config build() {
                // Looked up only here, so a config built with its own logger never touches the default one.
                return new Config(logger != null ? logger : System.getLogger(LOGGER_NAME), level, clientAddress, requestIdHeader, sink);
            }
        }
    }

    private final Config config;

    private AccessLog(Config config) {
        this.config = config;
    }

    /** Logs to {@value #LOGGER_NAME} at INFO with the peer address. */
    public static AccessLog create() {
        return new AccessLog(Config.builder().build());
    }

    public static AccessLog create(Config config) {
        return new AccessLog(config);
    }

    /** Lines go to {@code sink} instead of a logger. */
    public static AccessLog to(Consumer<String> sink) {
        return new AccessLog(Config.builder().sink(sink).build());
    }

    @Override
    public void handle(Request req, Response res, HttpHandler next) throws Exception {
        Consumer<String> sink = config.sink();
        if (sink == null && !config.logger().isLoggable(config.level())) {
            next.handle(req, res);
            return;
        }
        long start = System.nanoTime();
        boolean failed = true;
        try {
            next.handle(req, res);
            failed = false;
        } finally {
            // A failure that escapes becomes a 500 further out (Recovery or the server) unless something was sent.
            int status = failed && !res.isSent() ? 500 : res.status();
            String line = line(req, res, status, (System.nanoTime() - start) / 1000);
            if (sink != null) sink.accept(line);
            else config.logger().log(config.level(), line);
        }
    }

    private String line(Request req, Response res, int status, long micros) {
        StringBuilder b = new StringBuilder(96)
                .append(config.clientAddress().resolve(req))
                .append(" \"").append(req.method()).append(' ').append(req.path()).append("\" ")
                .append(status).append(' ').append(micros).append("us");
        String id = res.header(config.requestIdHeader());
        if (id != null) b.append(" id=").append(id);
        return b.toString();
    }
}
