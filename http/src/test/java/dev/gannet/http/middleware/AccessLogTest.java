package dev.gannet.http.middleware;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessLogTest {

    @Test
    void oneLinePerRequestWithAddressMethodPathStatusDurationAndId() throws Exception {
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        try (TestServer s = TestServer.start(app -> app
                .use(RequestId.create())
                .use(AccessLog.to(lines::add))
                .get("/hello", (req, res) -> res.text("hi"))
                .blocking().get("/slow", (req, res) -> {
                    Thread.sleep(20);
                    res.text("slow");
                })
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("x");
                }))) {
            HttpResponse<String> hello = s.get("/hello?token=secret", "X-Request-Id", "trace-1");
            s.get("/missing");
            s.get("/slow");
            s.get("/boom");
            List<String> got = new ArrayList<>(lines);
            assertThat(got).hasSize(4);
            assertThat(got.get(0)).matches("127\\.0\\.0\\.1 \"GET /hello\" 200 \\d+us id=trace-1");
            assertThat(hello.headers().firstValue("x-request-id")).hasValue("trace-1");
            assertThat(got.get(1)).matches("127\\.0\\.0\\.1 \"GET /missing\" 404 \\d+us id=[0-9a-f]{16}");
            assertThat(got.get(2)).matches("127\\.0\\.0\\.1 \"GET /slow\" 200 \\d+us id=[0-9a-f]{16}");
            long micros = Long.parseLong(got.get(2).replaceAll(".* (\\d+)us.*", "$1"));
            assertThat(micros).isGreaterThanOrEqualTo(20_000);
            // The failure escapes AccessLog and becomes the server's 500; the line says so.
            assertThat(got.get(3)).contains("\"GET /boom\" 500 ");
            assertThat(String.join("\n", got)).doesNotContain("secret");
        }
    }

    @Test
    void loggerOffMeansNoWork() throws Exception {
        AtomicInteger logged = new AtomicInteger();
        System.Logger off = new System.Logger() {
            @Override
            public String getName() {
                return "off";
            }

            @Override
            public boolean isLoggable(Level level) {
                return false;
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
                logged.incrementAndGet();
            }

            @Override
            public void log(Level level, ResourceBundle bundle, String format, Object... params) {
                logged.incrementAndGet();
            }
        };
        try (TestServer s = TestServer.start(app -> app
                .use(AccessLog.create(AccessLog.Config.builder().logger(off).build()))
                .get("/", (req, res) -> res.text("ok")))) {
            assertThat(s.get("/").body()).isEqualTo("ok");
            assertThat(logged).hasValue(0);
        }
    }
}
