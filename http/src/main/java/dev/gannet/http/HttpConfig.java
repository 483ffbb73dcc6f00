package dev.gannet.http;

import dev.gannet.http.h1.HttpLimits;
import dev.gannet.transport.ServerConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * HTTP settings on top of the transport's {@link ServerConfig}. Defaults follow the reliability guide.
 *
 * @param server             transport settings (address, engine, loops, TLS, water marks, idle timeout)
 * @param limits             parser limits: request line, header block, body size
 * @param headerTimeout      a request head must arrive within this (slowloris)
 * @param minBodyRate        bytes per second a body upload must keep up (checked each second), 0 for off
 * @param maxKeepAliveRequests requests per connection before it is closed; 0 for unlimited
 * @param blockingByDefault  run every route on a virtual thread, not only those marked blocking
 * @param json               the JSON mapper for {@link Response#json} and {@link Request#bodyAs}
 */
public record HttpConfig(
        ServerConfig server,
        HttpLimits limits,
        Duration headerTimeout,
        int minBodyRate,
        int maxKeepAliveRequests,
        boolean blockingByDefault,
        JsonMapper json) {

    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MIN_BODY_RATE = 1024;

    public HttpConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(headerTimeout, "headerTimeout");
        Objects.requireNonNull(json, "json");
        if (minBodyRate < 0 || maxKeepAliveRequests < 0) throw new IllegalArgumentException("rates and counts must be >= 0");
        if (headerTimeout.isNegative() || headerTimeout.isZero()) throw new IllegalArgumentException("headerTimeout must be > 0");
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private ServerConfig server = ServerConfig.builder().build();
        private HttpLimits limits = HttpLimits.DEFAULTS;
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private int minBodyRate = DEFAULT_MIN_BODY_RATE;
        private int maxKeepAliveRequests;
        private boolean blockingByDefault;
        private JsonMapper json = JsonMapper.dslJson();

        public Builder server(ServerConfig v) { server = v; return this; }
        public Builder limits(HttpLimits v) { limits = v; return this; }
        public Builder headerTimeout(Duration v) { headerTimeout = v; return this; }
        public Builder minBodyRate(int bytesPerSecond) { minBodyRate = bytesPerSecond; return this; }
        public Builder maxKeepAliveRequests(int v) { maxKeepAliveRequests = v; return this; }
        public Builder blockingByDefault(boolean v) { blockingByDefault = v; return this; }
        public Builder json(JsonMapper v) { json = v; return this; }

        public HttpConfig build() {
            return new HttpConfig(server, limits, headerTimeout, minBodyRate, maxKeepAliveRequests, blockingByDefault, json);
        }
    }
}
