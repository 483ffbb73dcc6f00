package dev.gannet.http.sse;

import java.time.Duration;

/**
 * Settings of an event stream endpoint.
 *
 * @param heartbeatInterval a comment line is sent after this long without an event, so proxies and clients see
 *                          the stream alive (default 15 s; zero for none)
 * @param maxQueuedBytes    output queued for one client beyond which {@link #slowConsumer()} applies (default 1 MiB)
 * @param slowConsumer      drop the event, or close the stream
 */
public record SseConfig(Duration heartbeatInterval, long maxQueuedBytes, SlowConsumer slowConsumer) {
    public enum SlowConsumer { DROP, CLOSE }

    public SseConfig {
        if (maxQueuedBytes <= 0) throw new IllegalArgumentException("maxQueuedBytes must be positive");
    }

    public static SseConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private long maxQueuedBytes = 1024 * 1024;
        private SlowConsumer slowConsumer = SlowConsumer.DROP;

        public Builder heartbeatInterval(Duration v) { heartbeatInterval = v; return this; }
        public Builder maxQueuedBytes(long v) { maxQueuedBytes = v; return this; }
        public Builder slowConsumer(SlowConsumer v) { slowConsumer = v; return this; }

        public SseConfig build() {
            return new SseConfig(heartbeatInterval, maxQueuedBytes, slowConsumer);
        }
    }
}
