package dev.gannet.testing;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.http.LocalConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tests both modes must pass, word for word: {@link ServerModeTest} and {@link LocalModeTest} differ only in their
 * {@code @GannetTest} annotation (and in tests of what one mode alone offers). That is the promise of {@link TestClient}:
 * switching modes is a one-word change. The name does not end in Test, so it is not run on its own.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class AppContract {

    /** Static, so one app serves every test of the class; inherited by both subclasses. */
    @GannetApp
    static HttpServer app(HttpConfig config) {
        return HttpServer.create(config)
                .get("/hello", (req, res) -> res.text("Hello, World!"))
                .get("/users/{id}", (req, res) -> res.text("user " + req.pathParam("id") + " q=" + req.query("q")))
                .post("/echo", (req, res) -> {
                    String type = req.header("content-type");
                    res.contentType(type == null ? "application/octet-stream" : type).send(req.body());
                })
                .put("/items/{id}", (req, res) -> res.status(201).text("put " + req.pathParam("id") + "=" + req.bodyString()))
                .delete("/items/{id}", (req, res) -> res.status(204).end())
                .get("/headers", (req, res) -> res.header("X-Reply", "re:" + req.header("x-test"))
                        .header("Set-Cookie", "a=1").header("Set-Cookie", "b=2")
                        .text(req.header("user-agent") + "|" + req.cookie("sid") + "|" + req.header("content-length")))
                .get("/json", (req, res) -> res.json(Map.of("message", "Hello, World!")))
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("secret detail");
                })
                .blocking().get("/slow", (req, res) -> {
                    // Sleeping is what a blocking route is for; the thread kind proves it did not run on the loop.
                    Thread.sleep(50);
                    res.text("slept on a " + (Thread.currentThread().isVirtual() ? "virtual thread" : "platform thread"));
                });
    }

    abstract Mode expectedMode();

    @Test
    void clientIsInTheAnnotatedMode(TestClient client) {
        assertThat(client.mode()).isEqualTo(expectedMode());
    }

    @Test
    void get(TestClient client) {
        TestResponse r = client.get("/hello");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("Hello, World!");
        assertThat(r.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.header("content-length")).isEqualTo("13");
        assertThat(r.header("Server")).isEqualTo("gannet");
    }

    @Test
    void postEchoesTheBodyAndItsType(TestClient client) {
        TestResponse r = client.post("/echo", "{\"a\":\"ü\"}", "application/json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("{\"a\":\"ü\"}");
        assertThat(r.bodyBytes()).hasSize(10); // ü is two bytes in UTF-8
    }

    @Test
    void binaryBodiesPassUnchanged(TestClient client) {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) all[i] = (byte) i;
        TestResponse r = client.request("POST", "/echo", Map.of(), all);
        assertThat(r.bodyBytes()).isEqualTo(all);
        assertThat(r.header("content-type")).isEqualTo("application/octet-stream");
    }

    @Test
    void postWithoutBodySendsAZeroLength(TestClient client) {
        TestResponse r = client.request("POST", "/echo", Map.of(), (byte[]) null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyBytes()).isEmpty();
    }

    @Test
    void pathAndQueryParameters(TestClient client) {
        assertThat(client.get("/users/42").body()).isEqualTo("user 42 q=null");
        assertThat(client.get("/users/a%20b?q=x%26y").body()).isEqualTo("user a b q=x&y");
    }

    @Test
    void putAndDelete(TestClient client) {
        TestResponse put = client.put("/items/7", "seven", "text/plain");
        assertThat(put.status()).isEqualTo(201);
        assertThat(put.body()).isEqualTo("put 7=seven");
        TestResponse delete = client.delete("/items/7");
        assertThat(delete.status()).isEqualTo(204);
        assertThat(delete.body()).isEmpty();
    }

    @Test
    void notFoundAndMethodNotAllowed(TestClient client) {
        TestResponse missing = client.get("/nope");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("Not Found");
        TestResponse wrongMethod = client.delete("/hello");
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).contains("GET");
    }

    @Test
    void headHasTheLengthButNoBody(TestClient client) {
        TestResponse r = client.request("HEAD", "/hello", Map.of(), (byte[]) null);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-length")).isEqualTo("13");
        assertThat(r.bodyBytes()).isEmpty();
    }

    @Test
    void requestAndResponseHeaders(TestClient client) {
        TestResponse r = client.get("/headers", Map.of("X-Test", "v1", "Cookie", "x=0; sid=abc"));
        assertThat(r.header("x-reply")).isEqualTo("re:v1");
        assertThat(r.headers("set-cookie")).containsExactly("a=1", "b=2");
        // The same User-Agent, and no Content-Length on a bodiless GET, in both modes.
        assertThat(r.body()).isEqualTo("gannet-testing|abc|null");
        assertThat(client.get("/headers", Map.of("User-Agent", "mine")).body()).startsWith("mine|");
    }

    @Test
    void headersTheJdkClientReservesAreRefusedInBothModes(TestClient client) {
        for (String name : new String[] {"Host", "connection", "Content-Length", "Expect", "Upgrade"}) {
            assertThatThrownBy(() -> client.get("/hello", Map.of(name, "x")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
        }
        assertThatThrownBy(() -> client.get("/hello", Map.of("X-Evil", "a\r\nX-Injected: b")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.get("no-slash")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.get("/with space")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void json(TestClient client) {
        TestResponse r = client.get("/json");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("{\"message\":\"Hello, World!\"}");
    }

    @Test
    void blockingRouteRunsOnAVirtualThread(TestClient client) {
        TestResponse r = client.get("/slow");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("slept on a virtual thread");
    }

    @Test
    void handlerFailureIsA500AndTheAppKeepsServing(TestClient client) {
        TestResponse r = client.get("/boom");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.body()).contains("error id").doesNotContain("secret detail");
        assertThat(client.get("/hello").status()).isEqualTo(200);
    }

    @Test
    void concurrentCallsFromManyThreads(TestClient client) throws Exception {
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 32; i++) {
                int n = i;
                futures.add(pool.submit(() -> client.get(n % 4 == 0 ? "/slow" : "/users/" + n).body()));
            }
            for (int i = 0; i < futures.size(); i++) {
                assertThat(futures.get(i).get()).isEqualTo(i % 4 == 0 ? "slept on a virtual thread" : "user " + i + " q=null");
            }
        }
    }

    @Test
    void routesAreFixedBeforeTheFirstRequest(HttpServer app) {
        // Whatever the test order, the app is already running when a test sees it: metrics exist, routes are closed.
        assertThat(app.metrics()).isNotNull();
        assertThatThrownBy(() -> app.get("/late", (req, res) -> res.text("late"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void injectsTheAppItself(HttpServer app, TestClient client) {
        // The injected app is the one serving: its request counter moves with the client's requests.
        long before = app.metrics().requests();
        client.get("/hello");
        client.get("/nope");
        assertThat(app.metrics().requests()).isGreaterThanOrEqualTo(before + 2);
    }

    @Test
    void injectsAFreshLocalConnectorOverTheSameRoutes(LocalConnector local, LocalConnector other) {
        assertThat(local).isNotSameAs(other);
        String out = local.request("GET /users/9 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(out).startsWith("HTTP/1.1 200 OK\r\n").endsWith("user 9 q=null");
        TestResponse parsed = ResponseParser.parse(out.getBytes(StandardCharsets.ISO_8859_1), false);
        assertThat(parsed.body()).isEqualTo("user 9 q=null");
    }
}
