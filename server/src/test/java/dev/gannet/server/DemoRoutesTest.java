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

    /** Reads events from /events/stats until {@code count} have come. */
    private static List<Event> statsEvents(int count) throws Exception {
        var res = demo.http.send(HttpRequest.newBuilder(demo.uri("http", "/events/stats")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<Event> events = new ArrayList<>();
        try (InputStream body = res.body();
             BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String id = null, name = null;
            StringBuilder data = new StringBuilder();
            String line;
            while (events.size() < count && (line = in.readLine()) != null) {
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
        return events;
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsStreamSendsTheHistoryThenTheStatsOnceASecondWithIncreasingIds() throws Exception {
        long t0 = System.nanoTime();
        List<Event> events = statsEvents(4);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(events).hasSize(4);
        assertThat(events.get(0).name()).isEqualTo("history");
        List<Event> ticks = events.subList(1, 4);
        assertThat(ticks).allSatisfy(e -> assertThat(e.name()).isEqualTo("stats"));
        // The history and the last tick's stats at once, then one tick a second: within one to six seconds.
        assertThat(elapsedMs).isBetween(900L, 6000L);
        long first = Long.parseLong(ticks.get(0).id());
        assertThat(ticks.stream().map(e -> Long.parseLong(e.id())).toList()).containsExactly(first, first + 1, first + 2);
        Map<String, Object> stats = json(ticks.get(2).data());
        assertThat(stats).containsKeys("time", "uptimeSeconds", "requests", "latencyMicros", "connections", "websockets", "engine");
        assertThat((Map<String, Object>) stats.get("requests")).containsKeys("total", "perSecond", "active");
        assertThat((Map<String, Object>) stats.get("latencyMicros")).containsKeys("intervalSeconds", "requests", "p50", "p99");
        assertThat(((Number) ((Map<?, ?>) stats.get("connections")).get("open")).longValue()).isPositive();
        assertThat(((Number) ((Map<?, ?>) stats.get("eventStreams")).get("open")).longValue()).isPositive();
    }

    @Test
    void theHistoryHoldsTheTicksSoFarAndTheLatencyOfEachSecondAlone() throws Exception {
        // Requests in one second, then a second without: its latency figure says there were none.
        for (int i = 0; i < 20; i++) get("/plaintext");
        long firstNow = ((Number) json(statsEvents(1).get(0).data()).get("now")).longValue();
        Thread.sleep(2_500);
        Map<String, Object> h = json(statsEvents(1).get(0).data());
        List<Long> time = longs(h.get("time"));
        assertThat(time).as("a tick a second since the server started").hasSizeGreaterThanOrEqualTo(2)
                .hasSizeLessThanOrEqualTo(StatsFeed.HISTORY).isSorted();
        for (String column : List.of("connections", "perSecond", "requests", "p50", "p99")) {
            assertThat(longs(h.get(column))).as(column).hasSameSizeAs(time);
        }
        List<Long> requests = longs(h.get("requests"));
        assertThat(requests.stream().mapToLong(Long::longValue).sum()).as("the 20 requests are in some ticks").isGreaterThanOrEqualTo(20);
        assertThat(requests.getLast()).as("the last second had no requests").isZero();
        assertThat(longs(h.get("p50")).getLast()).isZero();
        assertThat(time.getLast()).as("ticks went on between the two").isGreaterThan(firstNow);
    }

    private static List<Long> longs(Object column) {
        return ((List<?>) column).stream().map(o -> ((Number) o).longValue()).toList();
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
        assertThat(index.body()).contains("Gannet", "/dashboard/dashboard.js", "/dashboard/axis.js", "/dashboard/dashboard.css",
                "href=\"/plaintext\"", "href=\"/json\"", "href=\"/health\"", "href=\"/stats\"", "href=\"/metrics\"");
        assertThat(get("/dashboard/dashboard.js").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(get("/dashboard/axis.js").headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
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
