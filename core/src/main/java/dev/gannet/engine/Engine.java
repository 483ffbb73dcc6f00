package dev.gannet.engine;

import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * The engine SPI: what an I/O engine offers to the transport. An engine owns its threads (event loops or
 * virtual threads) and implements {@link Connection} on top of them; everything above this interface
 * (codecs, TLS, protocols) is engine-agnostic and is written against {@link Handler} and {@link Connection}.
 */
public interface Engine {

    /** The name used by {@code --engine}. */
    String name();

    /** Whether the engine can run on this machine (an io_uring engine, say, may not). */
    default boolean isAvailable() {
        return true;
    }

    /** Why {@link #isAvailable()} is false, in one line for the log, or null. */
    default String unavailableReason() {
        return isAvailable() ? null : "not available on this machine";
    }

    /** Binds and starts a server; the returned server is accepting. */
    Server bind(ServerConfig config, Handler handler) throws java.io.IOException;

    /**
     * Opens one outbound connection. The future completes after {@link Handler#onOpen} ran, or fails on a
     * connect error or timeout. Reconnecting is done above this, in {@link dev.gannet.transport.TcpClient}.
     */
    CompletableFuture<Connection> connect(InetSocketAddress remote, ClientConfig config, Handler handler);
}
