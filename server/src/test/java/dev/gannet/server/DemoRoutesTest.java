package dev.gannet.server;

import dev.gannet.http.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** The demo's streaming routes over the wire, with the JDK's own clients: /events/stats, /ws, /chat/{room}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class DemoRoutesTest {
    private static DemoServer demo;

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoServer();
    }

    @AfterAll
    static void stop() {
        if (demo != null) demo.close();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(String s) throws Exception {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return JsonMapper.dslJson().read(b, 0, b.length, Map.class);
    }

    private record Event(String id, String name, String data) {
    }

    @Test
    void statsStreamSendsTheStatsOnceASecondWithIncreasingIds() throws Exception {
        var res = demo.http.send(HttpRequest.newBuilder(demo.uri("http", "/events/stats")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<Event> events = new ArrayList<>();
        long t0 = System.nanoTime();
        try (InputStream body = res.body();
             BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null, name = null;
            StringBuilder data = new StringBuilder();
            String line;
            while (events.size() < 3 && (line = in.readLine()) != null) {
                if (line.isEmpty()) { // an event ends at a blank line
                    if (!data.isEmpty()) events.add(new Event(id, name, data.toString()));
                    id = name = null;
                    data.setLength(0);
                } else if (!line.startsWith(":")) {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" -> data.append(data.isEmpty() ? "" : "\n").append(value);
                        default -> { }
                    }
                }
            }
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e.name()).isEqualTo("stats"));
        // One tick a second (the first, or the last tick's event, at once): three events take one to two seconds.
        assertThat(elapsedMs).isBetween(900L, 6000L);
        long first = Long.parseLong(events.get(0).id());
        assertThat(events.stream().map(e -> Long.parseLong(e.id())).toList()).containsExactly(first, first + 1, first + 2);
        Map<String, Object> stats = json(events.get(2).data());
        assertThat(stats).containsKeys("uptimeSeconds", "requests", "latencyMicros", "connections", "websockets", "engine");
        assertThat((Map<String, Object>) stats.get("requests")).containsKeys("total", "perSecond", "active");
        assertThat((Map<String, Object>) stats.get("latencyMicros")).containsKeys("p50", "p99");
        assertThat(((Number) ((Map<?, ?>) stats.get("connections")).get("open")).longValue()).isPositive();
        assertThat(((Number) ((Map<?, ?>) stats.get("eventStreams")).get("open")).longValue()).isPositive();
    }

    @Test
    void wsEchoesTextAndBinary() throws Exception {
        var c = demo.webSocket("/ws", demo.origin());
        var ws = c.open();
        ws.sendText("héllo, echo", true).join();
        assertThat(c.next()).isEqualTo("héllo, echo");
        byte[] bytes = {0, 1, 2, (byte) 0xff, 42};
        ws.sendBinary(ByteBuffer.wrap(bytes), true).join();
        assertThat(c.next()).isEqualTo(bytes);
        ws.sendClose(1000, "bye").join();
        assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo(1000);
    }

    @Test
    void chatReachesEveryoneInTheRoomAsEscapedJson() throws Exception {
        var a = demo.webSocket("/chat/test_room-1", demo.origin());
        var b = demo.webSocket("/chat/test_room-1", demo.origin());
        var other = demo.webSocket("/chat/elsewhere", demo.origin());
        var wa = a.open();
        b.open();
        other.open();
        String aId = (String) json((String) a.next()).get("you");
        assertThat(json((String) b.next()).get("you")).isNotNull().isNotEqualTo(aId);
        assertThat(json((String) other.next())).containsKey("you");
        String tricky = "say \"hi\" \\ <b>x</b>\n\u0001 ünïcode";
        wa.sendText(tricky, true).join();
        for (var c : List.of(a, b)) {
            Map<String, Object> m = json((String) c.next());
            assertThat(m).containsEntry("from", aId).containsEntry("text", tricky);
        }
        assertThat(other.received.poll(300, TimeUnit.MILLISECONDS)).as("another room").isNull();
    }

    @Test
    void badRoomNamesAreRefusedBeforeTheUpgrade() throws Exception {
        for (String room : List.of("bad.room", "a%20b", "x".repeat(65), "%3Cscript%3E")) {
            var res = demo.http.send(HttpRequest.newBuilder(demo.uri("http", "/chat/" + room)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).as(room).isEqualTo(400);
        }
        assertThat(handshakeStatus("/chat/bad.room", demo.origin())).isEqualTo(400);
        assertThat(handshakeStatus("/chat/" + "x".repeat(65), demo.origin())).isEqualTo(400);
        // 64 is still a room.
        var ok = demo.webSocket("/chat/" + "x".repeat(64), demo.origin());
        ok.open();
        assertThat(json((String) ok.next())).containsKey("you");
    }

    @Test
    void crossOriginHandshakesAreRefused() {
        assertThat(handshakeStatus("/chat/lobby", "http://evil.example")).isEqualTo(403);
        assertThat(handshakeStatus("/ws", "http://evil.example")).isEqualTo(403);
        // Same host, other port: another origin.
        assertThat(handshakeStatus("/ws", "http://127.0.0.1:" + (demo.port == 1 ? 2 : demo.port - 1))).isEqualTo(403);
        // The names the server goes by are allowed.
        demo.webSocket("/ws", "http://localhost:" + demo.port).open().sendClose(1000, "");
    }

    @Test
    void indexIsTheDashboardAndItsFilesHaveTheirTypes() throws Exception {
        var index = get("/");
        assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).contains("Gannet", "/dashboard/dashboard.js", "/dashboard/dashboard.css",
                "href=\"/plaintext\"", "href=\"/json\"", "href=\"/health\"", "href=\"/stats\"", "href=\"/metrics\"");
        assertThat(get("/dashboard/dashboard.js").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/dashboard/dashboard.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(get("/stats").body()).contains("\"perSecond\"", "\"websockets\"");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return demo.http.send(HttpRequest.newBuilder(demo.uri("http", path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The HTTP status a refused handshake got. */
    private static int handshakeStatus(String path, String origin) {
        Throwable t = catchThrowable(() -> demo.webSocket(path, origin).open());
        assertThat(t).as(path + " from " + origin).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) t.getCause()).getResponse().statusCode();
    }
}
