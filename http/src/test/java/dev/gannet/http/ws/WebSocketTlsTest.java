package dev.gannet.http.ws;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.tls.TlsConfig;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * wss: Gannet's client and server over TLS. A topic's broadcast is written from a task on the event loop, outside
 * any connection's callback, so this checks that such writes go through TLS and get flushed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WebSocketTlsTest {
    @Test
    void echoWithDeflateAndARoomBroadcastOverTls() throws Exception {
        HttpServer app = HttpServer.create(HttpConfig.builder().server(ServerConfig.builder().host("127.0.0.1", 0)
                .engine("nio").threads(1).tls(TlsConfig.selfSigned("localhost")).build()).build());
        Topic room = app.topics().topic("room");
        app.ws("/echo", new WebSocketHandler() {
            @Override
            public void onText(WebSocket ws, String text) {
                ws.send(text);
            }
        }).ws("/room", new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                room.subscribe(ws);
                ws.send("joined");
            }

            @Override
            public void onText(WebSocket ws, String text) {
                room.publish(text);
            }
        });
        Server server = app.start();
        try {
            WebSocketClient.Options options = WebSocketClient.Options.defaults().withTransport(ClientConfig.builder()
                    .tickInterval(Duration.ofSeconds(1))
                    .tls(TlsConfig.client().toBuilder().insecureTrustAll().endpointIdentification(false).build()).build());
            List<BlockingQueue<String>> inboxes = new ArrayList<>();
            List<WebSocket> members = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
                members.add(WebSocketClient.connect(URI.create("wss://127.0.0.1:" + server.port() + "/room"), options,
                        new WebSocketHandler() {
                            @Override
                            public void onText(WebSocket ws, String text) {
                                inbox.add(text);
                            }
                        }).get(10, TimeUnit.SECONDS));
                assertThat(inbox.poll(10, TimeUnit.SECONDS)).isEqualTo("joined");
                inboxes.add(inbox);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (room.localSubscribers() < 3 && System.nanoTime() < deadline) Thread.sleep(10);
            members.get(0).send("from a member");
            room.publish("from the test thread");
            for (BlockingQueue<String> inbox : inboxes) {
                List<String> got = new ArrayList<>();
                for (int i = 0; i < 2; i++) got.add(inbox.poll(10, TimeUnit.SECONDS));
                assertThat(got).containsExactlyInAnyOrder("from a member", "from the test thread");
            }

            BlockingQueue<String> echoed = new LinkedBlockingQueue<>();
            WebSocket echo = WebSocketClient.connect(URI.create("wss://127.0.0.1:" + server.port() + "/echo"), options,
                    new WebSocketHandler() {
                        @Override
                        public void onText(WebSocket ws, String text) {
                            echoed.add(text);
                        }
                    }).get(10, TimeUnit.SECONDS);
            String big = "deflate me ".repeat(3000);
            echo.send(big);
            assertThat(echoed.poll(10, TimeUnit.SECONDS)).isEqualTo(big);
        } finally {
            server.shutdownGracefully(Duration.ofSeconds(1)).join();
        }
    }
}
