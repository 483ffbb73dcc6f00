package dev.gannet.http.ws;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@link Topics} hands a {@link Fanout} and takes from it, with a recording fanout in place of NATS. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TopicsFanoutTest {
    /** Records the calls; {@code sink} is how "another node" delivers. */
    static final class Recording implements Fanout {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile Sink sink;

        @Override
        public void start(Sink s) {
            sink = s;
        }

        @Override
        public void interest(String topic) {
            calls.add("interest " + topic);
        }

        @Override
        public void noInterest(String topic) {
            calls.add("noInterest " + topic);
        }

        @Override
        public void publish(String topic, byte[] payload, boolean binary) {
            calls.add("publish " + topic + " " + new String(payload, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
        }
    }

    @Test
    void localMessagesGoOutRemoteOnesComeInAndTextThatIsNotUtf8IsDropped() throws Exception {
        HttpServer app = HttpServer.create(HttpConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1", 0).engine("nio").threads(1).build()).build());
        Recording fanout = new Recording();
        app.topics().fanout(fanout);
        app.ws("/room", new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                app.topics().topic("room").subscribe(ws);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                app.topics().topic("room").publish(text);
            }
        });
        Server server = app.start();
        try {
            WebSocketSuite.Recorder r = new WebSocketSuite.Recorder();
            java.net.http.WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/room"), r).join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!fanout.calls.contains("interest room") && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(fanout.calls).containsExactly("interest room");

            ws.sendText("local", true).join();
            assertThat(r.next()).isEqualTo("text:local");
            assertThat(fanout.calls).contains("publish room local");

            fanout.sink.deliver("room", new byte[] {(byte) 0xC0, (byte) 0xAF}, false);   // overlong: not UTF-8
            fanout.sink.deliver("room", "remote κόσμε".getBytes(StandardCharsets.UTF_8), false);
            fanout.sink.deliver("room", new byte[] {1, 2, 3}, true);
            assertThat(r.next()).isEqualTo("text:remote κόσμε");
            assertThat(r.next()).isEqualTo("binary:3");
            // Remote messages are not published back out.
            assertThat(fanout.calls.stream().filter(c -> c.startsWith("publish"))).hasSize(1);

            ws.sendClose(1000, "").join();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!fanout.calls.contains("noInterest room") && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(fanout.calls).contains("noInterest room");
        } finally {
            server.shutdownGracefully(Duration.ofSeconds(1)).join();
        }
    }
}
