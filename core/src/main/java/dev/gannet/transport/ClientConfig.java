package dev.gannet.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a client connects.
 *
 * @param engine           {@code nio}, {@code vthread} or {@code auto}
 * @param connectTimeout   how long one connect attempt may take
 * @param reconnect        reconnect after a failed attempt or a lost connection
 * @param backoffInitial   the first wait before reconnecting; it doubles up to {@link #backoffMax()}
 * @param backoffMax       the longest wait between attempts
 * @param socket           socket options (only the per-connection ones apply)
 * @param lowWaterMark     see {@link ServerConfig#lowWaterMark()}
 * @param highWaterMark    see {@link ServerConfig#highWaterMark()}
 * @param idleTimeout      see {@link ServerConfig#idleTimeout()}; zero for never
 * @param tickInterval     see {@link ServerConfig#tickInterval()}
 * @param tls              TLS settings, or null for plain TCP
 * @param sameLoopAs       a server of the same engine whose first event loop should own the connection, or null
 *                         for the engine's client loops. A gateway or proxy that relays between its accepted and
 *                         its outbound connections then handles both on one thread, with no hand-off between them.
 * @param localAddress     the source address to bind before connecting, or null for the kernel's choice
 */
public record ClientConfig(
        String engine,
        Duration connectTimeout,
        boolean reconnect,
        Duration backoffInitial,
        Duration backoffMax,
        SocketOptions socket,
        int lowWaterMark,
        int highWaterMark,
        Duration idleTimeout,
        Duration tickInterval,
        dev.gannet.tls.TlsConfig tls,
        Server sameLoopAs,
        InetSocketAddress localAddress) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(10);

    public ClientConfig {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(backoffInitial, "backoffInitial");
        Objects.requireNonNull(backoffMax, "backoffMax");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(tickInterval, "tickInterval");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) throw new IllegalArgumentException("connectTimeout must be > 0");
        if (backoffInitial.isNegative() || backoffMax.compareTo(backoffInitial) < 0)
            throw new IllegalArgumentException("need 0 <= backoffInitial <= backoffMax");
        if (lowWaterMark < 0 || highWaterMark <= lowWaterMark)
            throw new IllegalArgumentException("need 0 <= lowWaterMark < highWaterMark");
    }

    /** The wait before reconnect attempt number {@code attempt} (1-based): exponential, capped, with jitter. */
    public Duration backoff(int attempt) {
        long base = backoffInitial.toMillis() << Math.min(Math.max(attempt - 1, 0), 20);
        long capped = Math.min(base, backoffMax.toMillis());
        long jitter = capped / 5 == 0 ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(capped / 5);
        return Duration.ofMillis(capped - jitter);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings, to change a few. */
    public Builder toBuilder() {
        return new Builder().engine(engine).connectTimeout(connectTimeout).reconnect(reconnect)
                .backoff(backoffInitial, backoffMax).socket(socket).waterMarks(lowWaterMark, highWaterMark)
                .idleTimeout(idleTimeout).tickInterval(tickInterval).tls(tls).sameLoopAs(sameLoopAs)
                .localAddress(localAddress);
    }

    public static final class Builder {
        private String engine = "auto";
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private boolean reconnect;
        private Duration backoffInitial = DEFAULT_BACKOFF_INITIAL;
        private Duration backoffMax = DEFAULT_BACKOFF_MAX;
        private SocketOptions socket = SocketOptions.DEFAULTS;
        private int lowWaterMark = ServerConfig.DEFAULT_LOW_WATER_MARK;
        private int highWaterMark = ServerConfig.DEFAULT_HIGH_WATER_MARK;
        private Duration idleTimeout = Duration.ZERO;
        private Duration tickInterval = Duration.ZERO;
        private dev.gannet.tls.TlsConfig tls;
        private Server sameLoopAs;
        private InetSocketAddress localAddress;

        public Builder engine(String v) { engine = v; return this; }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder reconnect(boolean v) { reconnect = v; return this; }
        public Builder backoff(Duration initial, Duration max) { backoffInitial = initial; backoffMax = max; return this; }
        public Builder socket(SocketOptions v) { socket = v; return this; }
        public Builder waterMarks(int low, int high) { lowWaterMark = low; highWaterMark = high; return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder tickInterval(Duration v) { tickInterval = v; return this; }
        public Builder tls(dev.gannet.tls.TlsConfig v) { tls = v; return this; }
        public Builder sameLoopAs(Server v) { sameLoopAs = v; return this; }
        /**
         * The source address to bind before connecting (port 0: any free one). A load generator spreads sockets
         * over 127.0.0.x this way once one address's ephemeral ports run out. Null (default): the kernel chooses.
         */
        public Builder localAddress(InetSocketAddress v) { localAddress = v; return this; }

        public ClientConfig build() {
            return new ClientConfig(engine, connectTimeout, reconnect, backoffInitial, backoffMax, socket,
                    lowWaterMark, highWaterMark, idleTimeout, tickInterval, tls, sameLoopAs, localAddress);
        }
    }
}
