package dev.gannet.http.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which paths name a directory route without its trailing slash (answered with a redirect, not a 404). */
class RouterDirectoryTest {

    private static boolean directory(Router<String> r, String method, String path) {
        byte[] b = path.getBytes(StandardCharsets.US_ASCII);
        return r.isDirectoryWithoutSlash(r.methodIndex(method), b, 0, b.length);
    }

    @Test
    void theRootOfAWildcardOrSlashedRouteIsADirectory() {
        Router<String> r = Router.<String>builder().get("/static/*", "files").get("/files/{id}/*", "by id")
                .get("/docs/", "docs").get("/plain", "plain").post("/upload/*", "upload").build();
        assertThat(directory(r, "GET", "/static")).isTrue();
        assertThat(directory(r, "HEAD", "/static")).as("HEAD uses the GET route").isTrue();
        assertThat(directory(r, "GET", "/files/7")).isTrue();
        assertThat(directory(r, "GET", "/docs")).isTrue();
        assertThat(directory(r, "POST", "/upload")).isTrue();
        // Not for a method the directory does not take, a path with its slash, a file inside, or a plain route.
        assertThat(directory(r, "GET", "/upload")).isFalse();
        assertThat(directory(r, "GET", "/static/")).isFalse();
        assertThat(directory(r, "GET", "/static/a")).isFalse();
        assertThat(directory(r, "GET", "/plain")).isFalse();
        assertThat(directory(r, "GET", "/stat")).isFalse();
        assertThat(directory(r, "GET", "")).isFalse();
    }

    @Test
    void neverForAPathThatWouldRedirectToAnotherHost() {
        // "//evil.example/" as a Location is scheme-relative: another host, though this route would take it.
        Router<String> r = Router.<String>builder().get("//{host}/", "double").build();
        assertThat(directory(r, "GET", "//evil.example")).isFalse();
    }
}
