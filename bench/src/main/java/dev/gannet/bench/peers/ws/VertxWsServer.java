package dev.gannet.bench.peers.ws;

import dev.gannet.bench.ws.ServerControl;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.transport.Transport;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Vert.x 5 contender of {@code bench ws}: the native (epoll) transport, one event loop, an {@code HttpServer}
 * with a {@code webSocketHandler}, compression off.
 *
 * <ul>
 *   <li>{@code /ws} echoes whole messages with {@code writeTextMessage} and {@code writeBinaryMessage};</li>
 *   <li>{@code /broadcast} keeps the room's sockets in a set and writes each text message to every one of them with
 *       {@code writeTextMessage}. Vert.x has no shared-frame broadcast (its event bus would add a hop per
 *       recipient), so this loop, which makes a frame per recipient, is what a Vert.x application does.</li>
 * </ul>
 *
 * <p>Everything runs on the one event loop, so the room needs no synchronization. Usage: {@code VertxWsServer --port P}
 */
public final class VertxWsServer {
    private VertxWsServer() {}

    public static void main(String[] args) throws Exception {
        int port = args.length == 2 && args[0].equals("--port") ? Integer.parseInt(args[1]) : -1;
        if (port <= 0) {
            System.err.println("usage: VertxWsServer --port P");
            System.exit(2);
        }
        if (!Transport.EPOLL.available()) {
            // Vert.x would quietly fall back to NIO; a bench of the wrong transport is worse than none.
            System.err.println("vert.x: epoll is not available: " + Transport.EPOLL.unavailabilityCause());
            System.exit(1);
        }
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(1))
                .withTransport(Transport.EPOLL)
                .build();
        Set<ServerWebSocket> room = new LinkedHashSet<>();
        HttpServerOptions options = new HttpServerOptions()
                .setPort(port)
                .setHost("0.0.0.0")
                .setAcceptBacklog(4096)
                .setTcpNoDelay(true)
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false);
        vertx.createHttpServer(options)
                .webSocketHandler(ws -> {
                    switch (ws.path()) {
                        case "/ws" -> {
                            ws.textMessageHandler(ws::writeTextMessage);
                            ws.binaryMessageHandler(ws::writeBinaryMessage);
                        }
                        case "/broadcast" -> {
                            room.add(ws);
                            ws.closeHandler(v -> room.remove(ws));
                            ws.textMessageHandler(text -> {
                                for (ServerWebSocket member : room) member.writeTextMessage(text);
                            });
                        }
                        default -> ws.close((short) 1008, "unknown path");
                    }
                })
                .listen()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        ServerControl.start();
        System.out.println("vert.x epoll ws listening on port " + port);
    }
}
