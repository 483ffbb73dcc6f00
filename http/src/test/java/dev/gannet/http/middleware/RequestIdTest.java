package dev.gannet.http.middleware;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestIdTest {

    @Test
    void generatedOrReusedAndVisibleToHandlers() throws Exception {
        try (TestServer s = TestServer.start(app -> app
                .use(RequestId.create())
                .get("/", (req, res) -> res.text("id=" + RequestId.of(res))))) {
            HttpResponse<String> fresh = s.get("/");
            String id = fresh.headers().firstValue("x-request-id").orElseThrow();
            assertThat(id).matches("[0-9a-f]{16}");
            assertThat(fresh.body()).isEqualTo("id=" + id);
            assertThat(s.get("/").headers().firstValue("x-request-id")).get().isNotEqualTo(id);

            HttpResponse<String> reused = s.get("/", "X-Request-Id", "upstream-42");
            assertThat(reused.headers().allValues("x-request-id")).containsExactly("upstream-42");
            assertThat(reused.body()).isEqualTo("id=upstream-42");

            // Too long, or not visible ASCII: replaced.
            assertThat(s.get("/", "X-Request-Id", "x".repeat(129)).headers().firstValue("x-request-id")).get().asString().matches("[0-9a-f]{16}");
            assertThat(s.get("/", "X-Request-Id", "has space").headers().firstValue("x-request-id")).get().asString().matches("[0-9a-f]{16}");
        }
    }

    @Test
    void incomingIdsCanBeDistrusted() throws Exception {
        try (TestServer s = TestServer.start(app -> app
                .use(RequestId.create(RequestId.Config.builder().trustIncoming(false).header("X-Trace").build()))
                .get("/", (req, res) -> res.text("ok")))) {
            HttpResponse<String> r = s.get("/", "X-Trace", "chosen-by-client");
            assertThat(r.headers().firstValue("x-trace")).get().asString().matches("[0-9a-f]{16}");
        }
    }

    @Test
    void sanity() {
        assertThat(RequestId.sane("abc-123_XYZ.~", 128)).isTrue();
        assertThat(RequestId.sane("", 128)).isFalse();
        assertThat(RequestId.sane("é", 128)).isFalse();
        assertThat(RequestId.sane("a\tb", 128)).isFalse();
        assertThat(RequestId.sane("abcd", 3)).isFalse();
    }
}
