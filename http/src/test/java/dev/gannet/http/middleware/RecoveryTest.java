package dev.gannet.http.middleware;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RecoveryTest {
    record Logged(System.Logger.Level level, String message, Throwable thrown) {
    }

    /** A System.Logger that keeps what it is given. */
    static final class Capture implements System.Logger {
        final ConcurrentLinkedQueue<Logged> records = new ConcurrentLinkedQueue<>();

        @Override
        public String getName() {
            return "capture";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            records.add(new Logged(level, msg, thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            records.add(new Logged(level, format, null));
        }
    }

    static final Capture log = new Capture();
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start(app -> app
                .use(RequestId.create())
                .use(Recovery.create(Recovery.Config.builder().logger(log).build()))
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("secret detail: password=hunter2");
                })
                .blocking().get("/boom-blocking", (req, res) -> {
                    throw new java.io.IOException("secret detail");
                })
                .get("/after-send", (req, res) -> {
                    res.text("already answered");
                    throw new IllegalStateException("late failure");
                })
                .get("/ok", (req, res) -> res.text("ok")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void jsonClientGetsAnIdAndNoExceptionText() throws Exception {
        log.records.clear();
        HttpResponse<String> r = server.get("/boom", "Accept", "application/json");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        Matcher m = Pattern.compile("\\{\"error\":\"internal\",\"id\":\"([0-9a-f]{16})\"}").matcher(r.body());
        assertThat(m.matches()).as(r.body()).isTrue();
        assertThat(r.body()).doesNotContain("secret").doesNotContain("Exception");
        // Outer middleware still decorates the 500.
        assertThat(r.headers().firstValue("x-request-id")).isPresent();

        Logged logged = log.records.poll();
        assertThat(logged.level()).isEqualTo(System.Logger.Level.WARNING);
        assertThat(logged.message()).contains(m.group(1)).contains("/boom").contains(r.headers().firstValue("x-request-id").get());
        assertThat(logged.thrown()).hasMessageContaining("secret detail");
        assertThat(server.get("/ok").statusCode()).isEqualTo(200);
    }

    @Test
    void otherClientsGetText() throws Exception {
        HttpResponse<String> r = server.get("/boom", "Accept", "text/html, */*;q=0.8");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("text/plain");
        assertThat(r.body()).matches("Internal Server Error \\(error id [0-9a-f]{16}\\)\n").doesNotContain("secret");

        HttpResponse<String> refused = server.get("/boom", "Accept", "application/json;q=0, text/plain");
        assertThat(refused.body()).startsWith("Internal Server Error");
    }

    @Test
    void blockingRoutesToo() throws Exception {
        HttpResponse<String> r = server.get("/boom-blocking", "Accept", "application/problem+json");
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).startsWith("{\"error\":\"internal\"").doesNotContain("secret");
    }

    @Test
    void failureAfterTheResponseWasSentIsOnlyLogged() throws Exception {
        log.records.clear();
        HttpResponse<String> r = server.get("/after-send");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("already answered");
        assertThat(log.records).hasSize(1);
        assertThat(server.get("/ok").body()).isEqualTo("ok");
    }

    @Test
    void customBodies() throws Exception {
        try (TestServer s = TestServer.start(app -> app
                .use(Recovery.create(Recovery.Config.builder().logger(new Capture())
                        .jsonBody(id -> "{\"oops\":\"" + id + "\"}").textBody(id -> "oops " + id).build()))
                .get("/boom", (req, res) -> {
                    throw new RuntimeException("x");
                }))) {
            assertThat(s.get("/boom", "Accept", "application/json").body()).matches("\\{\"oops\":\"[0-9a-f]{16}\"}");
            assertThat(s.get("/boom").body()).matches("oops [0-9a-f]{16}");
        }
    }

    @Test
    void acceptParsing() {
        assertThat(Recovery.acceptsJson("application/json")).isTrue();
        assertThat(Recovery.acceptsJson("text/html, application/json;q=0.9")).isTrue();
        assertThat(Recovery.acceptsJson("application/vnd.api+json")).isTrue();
        assertThat(Recovery.acceptsJson("application/json; q=0")).isFalse();
        assertThat(Recovery.acceptsJson("*/*")).isFalse();
        assertThat(Recovery.acceptsJson(null)).isFalse();
        assertThat(Recovery.acceptsJson("application/json;q=0")).isFalse();
    }
}
