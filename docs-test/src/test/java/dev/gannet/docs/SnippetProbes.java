package dev.gannet.docs;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a client of each README example sees: real requests over real sockets. */
final class SnippetProbes {
    private SnippetProbes() {
    }

    @FunctionalInterface
    interface Probe {
        void check(int port) throws Exception;
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    /** The HTTP quick start: text, JSON in and out, a 404, a static file, a blocking route. */
    static void hello(int port) throws Exception {
        String base = "http://127.0.0.1:" + port;
        assertResponse(get(base + "/hello"), 200, "Hello, World!");
        HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/users/1")).timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"Ada\",\"email\":\"ada@example.com\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as("PUT /users/1: " + put.body()).isEqualTo(204);
        HttpResponse<String> user = get(base + "/users/1");
        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(user.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(user.body()).contains("\"name\":\"Ada\"").contains("\"email\":\"ada@example.com\"");
        assertThat(get(base + "/users/2").statusCode()).isEqualTo(404);
        assertResponse(get(base + "/static/index.html"), 200, "<h1>static file</h1>\n");
        assertResponse(get(base + "/report"), 200, "report ready");
    }

    /** The WebSocket/SSE example: a message sent to a room reaches another member; the clock stream sends events. */
    static void chat(int port) throws Exception {
        URI room = URI.create("ws://127.0.0.1:" + port + "/chat/lobby");
        Member alice = new Member(), bob = new Member();
        WebSocket a = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(room, alice).get(10, TimeUnit.SECONDS);
        WebSocket b = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(room, bob).get(10, TimeUnit.SECONDS);
        try {
            // Joining a room completes on the server's loop just after the handshake; send until Bob has joined.
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!bob.received.isDone() && System.nanoTime() < deadline) {
                a.sendText("hello, lobby", true).get(5, TimeUnit.SECONDS);
                try {
                    bob.received.get(500, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // send again
                }
            }
            assertThat(bob.received).as("Bob's message from the room").isCompletedWithValue("hello, lobby");
        } finally {
            a.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            b.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }

        HttpResponse<Stream<String>> sse = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/clock"))
                .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(sse.statusCode()).isEqualTo(200);
        assertThat(sse.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        try (Stream<String> lines = sse.body()) {
            // The body has no read timeout of its own: a stream that never sends must not hang the build.
            String[] event = CompletableFuture.supplyAsync(() -> {
                Iterator<String> it = lines.iterator();
                String name = it.next();
                while (name.isEmpty() || name.startsWith(":")) name = it.next();   // blank lines, heartbeat comments
                return new String[] {name, it.next()};
            }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(event[0]).isEqualTo("event: time");
            assertThat(event[1]).startsWith("data: ");
            Instant sent = Instant.parse(event[1].substring("data: ".length()));
            assertThat(Duration.between(sent, Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
        }
    }

    /** The TCP quick start: what is written comes back. */
    static void echo(int port) throws Exception {
        try (Socket s = connect(port)) {
            s.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            byte[] back = new DataInputStream(s.getInputStream()).readNBytes(5);
            assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("ping\n");
        }
    }

    /** The framing example: a length-prefixed message sent in two pieces comes back whole, in upper case. */
    static void framed(int port) throws Exception {
        try (Socket s = connect(port)) {
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {0, 0, 0, 12, 'h', 'e', 'l'});
            out.flush();
            Thread.sleep(50);
            out.write("lo gannet".getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(in.readInt()).isEqualTo(12);
            assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HELLO GANNET");
        }
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), (int) TIMEOUT.toMillis());
        s.setSoTimeout((int) TIMEOUT.toMillis());
        return s;
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertResponse(HttpResponse<String> r, int status, String body) {
        assertThat(r.statusCode()).as(r.request().uri() + ": " + r.body()).isEqualTo(status);
        assertThat(r.body()).as(r.request().uri().toString()).isEqualTo(body);
    }

    /** A WebSocket client that keeps the first text message it receives. */
    private static final class Member implements WebSocket.Listener {
        final CompletableFuture<String> received = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) received.complete(text.toString());
            ws.request(1);
            return null;
        }
    }
}
