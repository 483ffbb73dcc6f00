package dev.gannet.http.middleware;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecurityHeadersTest {

    @Test
    void defaultsOnEveryResponseIncluding404AndJson() throws Exception {
        try (TestServer s = TestServer.start(app -> app
                .use(SecurityHeaders.create())
                .get("/", (req, res) -> res.text("hi"))
                .get("/json", (req, res) -> res.json(java.util.Map.of("a", 1)))
                .get("/nothing", (req, res) -> res.status(202)))) {
            for (String path : new String[] {"/", "/json", "/nothing", "/missing"}) {
                HttpResponse<String> r = s.get(path);
                assertThat(r.headers().allValues("x-content-type-options")).as(path).containsExactly("nosniff");
                assertThat(r.headers().allValues("x-frame-options")).as(path).containsExactly("DENY");
                assertThat(r.headers().allValues("referrer-policy")).as(path).containsExactly("no-referrer");
                assertThat(r.headers().allValues("cross-origin-opener-policy")).as(path).containsExactly("same-origin");
                assertThat(r.headers().firstValue("content-security-policy")).as(path).isEmpty();
                assertThat(r.headers().firstValue("strict-transport-security")).as(path).isEmpty();
            }
            assertThat(s.get("/missing").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void headersTheHandlerSetAreKept() throws Exception {
        try (TestServer s = TestServer.start(app -> app
                .use(SecurityHeaders.create())
                .get("/embeddable", (req, res) -> res.header("X-Frame-Options", "SAMEORIGIN").text("frame me")))) {
            HttpResponse<String> r = s.get("/embeddable");
            assertThat(r.headers().allValues("x-frame-options")).containsExactly("SAMEORIGIN");
            assertThat(r.headers().allValues("x-content-type-options")).containsExactly("nosniff");
        }
    }

    @Test
    void optionalHeadersWhenConfiguredAndDefaultsCanBeTurnedOff() throws Exception {
        try (TestServer s = TestServer.start(app -> app
                .use(SecurityHeaders.create(SecurityHeaders.Config.builder()
                        .contentSecurityPolicy(SecurityHeaders.Config.CSP_SELF)
                        .strictTransportSecurity(SecurityHeaders.Config.HSTS_ONE_YEAR)
                        .crossOriginOpenerPolicy(null)
                        .build()))
                .get("/", (req, res) -> res.text("hi")))) {
            HttpResponse<String> r = s.get("/");
            assertThat(r.headers().firstValue("content-security-policy")).hasValue(SecurityHeaders.Config.CSP_SELF);
            assertThat(r.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000; includeSubDomains");
            assertThat(r.headers().firstValue("cross-origin-opener-policy")).isEmpty();
            assertThat(r.headers().firstValue("x-frame-options")).hasValue("DENY");
        }
    }
}
