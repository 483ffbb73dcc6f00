package dev.gannet.http.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gannet.http.router.RouteMatch.Outcome;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RouteMatchTest {

    private final Router<String> router = Router.<String>builder()
            .get("/users/{name}", "user")
            .get("/users/{name}/files/*", "file")
            .get("/tags/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}/{j}", "ten")
            .build();

    @Test
    void parametersArePercentDecodedAsUtf8() {
        RouteMatch<String> m = router.newMatch();
        assertThat(router.match("GET", "/users/J%C3%BCrgen%20M", m)).isTrue();
        assertThat(m.param("name")).isEqualTo("Jürgen M");
        assertThat(m.rawParam("name")).isEqualTo("J%C3%BCrgen%20M");
        assertThat(m.paramLength(0)).isEqualTo("J%C3%BCrgen%20M".length());

        router.match("GET", "/users/%e2%82%ac%F0%9F%98%80", m);
        assertThat(m.param("name")).isEqualTo("€\uD83D\uDE00");
        router.match("GET", "/users/a+b", m);
        assertThat(m.param("name")).isEqualTo("a+b");
        router.match("GET", "/users/a%2Fb", m);
        assertThat(m.param("name")).isEqualTo("a/b");
    }

    @Test
    void malformedEscapesAreKeptAndBadUtf8IsReplaced() {
        RouteMatch<String> m = router.newMatch();
        for (String[] c : new String[][] {{"100%", "100%"}, {"%", "%"}, {"%4", "%4"}, {"%zz1", "%zz1"},
                {"a%4g", "a%4g"}, {"%41%", "A%"}, {"%%41", "%A"}, {"%C3", "\uFFFD"}, {"x%FFy", "x\uFFFDy"}}) {
            assertThat(router.match("GET", "/users/" + c[0], m)).as(c[0]).isTrue();
            assertThat(m.param("name")).as(c[0]).isEqualTo(c[1]);
        }
    }

    @Test
    void rawNonAsciiBytesDecodeAsUtf8() {
        byte[] path = "/users/Zoë".getBytes(StandardCharsets.UTF_8);
        RouteMatch<String> m = router.newMatch();
        assertThat(router.match(Methods.GET, path, 0, path.length, m)).isTrue();
        assertThat(m.param("name")).isEqualTo("Zoë");
    }

    @Test
    void wildcardIsDecodedToo() {
        RouteMatch<String> m = router.newMatch();
        assertThat(router.match("GET", "/users/bo/files/My%20Docs/..%2F..%2Fetc", m)).isTrue();
        assertThat(m.param("*")).isEqualTo("My Docs/../../etc");
        assertThat(m.rawParam("*")).isEqualTo("My%20Docs/..%2F..%2Fetc");
    }

    @Test
    void decodedStringIsMadeOncePerMatch() {
        RouteMatch<String> m = router.newMatch();
        router.match("GET", "/users/x%20y", m);
        String first = m.param("name");
        assertThat(m.param("name")).isSameAs(first);
        assertThat(m.param(0)).isSameAs(first);
        router.match("GET", "/users/other", m);
        assertThat(m.param("name")).isEqualTo("other");
    }

    @Test
    void reuseClearsThePreviousOutcome() {
        RouteMatch<String> m = new RouteMatch<>();
        router.match("GET", "/users/bo/files/x", m);
        assertThat(m.paramCount()).isEqualTo(2);
        router.match("POST", "/users/bo", m);
        assertThat(m.outcome()).isEqualTo(Outcome.METHOD_NOT_ALLOWED);
        assertThat(m.paramCount()).isZero();
        assertThat(m.param("name")).isNull();
        assertThat(m.handler()).isNull();
        assertThat(m.route()).isNull();
        assertThat(m.allow()).isEqualTo("GET, HEAD");
        router.match("GET", "/nowhere", m);
        assertThat(m.outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(m.allow()).isNull();
        assertThat(m.toString()).isEqualTo("NOT_FOUND");
        router.match("GET", "/users/bo", m);
        assertThat(m.toString()).isEqualTo("FOUND GET /users/{name}");
        assertThatThrownBy(() -> m.paramOffset(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.param(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void smallMatchObjectGrowsToTheRoutersNeeds() {
        assertThat(router.maxParams()).isEqualTo(10);
        RouteMatch<String> m = new RouteMatch<>(1);
        assertThat(router.match("GET", "/tags/1/2/3/4/5/6/7/8/9/10", m)).isTrue();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < m.paramCount(); i++) all.append(m.paramName(i)).append('=').append(m.param(i)).append(' ');
        assertThat(all.toString().trim()).isEqualTo("a=1 b=2 c=3 d=4 e=5 f=6 g=7 h=8 i=9 j=10");
    }
}
