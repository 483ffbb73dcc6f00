package dev.gannet.transport;

import dev.gannet.engine.Engines;
import dev.gannet.tls.TlsHandler;

import java.io.IOException;

/**
 * Starts servers. The engine comes from {@link ServerConfig#engine()}; TLS, when configured, is added here as a
 * handler decorator so that every engine gets it.
 *
 * <pre>{@code
 * Server server = TcpServer.start(ServerConfig.builder().port(7000).build(), (conn, in) -> {
 *     conn.write(in);          // echo
 *     return Action.KEEP;
 * });
 * }</pre>
 */
public final class TcpServer {
    private TcpServer() {
    }

    public static Server start(ServerConfig config, Handler handler) throws IOException {
        Handler h = config.tls() != null ? TlsHandler.server(config.tls(), handler) : handler;
        return Engines.get(config.engine()).bind(config, h);
    }
}
