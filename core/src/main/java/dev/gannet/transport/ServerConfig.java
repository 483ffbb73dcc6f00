package dev.gannet.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * How a server listens and treats its connections. Build one with {@link #builder()}; every field has a
 * named default.
 *
 * @param address         where to listen; port 0 picks a free port
 * @param engine          {@code nio}, {@code vthread} or {@code auto}
 * @param threads         event loops (ignored by {@code vthread}); 0 means one per core
 * @param balance         how the acceptor spreads connections over loops (when not in SO_REUSEPORT mode)
 * @param socket          socket options
 * @param idleTimeout     close a connection with no traffic for this long; {@link Duration#ZERO} for never
 * @param tickInterval    how often {@link Handler#onTick} runs per connection; zero for never
 * @param maxConnections  connections beyond this are accepted and closed at once, and counted; the default,
 *                        {@link #defaultMaxConnections()}, stays under the process's descriptor limit
 * @param lowWaterMark    pending output under which a connection becomes writable again
 * @param highWaterMark   pending output over which a connection stops being writable and stops reading
 * @param shutdownTimeout how long a graceful shutdown waits for connections before closing them hard (counted from
 *                        the end of the readiness grace)
 * @param tls             TLS settings, or null for plain TCP
 * @param blockedLoopWarning warn, with the loop's stack, when one event-loop turn runs longer than this (a handler
 *                        blocking the loop); zero for never
 * @param closeTimeout    how long a close ("flush, then close") may go without the peer taking any of its output:
 *                        output still queued then (a peer that does not read) is dropped and the connection reset; a
 *                        slow peer that still reads is not cut off. After the flush, input is discarded
 *                        until the peer's end for at most the shorter of this and one second
 * @param readinessGrace  after a shutdown begins, how long the server goes on accepting and serving while
 *                        {@link Server#isReady()} is false (so a load balancer's readiness probe takes it out of
 *                        rotation first), before it stops accepting and drains; zero to drain at once
 */
public record ServerConfig(
        InetSocketAddress address,
        String engine,
        int threads,
        Balance balance,
        SocketOptions socket,
        Duration idleTimeout,
        Duration tickInterval,
        int maxConnections,
        int lowWaterMark,
        int highWaterMark,
        Duration shutdownTimeout,
        dev.gannet.tls.TlsConfig tls,
        Duration blockedLoopWarning,
        Duration closeTimeout,
        Duration readinessGrace) {

    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** The most connections a default config allows, however high the descriptor limit. */
    public static final int DEFAULT_MAX_CONNECTIONS = 100_000;
    /** Descriptors kept out of the default connection limit for files, outbound connections and the JVM's own. */
    public static final int MIN_DESCRIPTOR_RESERVE = 64;
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_READINESS_GRACE = Duration.ZERO;
    public static final int DEFAULT_LOW_WATER_MARK = 32 * 1024;
    public static final int DEFAULT_HIGH_WATER_MARK = 64 * 1024;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BLOCKED_LOOP_WARNING = Duration.ofMillis(500);

    /** How an acceptor picks the loop for a new connection. */
    public enum Balance { ROUND_ROBIN, LEAST_CONNECTIONS }

    public ServerConfig {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(balance, "balance");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(tickInterval, "tickInterval");
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(blockedLoopWarning, "blockedLoopWarning");
        Objects.requireNonNull(closeTimeout, "closeTimeout");
        Objects.requireNonNull(readinessGrace, "readinessGrace");
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0");
        if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be >= 1");
        if (lowWaterMark < 0 || highWaterMark <= lowWaterMark)
            throw new IllegalArgumentException("need 0 <= lowWaterMark < highWaterMark");
        if (idleTimeout.isNegative() || tickInterval.isNegative() || shutdownTimeout.isNegative() || readinessGrace.isNegative())
            throw new IllegalArgumentException("durations must not be negative");
        if (closeTimeout.isNegative() || closeTimeout.isZero()) throw new IllegalArgumentException("closeTimeout must be > 0");
    }

    /**
     * The default connection limit: {@link #DEFAULT_MAX_CONNECTIONS}, or less where the process's descriptor limit
     * (RLIMIT_NOFILE) is lower, leaving a tenth of it (at least {@link #MIN_DESCRIPTOR_RESERVE}) for files being
     * sent, outbound connections and the JVM. Past the limit a client is refused at once; past the descriptor limit
     * it would wait for an accept that fails.
     */
    public static int defaultMaxConnections() {
        long limit = descriptorLimit();
        if (limit <= 0) return DEFAULT_MAX_CONNECTIONS;
        long reserve = Math.max(MIN_DESCRIPTOR_RESERVE, limit / 10);
        return (int) Math.clamp(limit - reserve, 1, DEFAULT_MAX_CONNECTIONS);
    }

    /** The soft RLIMIT_NOFILE as the JDK reads it, or -1 where it cannot. */
    private static long descriptorLimit() {
        try {
            if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.UnixOperatingSystemMXBean unix) return unix.getMaxFileDescriptorCount();
        } catch (RuntimeException | LinkageError e) {
            // no management support: keep the fixed default
        }
        return -1;
    }

    /** The number of event loops to run: {@link #threads()}, or one per core. */
    public int loopCount() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().address(address).engine(engine).threads(threads).balance(balance).socket(socket)
                .idleTimeout(idleTimeout).tickInterval(tickInterval).maxConnections(maxConnections)
                .waterMarks(lowWaterMark, highWaterMark).shutdownTimeout(shutdownTimeout).tls(tls)
                .blockedLoopWarning(blockedLoopWarning).closeTimeout(closeTimeout).readinessGrace(readinessGrace);
    }

    public static final class Builder {
        private InetSocketAddress address = new InetSocketAddress(DEFAULT_PORT);
        private String engine = "auto";
        private int threads;
        private Balance balance = Balance.ROUND_ROBIN;
        private SocketOptions socket = SocketOptions.DEFAULTS;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration tickInterval = Duration.ZERO;
        private int maxConnections = defaultMaxConnections();
        private int lowWaterMark = DEFAULT_LOW_WATER_MARK;
        private int highWaterMark = DEFAULT_HIGH_WATER_MARK;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private dev.gannet.tls.TlsConfig tls;
        private Duration blockedLoopWarning = DEFAULT_BLOCKED_LOOP_WARNING;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Duration readinessGrace = DEFAULT_READINESS_GRACE;

        public Builder address(InetSocketAddress v) { address = v; return this; }
        public Builder port(int port) { address = new InetSocketAddress(address.getAddress(), port); return this; }
        public Builder host(String host, int port) { address = new InetSocketAddress(host, port); return this; }
        public Builder engine(String v) { engine = v; return this; }
        public Builder threads(int v) { threads = v; return this; }
        public Builder balance(Balance v) { balance = v; return this; }
        public Builder socket(SocketOptions v) { socket = v; return this; }
        public Builder reusePort(boolean v) { socket = socket.toBuilder().reusePort(v).build(); return this; }
        public Builder idleTimeout(Duration v) { idleTimeout = v; return this; }
        public Builder tickInterval(Duration v) { tickInterval = v; return this; }
        public Builder maxConnections(int v) { maxConnections = v; return this; }
        public Builder waterMarks(int low, int high) { lowWaterMark = low; highWaterMark = high; return this; }
        public Builder shutdownTimeout(Duration v) { shutdownTimeout = v; return this; }
        public Builder tls(dev.gannet.tls.TlsConfig v) { tls = v; return this; }
        public Builder blockedLoopWarning(Duration v) { blockedLoopWarning = v; return this; }
        public Builder closeTimeout(Duration v) { closeTimeout = v; return this; }
        public Builder readinessGrace(Duration v) { readinessGrace = v; return this; }

        public ServerConfig build() {
            return new ServerConfig(address, engine, threads, balance, socket, idleTimeout, tickInterval,
                    maxConnections, lowWaterMark, highWaterMark, shutdownTimeout, tls, blockedLoopWarning, closeTimeout,
                    readinessGrace);
        }
    }
}
