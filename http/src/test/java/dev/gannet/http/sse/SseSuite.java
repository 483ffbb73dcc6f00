package dev.gannet.http.sse;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Server-sent events against a real server on an ephemeral port, with the JDK HttpClient and raw sockets as clients;
 * written once and run on each engine by the subclasses.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
abstract class SseSuite {
    Server server;
    int port;
    /** Streams by the {name} path parameter they were opened on. */
    final Map<String, CompletableFuture<SseStream>> opened = new ConcurrentHashMap<>();
    final List<SseStream> closed = new CopyOnWriteArrayList<>();

    abstract String engine();

    /** A server whose /feed/{name} route runs {@code onOpen} (after recording the stream) and records onClose. */
    void start(SseConfig config, SseHandler onOpen) throws IOException {
        HttpServer app = HttpServer.create(HttpConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1", 0).engine(engine()).threads(1)
                        .shutdownTimeout(Duration.ofSeconds(2)).build())
                .build());
        app.sse("/feed/{name}", config, new SseHandler() {
            @Override
            public void onOpen(SseStream stream, dev.gannet.http.Request request) {
                opened.computeIfAbsent(request.pathParam("name"), k -> new CompletableFuture<>()).complete(stream);
                onOpen.onOpen(stream, request);
            }

            @Override
            public void onClose(SseStream stream) {
                closed.add(stream);
            }
        });
        app.get("/plain", (req, res) -> res.text("plain"));
        server = app.start();
        port = server.port();
    }

    void start(SseHandler onOpen) throws IOException {
        start(SseConfig.builder().heartbeatInterval(Duration.ZERO).build(), onOpen);
    }

    @AfterEach
    void stop() {
        if (server != null) server.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    SseStream stream(String name) throws Exception {
        return opened.computeIfAbsent(name, k -> new CompletableFuture<>()).get(5, TimeUnit.SECONDS);
    }

    static void eventually(Duration limit, Runnable check) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                check.run();
                return;
            } catch (AssertionError e) {
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(20);
            }
        }
    }

    @Test
    void fieldsArriveAsTheFormatDefinesThem() throws Exception {
        start((stream, req) -> {
            stream.retry(Duration.ofMillis(1500));
            stream.send("7", "greeting", "hello\nworld");
            stream.send(null, "x", "a\r\nb\rc\n");
            stream.comment("a note");
            stream.send("data only");
            stream.send("", null, " leading space");
            stream.send("8", "unicode", "żółw 🐢");
        });
        try (SseClient c = new SseClient(uri("/feed/a"))) {
            assertThat(c.response.statusCode()).isEqualTo(200);
            assertThat(c.header("content-type")).isEqualTo("text/event-stream");
            assertThat(c.header("cache-control")).isEqualTo("no-cache");
            assertThat(c.next()).isEqualTo(new SseClient.Event("7", "greeting", "hello\nworld"));
            // The last event id carries over to events without one, as a browser's EventSource keeps it.
            assertThat(c.next()).isEqualTo(new SseClient.Event("7", "x", "a\nb\nc\n"));
            assertThat(c.next()).isEqualTo(new SseClient.Event("7", "message", "data only"));
            assertThat(c.next()).isEqualTo(new SseClient.Event("", "message", " leading space"));
            assertThat(c.next()).isEqualTo(new SseClient.Event("8", "unicode", "żółw 🐢"));
            assertThat(c.retry).isEqualTo(1500);
            assertThat(c.comments).containsExactly("a note");
        }
    }

    @Test
    void aReconnectingClientResumesAfterItsLastEventId() throws Exception {
        start((stream, req) -> {
            int from = stream.lastEventId() == null ? 0 : Integer.parseInt(stream.lastEventId()) + 1;
            for (int i = from; i < from + 3; i++) stream.send(Integer.toString(i), null, "event " + i);
        });
        String last;
        try (SseClient c = new SseClient(uri("/feed/first"))) {
            assertThat(c.next().data()).isEqualTo("event 0");
            assertThat(c.next().data()).isEqualTo("event 1");
            last = c.next().id();
        }
        assertThat(last).isEqualTo("2");
        assertThat(stream("first").lastEventId()).isNull();
        try (SseClient c = new SseClient(uri("/feed/second"), "Last-Event-ID", last)) {
            assertThat(c.next()).isEqualTo(new SseClient.Event("3", "message", "event 3"));
            assertThat(c.next().id()).isEqualTo("4");
            assertThat(c.next().id()).isEqualTo("5");
        }
        assertThat(stream("second").lastEventId()).isEqualTo("2");
    }

    @Test
    void heartbeatCommentsKeepAnIdleStreamAlive() throws Exception {
        start(SseConfig.builder().heartbeatInterval(Duration.ofSeconds(1)).build(), (stream, req) -> { });
        try (SseClient c = new SseClient(uri("/feed/idle"))) {
            assertThat(c.comments.poll(3500, TimeUnit.MILLISECONDS)).as("a heartbeat within ~3 s").isNotNull();
            assertThat(c.events).isEmpty();
        }
    }

    @Test
    void eventsFromAnotherThreadArriveInOrderAndNoneIsLost() throws Exception {
        int n = 5000;
        AtomicInteger refused = new AtomicInteger();
        start((stream, req) -> Thread.ofPlatform().name("sse-test-producer").start(() -> {
            for (int i = 0; i < n; i++) if (!stream.send(Integer.toString(i), null, "payload " + i)) refused.incrementAndGet();
        }));
        try (SseClient c = new SseClient(uri("/feed/bulk"))) {
            for (int i = 0; i < n; i++) {
                SseClient.Event e = c.next();
                assertThat(e.id()).isEqualTo(Integer.toString(i));
                assertThat(e.data()).isEqualTo("payload " + i);
            }
        }
        assertThat(refused).hasValue(0);
        assertThat(stream("bulk").droppedEvents()).isZero();
    }

    @Test
    void sendAndCloseFromAnotherThreadEndTheBodyAfterTheEvents() throws Exception {
        start((stream, req) -> Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 100; i++) stream.send("e" + i);
            stream.close();
        }));
        try (SseClient c = new SseClient(uri("/feed/closing"))) {
            c.ended.get(5, TimeUnit.SECONDS);
            assertThat(c.events).hasSize(100);
            assertThat(c.events.peek().data()).isEqualTo("e0");
        }
        eventually(Duration.ofSeconds(3), () -> assertThat(closed).hasSize(1));
        assertThat(stream("closing").isOpen()).isFalse();
        assertThat(stream("closing").send("late")).isFalse();
    }

    /** Sends the request and never reads: the server's side must stay bounded, per the slow-consumer policy. */
    private static Socket neverReading(int port, String name) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096); // before connecting, so the window is small from the start
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write(("GET /feed/" + name + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    @Test
    void aClientThatNeverReadsHasItsEventsDroppedAndOthersAreUnaffected() throws Exception {
        long max = 64 * 1024;
        start(SseConfig.builder().heartbeatInterval(Duration.ZERO).maxQueuedBytes(max)
                .slowConsumer(SseConfig.SlowConsumer.DROP).build(), (stream, req) -> { });
        String payload = "x".repeat(8000);
        try (Socket slowClient = neverReading(port, "slow"); SseClient fast = new SseClient(uri("/feed/fast"))) {
            SseStream slow = stream("slow");
            SseStream other = stream("fast");
            long worst = 0;
            long accepted = 0;
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(5);
            // Push for a while after events start being refused, pausing after each refusal so the loop can move
            // what it holds into the kernel: the kernel's buffers fill up too, and the bound holds all along.
            while ((slow.droppedEvents() < 200 || System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500))
                    && System.nanoTime() < deadline) {
                if (slow.send(payload)) accepted++;
                else Thread.sleep(1);
                worst = Math.max(worst, slow.queuedBytes());
            }
            Thread.sleep(200);
            assertThat(slow.queuedBytes()).as("still held for a client that is not reading").isPositive();
            assertThat(slow.droppedEvents()).as("events refused once the client stopped reading").isGreaterThanOrEqualTo(200);
            // Within the bound plus one event: the check counts what is queued before it takes more, but this
            // thread's reading can fall between the owner writing an event and releasing its reservation, when
            // that event counts twice (seen once in a full run: 72,112 bytes against 65,600).
            assertThat(worst).as("queued bytes (accepted %d events)", accepted).isLessThanOrEqualTo(max + payload.length() + 64);
            assertThat(slow.isOpen()).as("DROP keeps the stream").isTrue();
            // The other client, on the same (single) event loop, still gets each event promptly. (One at a time:
            // its bound is 64 KiB too, and a burst faster than it reads would be dropped as well.)
            for (int i = 0; i < 50; i++) {
                assertThat(other.send(Integer.toString(i), null, payload)).isTrue();
                assertThat(fast.next(2).id()).isEqualTo(Integer.toString(i));
            }
            assertThat(other.droppedEvents()).isZero();
        }
    }

    @Test
    void aClientThatNeverReadsIsDisconnectedUnderTheClosePolicy() throws Exception {
        long max = 32 * 1024;
        start(SseConfig.builder().heartbeatInterval(Duration.ZERO).maxQueuedBytes(max)
                .slowConsumer(SseConfig.SlowConsumer.CLOSE).build(), (stream, req) -> { });
        String payload = "y".repeat(4000);
        try (Socket slowClient = neverReading(port, "slow"); SseClient fast = new SseClient(uri("/feed/fast"))) {
            SseStream slow = stream("slow");
            long worst = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (slow.isOpen() && System.nanoTime() < deadline) {
                slow.send(payload);
                worst = Math.max(worst, slow.queuedBytes());
            }
            assertThat(slow.isOpen()).as("closed once over the bound").isFalse();
            assertThat(slow.droppedEvents()).isEqualTo(1);
            assertThat(slow.send("more")).isFalse();
            assertThat(worst).isLessThanOrEqualTo(max + 64);
            eventually(Duration.ofSeconds(3), () -> assertThat(closed).containsExactly(slow));
            assertThat(stream("fast").send("still here")).isTrue();
            assertThat(fast.next().data()).isEqualTo("still here");
        }
    }

    @Test
    void gracefulShutdownEndsTheStreamAndReachesOnClose() throws Exception {
        start((stream, req) -> stream.send("hello"));
        SseClient c = new SseClient(uri("/feed/s"));
        assertThat(c.next().data()).isEqualTo("hello");
        Thread.ofVirtual().start(() -> {
            try {
                stream("s").send("before shutdown");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).join();
        long t0 = System.nanoTime();
        CompletableFuture<Void> done = server.shutdownGracefully(Duration.ofSeconds(5));
        c.ended.get(3, TimeUnit.SECONDS); // normally: the body's last chunk, not a broken connection
        done.get(3, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("well before the deadline").isLessThan(Duration.ofSeconds(3));
        server = null;
        assertThat(c.next().data()).isEqualTo("before shutdown");
        assertThat(closed).hasSize(1);
        c.close();
    }

    @Test
    void aClientGoingAwayClosesTheStreamOnce() throws Exception {
        start((stream, req) -> stream.send("hi"));
        try (SseClient c = new SseClient(uri("/feed/gone"))) {
            assertThat(c.next().data()).isEqualTo("hi");
        }
        SseStream s = stream("gone");
        eventually(Duration.ofSeconds(3), () -> assertThat(closed).containsExactly(s));
        assertThat(s.isOpen()).isFalse();
        assertThat(s.send("nobody listens")).isFalse();
        s.close();
        Thread.sleep(1200); // a tick later, still reported once
        assertThat(closed).hasSize(1);
    }

    @Test
    void aRawClientThatHalfClosesEndsTheStream() throws Exception {
        start((stream, req) -> stream.send("hi"));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /feed/half HTTP/1.1\r\nHost: x\r\n\r\nignored bytes".getBytes(StandardCharsets.US_ASCII));
            String got = readUntil(s.getInputStream(), "data: hi\n\n");
            assertThat(got).contains("Transfer-Encoding: chunked");
            s.shutdownOutput();
            assertThat(readToEnd(s.getInputStream())).endsWith("0\r\n\r\n");
        }
        eventually(Duration.ofSeconds(3), () -> assertThat(closed).hasSize(1));
    }

    @Test
    void http10GetsACloseDelimitedBody() throws Exception {
        start((stream, req) -> {
            stream.send("one");
            stream.send("two");
            stream.close();
        });
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET /feed/old HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String all = readToEnd(s.getInputStream());
            assertThat(all).startsWith("HTTP/1.1 200").doesNotContain("chunked")
                    .endsWith("\r\n\r\ndata: one\n\ndata: two\n\n");
        }
    }

    @Test
    void crOrLfInAnIdOrEventNameIsRefused() throws Exception {
        CompletableFuture<List<Throwable>> errors = new CompletableFuture<>();
        start((stream, req) -> {
            List<Throwable> out = new ArrayList<>();
            for (String[] bad : new String[][] {{"a\nb", null}, {"a\rb", null}, {"a\0b", null}, {null, "ev\n"}, {null, "e\rv"}}) {
                try {
                    stream.send(bad[0], bad[1], "x");
                } catch (IllegalArgumentException e) {
                    out.add(e);
                }
            }
            errors.complete(out);
            stream.send("ok", "fine", "after the refusals");
        });
        try (SseClient c = new SseClient(uri("/feed/bad"))) {
            assertThat(c.next()).isEqualTo(new SseClient.Event("ok", "fine", "after the refusals"));
        }
        assertThat(errors.get(5, TimeUnit.SECONDS)).hasSize(5);
        SseStream s = stream("bad");
        assertThatThrownBy(() -> s.send("x\ny", null, "z")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherRoutesOnTheServerStillWork() throws Exception {
        start((stream, req) -> { });
        var r = SseClient.HTTP.send(java.net.http.HttpRequest.newBuilder(uri("/plain")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("plain");
        try (SseClient c = new SseClient(uri("/feed/x"))) {
            stream("x").send("y");
            assertThat(c.next().data()).isEqualTo("y");
        }
    }

    static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (!b.toString(StandardCharsets.UTF_8).contains(marker)) {
            int c = in.read();
            if (c < 0) throw new IOException("EOF before " + marker + ": " + b);
            b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    static String readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try {
            in.transferTo(b);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close: " + b, e);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
