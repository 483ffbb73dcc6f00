package dev.gannet.http.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gannet.http.router.RouteMatch.Outcome;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class RouterTest {

    /** Matches and returns a fresh match object, so assertions read the outcome of exactly this call. */
    private static <H> RouteMatch<H> match(Router<H> router, String method, String path) {
        RouteMatch<H> m = router.newMatch();
        boolean found = router.match(method, path, m);
        assertThat(found).isEqualTo(m.outcome() == Outcome.FOUND);
        return m;
    }

    private static Router<String> router(Consumer<Router.Builder<String>> routes) {
        Router.Builder<String> b = Router.builder();
        routes.accept(b);
        return b.build();
    }

    @Test
    void staticRoutes() {
        Router<String> r = router(b -> b.get("/", "root").get("/users", "users").get("/users/new", "new")
                .get("/u", "u").get("/user", "user").get("/a/b/c", "abc"));
        assertThat(match(r, "GET", "/").handler()).isEqualTo("root");
        assertThat(match(r, "GET", "/users").handler()).isEqualTo("users");
        assertThat(match(r, "GET", "/users/new").handler()).isEqualTo("new");
        assertThat(match(r, "GET", "/u").handler()).isEqualTo("u");
        assertThat(match(r, "GET", "/user").handler()).isEqualTo("user");
        assertThat(match(r, "GET", "/a/b/c").handler()).isEqualTo("abc");
        assertThat(match(r, "GET", "/a/b/c").pattern()).isEqualTo("/a/b/c");
        assertThat(match(r, "GET", "/a/b/c").paramCount()).isZero();
        for (String miss : new String[] {"", "x", "/use", "/usersx", "/users/ne", "/a/b", "/a/b/c/", "/a/b/cd", "//"}) {
            assertThat(match(r, "GET", miss).outcome()).as(miss).isEqualTo(Outcome.NOT_FOUND);
        }
    }

    @Test
    void trailingSlashIsSignificant() {
        Router<String> r = router(b -> b.get("/a", "a").get("/b/", "b/"));
        assertThat(match(r, "GET", "/a/").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "/b").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "/b/").handler()).isEqualTo("b/");
    }

    @Test
    void parameters() {
        Router<String> r = router(b -> b.get("/users/{id}", "user").get("/users/{id}/posts/{post}", "post")
                .get("/{a}/{b}/{c}/{d}", "four"));
        RouteMatch<String> m = match(r, "GET", "/users/42");
        assertThat(m.handler()).isEqualTo("user");
        assertThat(m.pattern()).isEqualTo("/users/{id}");
        assertThat(m.param("id")).isEqualTo("42");
        assertThat(m.param("nope")).isNull();
        assertThat(m.paramCount()).isEqualTo(1);
        assertThat(m.paramName(0)).isEqualTo("id");
        assertThat(m.paramOffset(0)).isEqualTo(7);
        assertThat(m.paramLength(0)).isEqualTo(2);

        m = match(r, "GET", "/users/alice/posts/hello-world");
        assertThat(m.handler()).isEqualTo("post");
        assertThat(m.param("id")).isEqualTo("alice");
        assertThat(m.param("post")).isEqualTo("hello-world");

        m = match(r, "GET", "/w/x/y/z");
        assertThat(m.handler()).isEqualTo("four");
        assertThat(m.param("a") + m.param("b") + m.param("c") + m.param("d")).isEqualTo("wxyz");

        assertThat(match(r, "GET", "/users/").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "/users/42/").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "/users/42/posts").outcome()).isEqualTo(Outcome.NOT_FOUND);
    }

    @Test
    void emptySegmentsNeverMatchParameters() {
        Router<String> r = router(b -> b.get("/a/{x}/b", "axb").get("/{x}", "x"));
        assertThat(match(r, "GET", "/a//b").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "//").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "/").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "/a/%20/b").param("x")).isEqualTo(" ");
    }

    @Test
    void wildcard() {
        Router<String> r = router(b -> b.get("/files/*", "files").get("/*", "any").get("/files/static/x", "x"));
        RouteMatch<String> m = match(r, "GET", "/files/a/b/c.txt");
        assertThat(m.handler()).isEqualTo("files");
        assertThat(m.pattern()).isEqualTo("/files/*");
        assertThat(m.param("*")).isEqualTo("a/b/c.txt");
        assertThat(m.paramName(0)).isEqualTo("*");

        m = match(r, "GET", "/files/");
        assertThat(m.handler()).isEqualTo("files");
        assertThat(m.param("*")).isEmpty();

        // "/files" is not under "/files/", so the root wildcard takes it.
        m = match(r, "GET", "/files");
        assertThat(m.handler()).isEqualTo("any");
        assertThat(m.param("*")).isEqualTo("files");

        assertThat(match(r, "GET", "/").param("*")).isEmpty();
        assertThat(match(r, "GET", "/files/static/x").handler()).isEqualTo("x");
        assertThat(match(r, "GET", "/files/static/y").param("*")).isEqualTo("static/y");
        assertThat(match(r, "GET", "/files//x").param("*")).isEqualTo("/x");
    }

    @Test
    void wildcardAfterParameters() {
        Router<String> r = router(b -> b.get("/repos/{owner}/{repo}/contents/*", "contents"));
        RouteMatch<String> m = match(r, "GET", "/repos/o/r/contents/src/Main.java");
        assertThat(m.paramCount()).isEqualTo(3);
        assertThat(m.param("owner")).isEqualTo("o");
        assertThat(m.param("repo")).isEqualTo("r");
        assertThat(m.param("*")).isEqualTo("src/Main.java");
        assertThat(m.route().paramNames()).containsExactly("owner", "repo", "*");
    }

    @Test
    void staticBeatsParameterBeatsWildcard() {
        Router<String> r = router(b -> b.get("/users/{id}", "param").get("/users/me", "static")
                .get("/users/*", "wildcard"));
        assertThat(match(r, "GET", "/users/me").handler()).isEqualTo("static");
        assertThat(match(r, "GET", "/users/mee").handler()).isEqualTo("param");
        assertThat(match(r, "GET", "/users/m").handler()).isEqualTo("param");
        assertThat(match(r, "GET", "/users/me/x").handler()).isEqualTo("wildcard");
        assertThat(match(r, "GET", "/users/").handler()).isEqualTo("wildcard");
    }

    @Test
    void backtracksWhenTheStaticBranchFailsDeeper() {
        Router<String> r = router(b -> b.get("/users/me", "me").get("/users/me/settings", "settings")
                .get("/users/{id}/posts", "posts").get("/users/{id}/posts/{post}", "post")
                .get("/users/*", "rest"));
        RouteMatch<String> m = match(r, "GET", "/users/me/posts");
        assertThat(m.handler()).isEqualTo("posts");
        assertThat(m.param("id")).isEqualTo("me");
        m = match(r, "GET", "/users/me/posts/7");
        assertThat(m.handler()).isEqualTo("post");
        assertThat(m.param("id")).isEqualTo("me");
        assertThat(m.param("post")).isEqualTo("7");
        assertThat(match(r, "GET", "/users/me/settings").handler()).isEqualTo("settings");
        // Neither the static nor the parameter branch goes on to "/other": the wildcard takes it, whole.
        m = match(r, "GET", "/users/me/other");
        assertThat(m.handler()).isEqualTo("rest");
        assertThat(m.param("*")).isEqualTo("me/other");
        assertThat(m.paramCount()).isEqualTo(1);
    }

    @Test
    void backtracksAcrossAPartialStaticPrefix() {
        // "/ab" and "/abc/d" share the compressed label "/ab"; "/abx" must still reach the parameter.
        Router<String> r = router(b -> b.get("/ab", "ab").get("/abc/d", "abcd").get("/{x}", "x").get("/{x}/d", "xd"));
        assertThat(match(r, "GET", "/abx").param("x")).isEqualTo("abx");
        assertThat(match(r, "GET", "/abc").param("x")).isEqualTo("abc");
        assertThat(match(r, "GET", "/abc/d").handler()).isEqualTo("abcd");
        assertThat(match(r, "GET", "/ab/d").handler()).isEqualTo("xd");
        assertThat(match(r, "GET", "/ab").handler()).isEqualTo("ab");
    }

    @Test
    void parameterNamesMayDifferBetweenRoutesThroughTheSameNode() {
        Router<String> r = router(b -> b.get("/u/{id}/posts", "posts").get("/u/{user}/likes", "likes")
                .post("/u/{uid}", "create").get("/u/{id}", "show"));
        assertThat(match(r, "GET", "/u/1/posts").param("id")).isEqualTo("1");
        assertThat(match(r, "GET", "/u/1/likes").param("user")).isEqualTo("1");
        assertThat(match(r, "POST", "/u/1").param("uid")).isEqualTo("1");
        assertThat(match(r, "GET", "/u/1").param("id")).isEqualTo("1");
        assertThat(match(r, "GET", "/u/1").param("uid")).isNull();
    }

    @Test
    void notFoundVersusMethodNotAllowed() {
        Router<String> r = router(b -> b.get("/items", "list").post("/items", "create").put("/items/{id}", "put")
                .delete("/items/{id}", "del").add("PROPFIND", "/items/{id}", "find"));
        RouteMatch<String> m = match(r, "DELETE", "/items");
        assertThat(m.outcome()).isEqualTo(Outcome.METHOD_NOT_ALLOWED);
        assertThat(m.allow()).isEqualTo("GET, HEAD, POST");
        assertThat(m.handler()).isNull();
        assertThat(m.pattern()).isNull();
        assertThat(m.paramCount()).isZero();

        m = match(r, "GET", "/items/3");
        assertThat(m.outcome()).isEqualTo(Outcome.METHOD_NOT_ALLOWED);
        assertThat(m.allow()).isEqualTo("PUT, DELETE, PROPFIND");

        m = match(r, "BREW", "/items");
        assertThat(m.outcome()).isEqualTo(Outcome.METHOD_NOT_ALLOWED);
        assertThat(m.allow()).isEqualTo("GET, HEAD, POST");

        assertThat(match(r, "GET", "/nope").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "/nope").allow()).isNull();
        assertThat(match(r, "PROPFIND", "/items/3").handler()).isEqualTo("find");
    }

    @Test
    void methodTakesPartInTheSearch() {
        Router<String> r = router(b -> b.get("/users/me", "me").delete("/users/{id}", "delete")
                .put("/files/*", "upload").get("/files/{name}", "show"));
        RouteMatch<String> m = match(r, "DELETE", "/users/me");
        assertThat(m.handler()).isEqualTo("delete");
        assertThat(m.param("id")).isEqualTo("me");
        assertThat(match(r, "PUT", "/files/a").handler()).isEqualTo("upload");

        // Both patterns match the path, so Allow is the union of their methods.
        m = match(r, "POST", "/users/me");
        assertThat(m.outcome()).isEqualTo(Outcome.METHOD_NOT_ALLOWED);
        assertThat(m.allow()).isEqualTo("GET, HEAD, DELETE");
        // A union is formatted once and then reused.
        assertThat(match(r, "PATCH", "/users/me").allow()).isSameAs(m.allow());
        m = match(r, "POST", "/users/you");
        assertThat(m.allow()).isEqualTo("DELETE");
        assertThat(match(r, "POST", "/files/a").allow()).isEqualTo("GET, HEAD, PUT");
        assertThat(match(r, "POST", "/files/a/b").allow()).isEqualTo("PUT");
    }

    @Test
    void headFallsBackToGet() {
        Router<String> r = router(b -> b.get("/page", "get-page").get("/doc", "get-doc").head("/doc", "head-doc")
                .post("/form", "post-form"));
        RouteMatch<String> m = match(r, "HEAD", "/page");
        assertThat(m.handler()).isEqualTo("get-page");
        assertThat(m.route().method()).isEqualTo("GET");
        assertThat(match(r, "HEAD", "/doc").handler()).isEqualTo("head-doc");
        assertThat(match(r, "GET", "/doc").handler()).isEqualTo("get-doc");
        m = match(r, "HEAD", "/form");
        assertThat(m.outcome()).isEqualTo(Outcome.METHOD_NOT_ALLOWED);
        assertThat(m.allow()).isEqualTo("POST");
        assertThat(match(r, "DELETE", "/page").allow()).isEqualTo("GET, HEAD");
    }

    @Test
    void optionsIsListedOnlyWhenRouted() {
        Router<String> r = router(b -> b.get("/a", "a").options("/a", "opt").post("/b", "b"));
        assertThat(match(r, "PUT", "/a").allow()).isEqualTo("GET, HEAD, OPTIONS");
        assertThat(match(r, "OPTIONS", "/a").handler()).isEqualTo("opt");
        assertThat(match(r, "OPTIONS", "/b").allow()).isEqualTo("POST");
    }

    @Test
    void groupsAndNestedGroups() {
        Router<String> r = router(b -> b
                .get("/health", "health")
                .group("/api", api -> api
                        .get("", "api-root")
                        .get("/status", "status")
                        .group("/v1", v1 -> v1
                                .get("/users", "v1-users")
                                .group("/users/{id}", user -> user
                                        .get("", "v1-user")
                                        .get("/posts/{post}", "v1-post")
                                        .delete("/posts/{post}", "v1-delete-post")))
                        .group("/v2", v2 -> v2.get("/users", "v2-users"))));
        assertThat(match(r, "GET", "/health").handler()).isEqualTo("health");
        assertThat(match(r, "GET", "/api").handler()).isEqualTo("api-root");
        assertThat(match(r, "GET", "/api/").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "/api/status").handler()).isEqualTo("status");
        assertThat(match(r, "GET", "/api/v1/users").handler()).isEqualTo("v1-users");
        RouteMatch<String> m = match(r, "GET", "/api/v1/users/9");
        assertThat(m.handler()).isEqualTo("v1-user");
        assertThat(m.pattern()).isEqualTo("/api/v1/users/{id}");
        m = match(r, "DELETE", "/api/v1/users/9/posts/3");
        assertThat(m.handler()).isEqualTo("v1-delete-post");
        assertThat(m.pattern()).isEqualTo("/api/v1/users/{id}/posts/{post}");
        assertThat(m.param("id")).isEqualTo("9");
        assertThat(m.param("post")).isEqualTo("3");
        assertThat(match(r, "GET", "/api/v2/users").handler()).isEqualTo("v2-users");
        assertThat(r.routes()).extracting(Route::toString).contains("GET /api/v1/users/{id}/posts/{post}");
    }

    @Test
    void invalidGroupPrefixes() {
        Router.Builder<String> b = Router.builder();
        assertThatThrownBy(() -> b.group("api", g -> { })).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> b.group("/api/", g -> { })).hasMessageContaining("must not end with '/'");
        assertThatThrownBy(() -> b.group("/", g -> { })).hasMessageContaining("must not end with '/'");
        assertThatThrownBy(() -> b.group("/files/*", g -> { })).hasMessageContaining("wildcard");
        assertThatThrownBy(() -> b.group("/u/{id}", g -> g.get("/x/{id}", "h")))
                .hasMessageContaining("/u/{id}/x/{id}").hasMessageContaining("{id} appears twice");
        assertThatThrownBy(() -> b.group("/api", g -> g.get("x", "h"))).hasMessageContaining("must start with '/'");
    }

    @Test
    void conflictingRoutesAreRejected() {
        assertThatThrownBy(() -> Router.<String>builder().get("/a/{x}", "1").get("/a/{y}", "2").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route GET /a/{y} conflicts with GET /a/{x}: same method, and the patterns differ only"
                        + " in parameter names");
        assertThatThrownBy(() -> Router.<String>builder().post("/a/b", "1").post("/a/b", "2"))
                .hasMessage("duplicate route POST /a/b");
        assertThatThrownBy(() -> Router.<String>builder().get("/f/*", "1").group("/f", g -> g.get("/*", "2")))
                .hasMessageContaining("duplicate route GET /f/*");
        assertThatThrownBy(() -> Router.<String>builder().get("/{a}/x/{b}", "1").get("/{c}/x/{d}", "2"))
                .hasMessageContaining("conflicts with GET /{a}/x/{b}");
    }

    @Test
    void nonConflictingNeighboursAreAccepted() {
        Router<String> r = Router.<String>builder().get("/a/{x}", "get").post("/a/{y}", "post").get("/a/b", "static")
                .get("/a/*", "wild").get("/a/{x}/", "slash").head("/a/{x}", "head").build();
        assertThat(r.routes()).hasSize(6);
        assertThat(match(r, "GET", "/a/{x}").param("x")).isEqualTo("{x}");
        assertThat(match(r, "GET", "/a/c/").handler()).isEqualTo("slash");
        assertThat(match(r, "HEAD", "/a/c").handler()).isEqualTo("head");
    }

    @Test
    void malformedPatternsAreRejected() {
        Router.Builder<String> b = Router.builder();
        assertThatThrownBy(() -> b.get("", "h")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> b.get("users", "h")).hasMessageContaining("must start with '/'");
        assertThatThrownBy(() -> b.get("/a/*/b", "h")).hasMessageContaining("only allowed as the last segment");
        assertThatThrownBy(() -> b.get("/a/*.txt", "h")).hasMessageContaining("'*' is only allowed");
        assertThatThrownBy(() -> b.get("/a/{x}/{x}", "h")).hasMessageContaining("{x} appears twice");
        assertThatThrownBy(() -> b.get("/a/{x}.json", "h")).hasMessageContaining("whole segment");
        assertThatThrownBy(() -> b.get("/a/x{y}", "h")).hasMessageContaining("whole segment");
        assertThatThrownBy(() -> b.get("/a/{}", "h")).hasMessageContaining("empty parameter name");
        assertThatThrownBy(() -> b.get("/a/{x y}", "h")).hasMessageContaining("may only use");
        assertThatThrownBy(() -> b.get("/a/{*}", "h")).hasMessageContaining("may only use");
        assertThatThrownBy(() -> b.get("/a b", "h")).hasMessageContaining("percent-encoded");
        assertThatThrownBy(() -> b.get("/café", "h")).hasMessageContaining("U+00E9");
        assertThatThrownBy(() -> b.get("/a?b", "h")).hasMessageContaining("cannot appear");
        assertThatThrownBy(() -> b.get("/a%2", "h")).hasMessageContaining("malformed percent-escape");
        assertThatThrownBy(() -> b.get("/a%zz", "h")).hasMessageContaining("malformed percent-escape");
        assertThatThrownBy(() -> b.add("get", "/a", "h")).hasMessageContaining("case-sensitive");
        assertThatThrownBy(() -> b.add("BAD METHOD", "/a", "h")).hasMessageContaining("invalid method name");
        assertThatThrownBy(() -> b.get("/a", null)).isInstanceOf(NullPointerException.class);
        // Nothing above was added.
        assertThat(b.build().routes()).isEmpty();
    }

    @Test
    void staticSegmentsAreComparedRaw() {
        Router<String> r = router(b -> b.get("/a%20b", "encoded").get("/a/b", "ab"));
        assertThat(match(r, "GET", "/a%20b").handler()).isEqualTo("encoded");
        assertThat(match(r, "GET", "/a b").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "/a%2Fb").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(match(r, "GET", "/a%2fb").outcome()).isEqualTo(Outcome.NOT_FOUND);
    }

    @Test
    void matchesASliceOfALargerBuffer() {
        Router<String> r = router(b -> b.get("/users/{id}", "user"));
        byte[] request = "GET /users/17?x=1 HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        RouteMatch<String> m = r.newMatch();
        assertThat(r.match(Methods.GET, request, 4, 9, m)).isTrue();
        assertThat(m.path()).isSameAs(request);
        assertThat(m.paramOffset(0)).isEqualTo(11);
        assertThat(m.param("id")).isEqualTo("17");
        assertThat(r.match(Methods.GET, request, 4, 8, m)).isTrue();
        assertThat(m.param("id")).isEqualTo("1");
        assertThat(r.match("GET", request, 4, 9, m)).isTrue();
        assertThat(m.param("id")).isEqualTo("17");
        assertThat(r.match("POST", request, 4, 9, m)).isFalse();
        assertThat(m.allow()).isEqualTo("GET, HEAD");
        assertThatThrownBy(() -> r.match(Methods.GET, request, 20, 20, m))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void builderKeepsWorkingAfterBuild() {
        Router.Builder<String> b = Router.<String>builder().get("/a", "a");
        Router<String> first = b.build();
        b.get("/b", "b").add("PURGE", "/a", "purge");
        Router<String> second = b.build();
        assertThat(match(first, "GET", "/b").outcome()).isEqualTo(Outcome.NOT_FOUND);
        assertThat(first.methodIndex("PURGE")).isEqualTo(-1);
        assertThat(match(second, "GET", "/b").handler()).isEqualTo("b");
        assertThat(match(second, "PURGE", "/a").handler()).isEqualTo("purge");
    }

    @Test
    void methodIndexes() {
        Router<String> r = Router.<String>builder().add("PROPFIND", "/x", "p").add("MKCOL", "/x", "m").build();
        assertThat(r.methodIndex("GET")).isEqualTo(Methods.GET);
        assertThat(r.methodIndex("TRACE")).isEqualTo(Methods.TRACE);
        assertThat(r.methodIndex("PROPFIND")).isEqualTo(Methods.STANDARD_COUNT);
        assertThat(r.methodIndex("MKCOL")).isEqualTo(Methods.STANDARD_COUNT + 1);
        assertThat(r.methodIndex("get")).isEqualTo(-1);
        assertThat(r.methodCount()).isEqualTo(Methods.STANDARD_COUNT + 2);
        assertThat(r.methodName(Methods.STANDARD_COUNT + 1)).isEqualTo("MKCOL");
        for (int i = 0; i < r.methodCount(); i++) {
            byte[] name = (" " + r.methodName(i) + " ").getBytes(StandardCharsets.US_ASCII);
            assertThat(r.methodIndex(name, 1, name.length - 2)).isEqualTo(i);
            assertThat(Methods.standardIndex(name, 1, name.length - 2))
                    .isEqualTo(i < Methods.STANDARD_COUNT ? i : -1);
        }
        byte[] junk = "GEX POSX HEAX PATCX TRACX DELETX OPTIONX CONNECX".getBytes(StandardCharsets.US_ASCII);
        int start = 0;
        for (int i = 0; i <= junk.length; i++) {
            if (i == junk.length || junk[i] == ' ') {
                assertThat(r.methodIndex(junk, start, i - start)).isEqualTo(-1);
                start = i + 1;
            }
        }
        assertThat(match(r, "MKCOL", "/x").handler()).isEqualTo("m");
        assertThat(match(r, "GET", "/x").allow()).isEqualTo("PROPFIND, MKCOL");
    }
}
