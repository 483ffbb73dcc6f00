package dev.gannet.http.ws;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of a WebSocket endpoint (or client).
 *
 * @param maxFramePayload  a frame whose payload is larger closes the socket with 1009; at most
 *                         {@code maxMessageSize}, and equal to it unless set (default 1 MiB). A browser sends each
 *                         message as one frame, so a smaller frame limit would refuse messages the message limit allows
 * @param maxMessageSize   a message (all fragments, or inflated) larger closes with 1009 (default 1 MiB)
 * @param compression      accept permessage-deflate when the client offers it (RFC 7692); default on
 * @param maxQueuedBytes   output queued for one socket beyond which {@link #slowConsumer()} applies (default 1 MiB);
 *                         an empty queue takes any one message
 * @param slowConsumer     what happens to a send over the queue limit: drop the message, or close with 1008
 * @param pingInterval     send a ping after this long without input, and close with 1001 if the next interval
 *                         brings none; zero (or null) for none. The default, 30 s, is half the server's default idle
 *                         timeout, so a live peer always answers in time; keep it well below the server's idle
 *                         timeout, before which an idle socket is closed with 1001
 * @param closeTimeout     how long to wait for the peer's close frame before closing the connection (default 5 s)
 * @param subprotocols     the subprotocols this endpoint speaks, in order of preference; empty for none
 * @param allowedOrigins   if not empty, a handshake whose Origin is not in the list gets 403 (default empty: any);
 *                         one without an Origin (not a browser) is let through
 */
public record WebSocketConfig(int maxFramePayload, int maxMessageSize, boolean compression, long maxQueuedBytes,
                              SlowConsumer slowConsumer, Duration pingInterval, Duration closeTimeout,
                              List<String> subprotocols, List<String> allowedOrigins) {

    public static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;
    public static final long DEFAULT_MAX_QUEUED_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /** What to do with a message for a socket whose queue is full. */
    public enum SlowConsumer { DROP, CLOSE }

    public WebSocketConfig {
        if (maxFramePayload <= 0 || maxMessageSize <= 0) throw new IllegalArgumentException("limits must be positive");
        if (maxFramePayload > maxMessageSize) {
            // No message could use such a frame: the message limit would refuse it first.
            throw new IllegalArgumentException("maxFramePayload (" + maxFramePayload + ") is above maxMessageSize ("
                    + maxMessageSize + ")");
        }
        if (maxQueuedBytes <= 0) throw new IllegalArgumentException("maxQueuedBytes must be positive");
        pingInterval = pingInterval == null ? Duration.ZERO : pingInterval;
        if (pingInterval.isNegative()) throw new IllegalArgumentException("pingInterval must not be negative");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        if (closeTimeout.isNegative()) throw new IllegalArgumentException("closeTimeout must not be negative");
        Objects.requireNonNull(slowConsumer, "slowConsumer");
        subprotocols = List.copyOf(subprotocols);
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static WebSocketConfig defaults() {
        return builder().build();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        // A frame limit equal to the message limit keeps following it, so that a smaller message limit set on the
        // builder does not meet a frame limit above it.
        if (maxFramePayload != maxMessageSize) b.maxFramePayload(maxFramePayload);
        return b.maxMessageSize(maxMessageSize).compression(compression)
                .maxQueuedBytes(maxQueuedBytes).slowConsumer(slowConsumer).pingInterval(pingInterval)
                .closeTimeout(closeTimeout).subprotocols(subprotocols).allowedOrigins(allowedOrigins);
    }

    public static final class Builder {
        /** Zero: the same as the message limit. */
        private int maxFramePayload;
        private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
        private boolean compression = true;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private SlowConsumer slowConsumer = SlowConsumer.CLOSE;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private List<String> subprotocols = List.of();
        private List<String> allowedOrigins = List.of();

        /** The largest frame payload accepted; unless set, the message limit. */
        public Builder maxFramePayload(int v) {
            if (v <= 0) throw new IllegalArgumentException("maxFramePayload must be positive");
            maxFramePayload = v;
            return this;
        }

        public Builder maxMessageSize(int v) { maxMessageSize = v; return this; }
        public Builder compression(boolean v) { compression = v; return this; }
        public Builder maxQueuedBytes(long v) { maxQueuedBytes = v; return this; }
        public Builder slowConsumer(SlowConsumer v) { slowConsumer = v; return this; }
        /** Zero or null: no keep-alive pings. */
        public Builder pingInterval(Duration v) { pingInterval = v; return this; }
        public Builder closeTimeout(Duration v) { closeTimeout = v; return this; }
        public Builder subprotocols(List<String> v) { subprotocols = v; return this; }
        public Builder allowedOrigins(List<String> v) { allowedOrigins = v; return this; }

        public WebSocketConfig build() {
            return new WebSocketConfig(maxFramePayload == 0 ? maxMessageSize : maxFramePayload, maxMessageSize,
                    compression, maxQueuedBytes, slowConsumer,
                    pingInterval, closeTimeout, subprotocols, allowedOrigins);
        }
    }
}
