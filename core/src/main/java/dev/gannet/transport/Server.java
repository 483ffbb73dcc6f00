package dev.gannet.transport;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A running server. Start one with {@link TcpServer#start}. All methods are thread-safe. */
public interface Server extends AutoCloseable {

    /** The address actually bound (the real port when the config asked for port 0). */
    InetSocketAddress localAddress();

    default int port() {
        return localAddress().getPort();
    }

    /** The engine serving this server ({@code nio} or {@code vthread}). */
    String engine();

    TransportStats stats();

    /**
     * Figures per event loop: name, connections owned, and how often the blocked-loop detector fired. Empty for
     * engines without loops (vthread).
     */
    default java.util.List<LoopStats> loops() {
        return java.util.List.of();
    }

    /** One event loop's figures at the moment of the call. */
    record LoopStats(String name, int connections, int blockedWarnings) {
    }

    /** True until a shutdown starts: a draining server answers in-flight work but takes nothing new. */
    boolean isAccepting();

    /**
     * Whether the server wants new traffic: false from the moment a shutdown begins, including the readiness grace
     * during which it still accepts and serves ({@link ServerConfig#readinessGrace()}). For readiness probes.
     */
    default boolean isReady() {
        return isAccepting();
    }

    /**
     * Stops accepting, asks each connection to drain ({@link Handler#onDrain}), and closes what is still open
     * when {@code deadline} passes. Completes when every connection and loop is closed.
     */
    CompletableFuture<Void> shutdownGracefully(Duration deadline);

    /** A graceful shutdown with the configured deadline, waited for. */
    @Override
    void close();

    /** Completes when the server has stopped, whoever stopped it. */
    CompletableFuture<Void> terminationFuture();
}
