package dev.gannet.http;

import dev.gannet.http.h1.HttpLimits;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP/1.1 server against real clients (the JDK HttpClient and raw sockets), written once and run on every
 * engine. Each case in the reliability guide that applies to HTTP/1.1 has a test here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class HttpSuite {
    Server server;
    HttpServer app;
    int port;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    abstract String engine();

    HttpConfig.Builder config() {
        return HttpConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1", 0).engine(engine()).threads(1).shutdownTimeout(Duration.ofSeconds(2)).build())
                .limits(HttpLimits.builder().maxBodySize(1024 * 1024).build())
                .headerTimeout(Duration.ofSeconds(1));
    }

    HttpServer routes(HttpServer app) {
        return app
                .get("/plaintext", (req, res) -> res.contentType("text/plain").send("Hello, World!".getBytes(StandardCharsets.US_ASCII)))
                .get("/json", (req, res) -> res.json(Map.of("message", "Hello, World!")))
                .get("/users/{id}", (req, res) -> res.text("user " + req.pathParam("id") + " q=" + req.query("q")))
                .post("/echo", (req, res) -> res.contentType("application/octet-stream").send(req.body()))
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("secret detail");
                })
                .blocking().get("/slow", (req, res) -> {
                    Thread.sleep(50);
                    res.text("slow done");
                })
                .get("/headers", (req, res) -> res.text(req.header("x-test") + "|" + req.cookie("sid")));
    }

    @BeforeEach
    void start() throws IOException {
        app = routes(HttpServer.create(config().build()));
        server = app.start();
        port = server.port();
    }

    @AfterEach
    void stop() {
        server.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void plaintextAsTechEmpowerDefinesIt() throws Exception {
        HttpResponse<String> r = get("/plaintext");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("Hello, World!");
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(r.headers().firstValue("content-length")).hasValue("13");
        assertThat(r.headers().firstValue("server")).hasValue("gannet");
        assertThat(r.headers().firstValue("date")).get().asString().matches("\\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    }

    @Test
    void jsonAndPathAndQueryParameters() throws Exception {
        HttpResponse<String> r = get("/json");
        assertThat(r.body()).isEqualTo("{\"message\":\"Hello, World!\"}");
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(get("/users/42?q=a%20b").body()).isEqualTo("user 42 q=a b");
    }

    @Test
    void notFoundAndMethodNotAllowed() throws Exception {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.headers().firstValue("allow")).get().asString().contains("GET");
    }

    @Test
    void postBodyWithContentLengthAndChunked() throws Exception {
        byte[] big = new byte[200_000];
        new java.util.Random(1).nextBytes(big);
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.body()).isEqualTo(big);
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n");
            RawHttp.Resp resp = raw.read();
            assertThat(resp.status()).isEqualTo(200);
            assertThat(resp.body()).isEqualTo("hello world");
        }
    }

    @Test
    void pipelinedRequestsAnswerInOrderIncludingBlockingRoutes() throws Exception {
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /plaintext HTTP/1.1\r\nHost: x\r\n\r\nGET /users/7 HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(raw.read().body()).isEqualTo("slow done");
            assertThat(raw.read().body()).isEqualTo("Hello, World!");
            assertThat(raw.read().body()).isEqualTo("user 7 q=null");
        }
    }

    @Test
    void everyPipelinedRequestIsCountedOnceWithItsRouteAndStatus() throws Exception {
        // 40 in one write: more than one batch of finished requests that a read records together.
        int n = 40;
        long before = app.metrics().requests();
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("GET /users/3 HTTP/1.1\r\nHost: x\r\n\r\n".repeat(n - 1) + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
            for (int i = 0; i < n - 1; i++) assertThat(raw.read().body()).isEqualTo("user 3 q=null");
            assertThat(raw.read().status()).isEqualTo(404);
            // Recorded once the read that held them is answered: by now, since this connection's next request
            // is only parsed after that.
            assertThat(raw.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
        }
        assertThat(app.metrics().requests() - before).isEqualTo(n + 1);
        assertThat(app.metrics().prometheus())
                .contains("http_server_request_duration_seconds_count{http_request_method=\"GET\",http_route=\"/users/{id}\",http_response_status_code=\"200\"} " + (n - 1));
    }

    @Test
    void keepAliveConnectionCloseHeadAndHttp10() throws Exception {
        try (RawHttp raw = new RawHttp(port)) {
            for (int i = 0; i < 3; i++) assertThat(raw.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            RawHttp.Resp head = raw.send("HEAD /plaintext HTTP/1.1\r\nHost: x\r\n\r\n").read(true);
            assertThat(head.header("content-length")).isEqualTo("13");
            // Nothing may follow the head: the next response must start right after it.
            assertThat(raw.send("GET /users/1 HTTP/1.1\r\nHost: x\r\n\r\n").read().body()).isEqualTo("user 1 q=null");
            RawHttp.Resp last = raw.send("GET /plaintext HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").read();
            assertThat(last.header("connection")).isEqualTo("close");
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawHttp raw = new RawHttp(port)) {
            RawHttp.Resp r = raw.send("GET /plaintext HTTP/1.0\r\n\r\n").read();
            assertThat(r.body()).isEqualTo("Hello, World!");
            assertThat(raw.closedByServer()).isTrue();
        }
        try (RawHttp raw = new RawHttp(port)) {
            RawHttp.Resp r = raw.send("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
            assertThat(r.header("connection")).isEqualTo("keep-alive");
            assertThat(raw.send("GET /plaintext HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read().status()).isEqualTo(200);
        }
    }

    @Test
    void expectContinue() throws Exception {
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Resp cont = raw.read();
            assertThat(cont.status()).isEqualTo(100);
            raw.send("ping");
            assertThat(raw.read().body()).isEqualTo("ping");
        }
    }

    @Test
    void handlerExceptionGives500WithIdAndNoStackTrace() throws Exception {
        HttpResponse<String> r = get("/boom");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("error id").doesNotContain("secret detail").doesNotContain("Exception");
        assertThat(get("/plaintext").statusCode()).isEqualTo(200);
    }

    @Test
    void headersAndCookies() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/headers"))
                .header("X-Test", "v1").header("Cookie", "a=1; sid=abc").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("v1|abc");
    }

    @Test
    void gracefulShutdownFinishesTheRequestInFlightAndClosesIdleConnections() throws Exception {
        try (RawHttp busy = new RawHttp(port); RawHttp idle = new RawHttp(port)) {
            assertThat(idle.send("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n").read().status()).isEqualTo(200);
            busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            Thread.sleep(10); // the slow handler is running
            var done = server.shutdownGracefully(Duration.ofSeconds(5));
            assertThat(server.isAccepting()).isFalse();
            RawHttp.Resp r = busy.read();
            assertThat(r.body()).isEqualTo("slow done");
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(idle.closedByServer()).isTrue();
            done.get(5, TimeUnit.SECONDS);
        }
    }

    // --- the reliability guide, HTTP/1.1 cases ---

    private void rejected(String request, int status) throws Exception {
        try (RawHttp raw = new RawHttp(port)) {
            raw.send(request);
            RawHttp.Resp r = raw.read();
            assertThat(r.status()).as(request).isEqualTo(status);
            assertThat(raw.closedByServer()).as("closed after " + status).isTrue();
        }
        assertThat(get("/plaintext").statusCode()).isEqualTo(200);
    }

    @Test
    void contentLengthWithTransferEncodingIsRejectedAndNeverSplitsIntoTwoRequests() throws Exception {
        rejected("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    }

    @Test
    void obfuscatedTransferEncodingIsRejected() throws Exception {
        for (String te : new String[] {"xchunked", "chunked, identity", "\tchunked"}) {
            try (RawHttp raw = new RawHttp(port)) {
                raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + te + "\r\n\r\n0\r\n\r\n");
                assertThat(raw.read().status()).as(te).isIn(400, 501);
                assertThat(raw.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void duplicateOrConflictingContentLengthIsRejected() throws Exception {
        rejected("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400);
        rejected("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello", 400);
    }

    @Test
    void badChunkSizesAreRejected() throws Exception {
        for (String size : new String[] {"0x1", "-1", "11111111111111111", "1 ", "1;a=\nb"}) {
            rejected("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\nx\r\n0\r\n\r\n", 400);
        }
    }

    @Test
    void bareLineEndsAndObsFoldAndBadHeadersAreRejected() throws Exception {
        rejected("GET /plaintext HTTP/1.1\nHost: x\r\n\r\n", 400);
        rejected("GET /plaintext HTTP/1.1\r\nHost: x\rX: y\r\n\r\n", 400);
        rejected("GET /plaintext HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n", 400);
        rejected("GET /plaintext HTTP/1.1\r\nHost: x\r\nX-A : 1\r\n\r\n", 400);
        rejected("GET /plaintext HTTP/1.1\r\nHost: x\r\nX(A): 1\r\n\r\n", 400);
    }

    @Test
    void oversizedRequestLineHeadersAndBody() throws Exception {
        rejected("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
        rejected("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(17_000) + "\r\n\r\n", 431);
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 101; i++) many.append("X-").append(i).append(": v\r\n");
        rejected(many.append("\r\n").toString(), 431);
        rejected("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n", 413);
    }

    @Test
    void slowlorisIsClosedAtTheHeaderTimeout() throws Exception {
        try (RawHttp raw = new RawHttp(port)) {
            long start = System.nanoTime();
            raw.send("GET /plaintext HTTP/1.1\r\n");
            boolean closed = false;
            // The trickle stops once the server has answered: after its 408 the server reads and drops input for a
            // second (a lingering close), so further sends still succeed for a while.
            for (int i = 0; i < 8 && !closed && raw.socket.getInputStream().available() == 0; i++) {
                Thread.sleep(500);
                try {
                    raw.send("X-" + i + ": y\r\n");
                } catch (IOException e) {
                    closed = true;
                }
            }
            if (!closed) {
                RawHttp.Resp r = raw.read();
                assertThat(r.status()).isEqualTo(408);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    @Test
    void aBodyBelowTheMinimumRateGets408() throws Exception {
        try (RawHttp raw = new RawHttp(port)) {
            raw.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789");
            long start = System.nanoTime();
            RawHttp.Resp r = raw.read(); // nothing more is sent: far below 1 KiB/s
            assertThat(r.status()).isEqualTo(408);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
            assertThat(raw.closedByServer()).isTrue();
        }
    }

    private static final int FLOOD = 200_000;

    @Test
    void pipeliningFloodFromAClientThatNeverReadsStaysBounded() throws Exception {
        byte[] one = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        long before = server.stats().bytesRead.sum();
        try (RawHttp raw = new RawHttp(port)) {
            raw.socket.setReceiveBufferSize(4096);
            var out = raw.socket.getOutputStream();
            raw.socket.setSoTimeout(2000);
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < FLOOD; i++) out.write(one);
                } catch (IOException ignored) {
                    // the server may stop reading and we give up when the test ends
                }
            });
            writer.join(3000);
            long read = server.stats().bytesRead.sum() - before;
            // The server stops reading once its responses back up; it must not have swallowed the whole flood. What
            // it takes is what its socket buffers hold in responses (about 4 MB of them, from 1.1 MB of requests).
            assertThat(read).isLessThan(2L * 1024 * 1024).isLessThan((long) FLOOD * one.length / 2);
            assertThat(get("/plaintext").statusCode()).isEqualTo(200);
        }
    }
}
