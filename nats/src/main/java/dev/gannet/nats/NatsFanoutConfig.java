package dev.gannet.nats;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Settings of a {@link NatsFanout}.
 *
 * @param servers              NATS URLs ({@code nats://host:4222}); the client picks one and fails over to the others
 *                             (and to the servers a cluster announces)
 * @param subjectPrefix        prepended to the encoded topic name (default {@code gannet.topic.}); must end with a dot.
 *                             Nodes that share topics must use the same prefix; different prefixes keep two
 *                             deployments on one NATS apart
 * @param nodeId               this node's id, carried in every message so that the node can drop its own messages
 *                             (default random); at most 255 bytes of UTF-8, unique per node
 * @param maxPendingMessages   messages received from NATS and not yet handed to the sink, beyond which NATS drops
 *                             (a slow consumer); default 65,536
 * @param maxPendingBytes      the same bound in bytes (default 64 MiB)
 * @param reconnectWait        pause between reconnect attempts to the same server (default 1 s); reconnects never stop
 * @param reconnectBufferBytes publishes held while disconnected, beyond which they are lost and counted
 *                             (default 8 MiB)
 * @param maxOutgoingMessages  messages queued in the client for sending, beyond which a publish is dropped and
 *                             counted rather than blocking the event loop that made it (default 65,536)
 * @param connectionTimeout    how long one connect attempt may take (default 2 s)
 * @param connectionName       the name the NATS server shows for this connection (default {@code gannet-<nodeId>})
 * @param noEcho               ask the server not to send this connection's own messages back (default true): saves the
 *                             traffic; the origin check drops them anyway
 */
public record NatsFanoutConfig(List<String> servers, String subjectPrefix, String nodeId, long maxPendingMessages,
                               long maxPendingBytes, Duration reconnectWait, long reconnectBufferBytes,
                               int maxOutgoingMessages, Duration connectionTimeout, String connectionName, boolean noEcho) {

    public static final String DEFAULT_URL = "nats://127.0.0.1:4222";
    public static final String DEFAULT_PREFIX = "gannet.topic.";

    public NatsFanoutConfig {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) throw new IllegalArgumentException("at least one NATS server");
        for (String s : servers) {
            if (s.isBlank()) throw new IllegalArgumentException("empty NATS server URL");
        }
        if (subjectPrefix.isEmpty() || !subjectPrefix.endsWith(".") || subjectPrefix.startsWith(".")
                || subjectPrefix.contains("..") || subjectPrefix.chars().anyMatch(c -> c <= ' ' || c == '*' || c == '>')) {
            throw new IllegalArgumentException("subject prefix must be literal NATS tokens ending with '.': " + subjectPrefix);
        }
        int idBytes = nodeId.getBytes(StandardCharsets.UTF_8).length;
        if (idBytes == 0 || idBytes > 255) throw new IllegalArgumentException("node id must be 1 to 255 bytes of UTF-8");
        if (maxPendingMessages <= 0 || maxPendingBytes <= 0) {
            throw new IllegalArgumentException("pending limits must be positive (they keep memory bounded)");
        }
        if (reconnectWait.isNegative()) throw new IllegalArgumentException("reconnectWait must not be negative");
        if (reconnectBufferBytes <= 0) throw new IllegalArgumentException("reconnectBufferBytes must be positive");
        if (maxOutgoingMessages <= 0) throw new IllegalArgumentException("maxOutgoingMessages must be positive");
        if (connectionTimeout.isNegative() || connectionTimeout.isZero()) {
            throw new IllegalArgumentException("connectionTimeout must be positive");
        }
        if (connectionName == null || connectionName.isBlank()) connectionName = "gannet-" + nodeId;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** One server, everything else default. */
    public static NatsFanoutConfig of(String... servers) {
        return builder().servers(List.of(servers)).build();
    }

    public Builder toBuilder() {
        return new Builder().servers(servers).subjectPrefix(subjectPrefix).nodeId(nodeId)
                .maxPendingMessages(maxPendingMessages).maxPendingBytes(maxPendingBytes).reconnectWait(reconnectWait)
                .reconnectBufferBytes(reconnectBufferBytes).maxOutgoingMessages(maxOutgoingMessages).connectionTimeout(connectionTimeout)
                .connectionName(connectionName).noEcho(noEcho);
    }

    public static final class Builder {
        private List<String> servers = List.of(DEFAULT_URL);
        private String subjectPrefix = DEFAULT_PREFIX;
        private String nodeId = UUID.randomUUID().toString();
        private long maxPendingMessages = 65_536;
        private long maxPendingBytes = 64L * 1024 * 1024;
        private Duration reconnectWait = Duration.ofSeconds(1);
        private long reconnectBufferBytes = 8L * 1024 * 1024;
        private int maxOutgoingMessages = 65_536;
        private Duration connectionTimeout = Duration.ofSeconds(2);
        private String connectionName;
        private boolean noEcho = true;

        public Builder servers(List<String> v) { servers = v; return this; }
        /** Comma-separated URLs, as in {@code NATS_URL}. */
        public Builder servers(String commaSeparated) {
            servers = java.util.Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            return this;
        }
        public Builder subjectPrefix(String v) { subjectPrefix = v; return this; }
        public Builder nodeId(String v) { nodeId = v; return this; }
        public Builder maxPendingMessages(long v) { maxPendingMessages = v; return this; }
        public Builder maxPendingBytes(long v) { maxPendingBytes = v; return this; }
        public Builder reconnectWait(Duration v) { reconnectWait = v; return this; }
        public Builder reconnectBufferBytes(long v) { reconnectBufferBytes = v; return this; }
        public Builder maxOutgoingMessages(int v) { maxOutgoingMessages = v; return this; }
        public Builder connectionTimeout(Duration v) { connectionTimeout = v; return this; }
        public Builder connectionName(String v) { connectionName = v; return this; }
        public Builder noEcho(boolean v) { noEcho = v; return this; }

        public NatsFanoutConfig build() {
            return new NatsFanoutConfig(servers, subjectPrefix, nodeId, maxPendingMessages, maxPendingBytes,
                    reconnectWait, reconnectBufferBytes, maxOutgoingMessages, connectionTimeout, connectionName, noEcho);
        }
    }
}
