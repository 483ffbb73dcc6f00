package dev.gannet.http.ws;

import java.time.Duration;
import java.util.List;

/**
 * Settings of a WebSocket endpoint (or client).
 *
 * @param maxFramePayload  a frame whose payload is larger closes the socket with 1009 (default 64 KiB)
 * @param maxMessageSize   a message (all fragments, or inflated) larger closes with 1009 (default 1 MiB)
 * @param compression      accept permessage-deflate when the client offers it (RFC 7692); default on
 * @param maxQueuedBytes   output queued for one socket beyond which {@link #slowConsumer()} applies (default 1 MiB)
 * @param slowConsumer     what happens to a send over the queue limit: drop the message, or close with 1008
 * @param pingInterval     send a ping after this long without input, and close if the next interval brings none;
 *                         zero for none (default)
 * @param closeTimeout     how long to wait for the peer's close frame before closing the connection (default 5 s)
 * @param subprotocols     the subprotocols this endpoint speaks, in order of preference; empty for none
 * @param allowedOrigins   if not empty, a handshake whose Origin is not in the list gets 403 (default empty: any);
 *                         one without an Origin (not a browser) is let through
 */
public record WebSocketConfig(int maxFramePayload, int maxMessageSize, boolean compression, long maxQueuedBytes,
                              SlowConsumer slowConsumer, Duration pingInterval, Duration closeTimeout,
                              List<String> subprotocols, List<String> allowedOrigins) {

    /** What to do with a message for a socket whose queue is full. */
    public enum SlowConsumer { DROP, CLOSE }

    public WebSocketConfig {
        if (maxFramePayload <= 0 || maxMessageSize <= 0) throw new IllegalArgumentException("limits must be positive");
        if (maxQueuedBytes <= 0) throw new IllegalArgumentException("maxQueuedBytes must be positive");
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
        return new Builder().maxFramePayload(maxFramePayload).maxMessageSize(maxMessageSize).compression(compression)
                .maxQueuedBytes(maxQueuedBytes).slowConsumer(slowConsumer).pingInterval(pingInterval)
                .closeTimeout(closeTimeout).subprotocols(subprotocols).allowedOrigins(allowedOrigins);
    }

    public static final class Builder {
        private int maxFramePayload = 64 * 1024;
        private int maxMessageSize = 1024 * 1024;
        private boolean compression = true;
        private long maxQueuedBytes = 1024 * 1024;
        private SlowConsumer slowConsumer = SlowConsumer.CLOSE;
        private Duration pingInterval = Duration.ZERO;
        private Duration closeTimeout = Duration.ofSeconds(5);
        private List<String> subprotocols = List.of();
        private List<String> allowedOrigins = List.of();

        public Builder maxFramePayload(int v) { maxFramePayload = v; return this; }
        public Builder maxMessageSize(int v) { maxMessageSize = v; return this; }
        public Builder compression(boolean v) { compression = v; return this; }
        public Builder maxQueuedBytes(long v) { maxQueuedBytes = v; return this; }
        public Builder slowConsumer(SlowConsumer v) { slowConsumer = v; return this; }
        public Builder pingInterval(Duration v) { pingInterval = v; return this; }
        public Builder closeTimeout(Duration v) { closeTimeout = v; return this; }
        public Builder subprotocols(List<String> v) { subprotocols = v; return this; }
        public Builder allowedOrigins(List<String> v) { allowedOrigins = v; return this; }

        public WebSocketConfig build() {
            return new WebSocketConfig(maxFramePayload, maxMessageSize, compression, maxQueuedBytes, slowConsumer,
                    pingInterval, closeTimeout, subprotocols, allowedOrigins);
        }
    }
}
