package dev.gannet.bench.ws;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.http.ws.Topic;
import dev.gannet.http.ws.WebSocket;
import dev.gannet.http.ws.WebSocketConfig;
import dev.gannet.http.ws.WebSocketHandler;
import dev.gannet.transport.ServerConfig;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * The Gannet contender of {@code bench ws}: the two endpoints written with the public API only, the way the
 * documentation shows them. {@code /ws} echoes; {@code /broadcast} puts every socket in one topic and publishes each
 * text message to it (encoded once, shared by every subscriber).
 *
 * <p>Usage: {@code GannetWsServer --engine nio|io_uring --port P}
 */
public final class GannetWsServer {
    private GannetWsServer() {}

    public static void main(String[] args) throws Exception {
        String engine = "nio";
        int port = -1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--engine" -> engine = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (port <= 0) throw new IllegalArgumentException("usage: GannetWsServer --engine nio|io_uring --port P");

        HttpServer app = HttpServer.create(HttpConfig.builder()
                .server(ServerConfig.builder().port(port).engine(engine)
                        // One event loop on one core, like every contender.
                        .threads(1)
                        // The idle phase holds connections silent; the other servers close none either.
                        .idleTimeout(Duration.ZERO)
                        .build())
                .build());
        // Compression off: the load tool does not offer it, and the other contenders have it off too.
        WebSocketConfig plain = WebSocketConfig.builder().compression(false).build();
        Topic all = app.topics().topic("all");
        app.ws("/ws", plain, new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.send(text);
            }

            @Override
            public void onBinary(WebSocket ws, ByteBuffer data) {
                ws.send(data);
            }
        });
        app.ws("/broadcast", plain, new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                all.subscribe(ws);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                all.publish(text);
            }
        });
        dev.gannet.transport.Server server = app.start();
        ServerControl.start();
        System.out.println("gannet " + engine + " ws listening on port " + port);
        // The event loops may be daemon threads: main stays until the server stops (or stdin ends, see ServerControl).
        server.terminationFuture().join();
    }
}
