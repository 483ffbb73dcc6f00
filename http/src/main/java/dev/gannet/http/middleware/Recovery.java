package dev.gannet.http.middleware;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.Middleware;
import dev.gannet.http.Request;
import dev.gannet.http.Response;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Turns a failure inside the chain into a 500 the client can quote: the body carries a fresh error id (JSON
 * {@code {"error":"internal","id":"…"}} when the client accepts JSON, text otherwise) and the log line at WARNING
 * carries the same id with the stack trace. The exception's message never reaches the client: it may hold SQL,
 * paths or user data.
 *
 * <p>The server does this already for failures that escape every middleware; Recovery is for choosing the body and
 * for answering inside the chain, so outer middleware (AccessLog, RequestId, SecurityHeaders) still see and decorate
 * the 500. If the response had already gone out, there is nothing left to answer: the failure is only logged.
 *
 * <p>Headers the failed handler set before it threw stay on the 500 (Response cannot drop headers yet).
 */
public final class Recovery implements Middleware {
    public static final String LOGGER_NAME = "dev.gannet.http.recovery";

    /**
     * @param jsonBody the body for clients that accept JSON, from the error id; must be valid JSON
     * @param textBody the body for everyone else, from the error id
     * @param logger   where the stack trace goes, at WARNING
     */
    public record Config(Function<String, String> jsonBody, Function<String, String> textBody, System.Logger logger) {
        public static final Function<String, String> DEFAULT_JSON_BODY = id -> "{\"error\":\"internal\",\"id\":\"" + id + "\"}";
        public static final Function<String, String> DEFAULT_TEXT_BODY = id -> "Internal Server Error (error id " + id + ")\n";

        public Config {
            Objects.requireNonNull(jsonBody, "jsonBody");
            Objects.requireNonNull(textBody, "textBody");
            Objects.requireNonNull(logger, "logger");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private Function<String, String> jsonBody = DEFAULT_JSON_BODY;
            private Function<String, String> textBody = DEFAULT_TEXT_BODY;
            private System.Logger logger;

            public Builder jsonBody(Function<String, String> v) { jsonBody = v; return this; }
            public Builder textBody(Function<String, String> v) { textBody = v; return this; }
            public Builder logger(System.Logger v) { logger = v; return this; }

            public Config build() {
                return new Config(jsonBody, textBody, logger != null ? logger : System.getLogger(LOGGER_NAME));
            }
        }
    }

    private final Config config;

    private Recovery(Config config) {
        this.config = config;
    }

    public static Recovery create() {
        return new Recovery(Config.builder().build());
    }

    public static Recovery create(Config config) {
        return new Recovery(config);
    }

    @Override
    public void handle(Request req, Response res, HttpHandler next) {
        try {
            next.handle(req, res);
        } catch (Throwable t) {
            // Catching Throwable matches the server's own last resort: a StackOverflowError in one handler should
            // cost that request, not the event loop.
            String id = Ids.hex16();
            String requestId = RequestId.of(res);
            config.logger().log(System.Logger.Level.WARNING, "handler for " + req.method() + " " + req.path()
                    + " failed (error id " + id + (requestId == null ? "" : ", request id " + requestId) + ")", t);
            if (res.isSent()) return;
            res.status(500);
            if (acceptsJson(req.header("Accept"))) {
                res.contentType("application/json").send(config.jsonBody().apply(id).getBytes(StandardCharsets.UTF_8));
            } else {
                res.contentType("text/plain; charset=utf-8").send(config.textBody().apply(id).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Whether an Accept header names JSON ({@code application/json} or a {@code +json} type) with q above 0. */
    static boolean acceptsJson(String accept) {
        if (accept == null) return false;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            if (!type.equals("application/json") && !(type.startsWith("application/") && type.endsWith("+json"))) continue;
            if (!refused(parts)) return true;
        }
        return false;
    }

    private static boolean refused(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    return Double.parseDouble(p.substring(2).trim()) <= 0;
                } catch (NumberFormatException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
