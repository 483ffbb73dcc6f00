package dev.gannet.http.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gannet.http.router.RouteMatch.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;

/**
 * A route table shaped like the GitHub REST API (static siblings of parameters, deep nesting, a wildcard), checked
 * route by route and then against a brute-force reference matcher on random paths.
 */
class ManyRoutesTest {

    private static final String[] STANDARD = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT",
            "TRACE"};

    /** (method, pattern) pairs; the handler of each is its own "METHOD pattern" string. */
    static List<String[]> githubLikeRoutes() {
        Set<String> seen = new LinkedHashSet<>();
        List<String[]> out = new ArrayList<>();
        java.util.function.BiConsumer<String, String> add = (method, pattern) -> {
            if (seen.add(method + " " + pattern)) out.add(new String[] {method, pattern});
        };
        for (String p : new String[] {"/", "/user", "/user/repos", "/user/emails", "/user/keys", "/user/followers",
                "/user/following", "/user/orgs", "/user/starred", "/user/subscriptions", "/emojis", "/meta",
                "/rate_limit", "/feeds", "/events", "/gists", "/gists/public", "/gists/starred", "/notifications",
                "/search/code", "/search/commits", "/search/issues", "/search/labels", "/search/repositories",
                "/search/topics", "/search/users", "/licenses", "/octocat", "/zen", "/versions", "/app",
                "/app/installations", "/marketplace_listing/plans", "/organizations", "/repositories"}) {
            add.accept("GET", p);
        }
        add.accept("PATCH", "/user");
        add.accept("POST", "/user/repos");
        add.accept("POST", "/gists");
        add.accept("PUT", "/notifications");
        for (String p : new String[] {"/gists/{gist_id}", "/gists/{gist_id}/{sha}", "/gists/{gist_id}/star",
                "/gists/{gist_id}/forks", "/gists/{gist_id}/commits", "/gists/{gist_id}/comments",
                "/gists/{gist_id}/comments/{comment_id}", "/licenses/{license}", "/user/starred/{owner}/{repo}",
                "/user/following/{username}", "/user/keys/{key_id}", "/app/installations/{installation_id}",
                "/users/{username}", "/orgs/{org}", "/repos/{owner}/{repo}", "/repos/{owner}/{repo}/contents/*",
                "/repos/{owner}/{repo}/readme", "/repos/{owner}/{repo}/readme/{dir}", "/repos/{owner}/{repo}/tarball/*",
                "/repos/{owner}/{repo}/zipball/*", "/repos/{owner}/{repo}/compare/{basehead}",
                "/repos/{owner}/{repo}/git/refs/*", "/repos/{owner}/{repo}/git/trees/{tree_sha}",
                "/repos/{owner}/{repo}/git/blobs/{file_sha}", "/repos/{owner}/{repo}/git/tags/{tag_sha}",
                "/repos/{owner}/{repo}/languages", "/repos/{owner}/{repo}/topics", "/repos/{owner}/{repo}/tags",
                "/repos/{owner}/{repo}/stargazers", "/repos/{owner}/{repo}/subscribers"}) {
            add.accept("GET", p);
        }
        for (String p : new String[] {"/gists/{gist_id}/star", "/user/starred/{owner}/{repo}",
                "/user/following/{username}", "/repos/{owner}/{repo}/contents/*", "/repos/{owner}/{repo}/topics"}) {
            add.accept("PUT", p);
            add.accept("DELETE", p);
        }
        add.accept("PATCH", "/repos/{owner}/{repo}");
        add.accept("DELETE", "/repos/{owner}/{repo}");
        add.accept("PATCH", "/gists/{gist_id}");
        add.accept("DELETE", "/gists/{gist_id}");

        String[][] scopes = {{"/repos/{owner}/{repo}", "issues", "pulls", "commits", "branches", "releases", "hooks",
                "deployments", "milestones", "labels", "projects", "check-runs", "check-suites", "environments",
                "invitations", "actions/runs", "actions/workflows", "actions/secrets", "pages/builds"},
                {"/orgs/{org}", "teams", "members", "hooks", "projects", "invitations", "packages", "actions/secrets",
                        "migrations"},
                {"/users/{username}", "repos", "gists", "keys", "events", "packages", "projects"}};
        for (String[] scope : scopes) {
            String base = scope[0];
            for (int i = 1; i < scope.length; i++) {
                String col = base + "/" + scope[i];
                String item = col + "/{item_id}";
                add.accept("GET", col);
                add.accept("POST", col);
                add.accept("GET", item);
                add.accept("PATCH", item);
                add.accept("DELETE", item);
                add.accept("GET", col + "/comments");
                add.accept("GET", col + "/events");
                add.accept("GET", item + "/comments");
                add.accept("POST", item + "/comments");
                add.accept("GET", col + "/comments/{comment_id}");
                add.accept("PATCH", col + "/comments/{comment_id}");
                add.accept("GET", item + "/reactions");
                add.accept("POST", item + "/reactions");
                add.accept("DELETE", item + "/reactions/{reaction_id}");
                if (i % 3 == 0) add.accept("PURGE", item);
            }
        }
        return out;
    }

    private static Router<String> build(List<String[]> routes) {
        Router.Builder<String> b = Router.builder();
        for (String[] r : routes) b.add(r[0], r[1], r[0] + " " + r[1]);
        return b.build();
    }

    /** A concrete path for a pattern: parameter k becomes "v{k}", the wildcard "x/y.txt". */
    private static String concrete(String pattern) {
        StringBuilder sb = new StringBuilder();
        int k = 0;
        for (String seg : pattern.substring(1).split("/", -1)) {
            sb.append('/');
            if (seg.startsWith("{")) sb.append("v").append(k++);
            else if (seg.equals("*")) sb.append("x/y.txt");
            else sb.append(seg);
        }
        return sb.toString();
    }

    @Test
    void everyRouteMatchesItself() {
        List<String[]> routes = githubLikeRoutes();
        assertThat(routes).hasSizeGreaterThanOrEqualTo(500);
        Router<String> router = build(routes);
        RouteMatch<String> m = router.newMatch();
        for (String[] r : routes) {
            String path = concrete(r[1]);
            assertThat(router.match(r[0], path, m)).as("%s %s", r[0], path).isTrue();
            assertThat(m.handler()).isEqualTo(r[0] + " " + r[1]);
            assertThat(m.pattern()).isSameAs(m.route().pattern()).isEqualTo(r[1]);
            for (int i = 0; i < m.paramCount(); i++) {
                String expected = m.paramName(i).equals("*") ? "x/y.txt" : "v" + i;
                assertThat(m.param(i)).isEqualTo(expected);
            }
        }
    }

    // ----- reference matcher -----

    private record Expected(Outcome outcome, String handler, List<String> params, String allow) {
    }

    /** Tries every route; among those matching path and method picks the smallest kind sequence (0 static,
     * 1 parameter, 2 wildcard), which is what "static beats parameter beats wildcard, from the left" means. */
    private static Expected reference(List<String[]> routes, Set<String> headPatterns, String[] methodNames,
            String method, String path) {
        String[] segs = path.startsWith("/") ? path.substring(1).split("/", -1) : null;
        int[] bestKinds = null;
        String[] best = null;
        List<String> bestParams = null;
        Set<String> pathMethods = new HashSet<>();
        for (String[] r : routes) {
            if (segs == null) break;
            List<String> params = new ArrayList<>();
            int[] kinds = matchSegments(r[1], segs, params);
            if (kinds == null) continue;
            pathMethods.add(r[0]);
            if (r[0].equals("GET") && !headPatterns.contains(shape(r[1]))) pathMethods.add("HEAD");
            boolean eligible = r[0].equals(method)
                    || method.equals("HEAD") && r[0].equals("GET") && !headPatterns.contains(shape(r[1]));
            if (eligible && (bestKinds == null || Arrays.compare(kinds, bestKinds) < 0)) {
                bestKinds = kinds;
                best = r;
                bestParams = params;
            }
        }
        if (best != null) return new Expected(Outcome.FOUND, best[0] + " " + best[1], bestParams, null);
        if (pathMethods.isEmpty()) return new Expected(Outcome.NOT_FOUND, null, List.of(), null);
        StringJoiner allow = new StringJoiner(", ");
        for (String name : methodNames) if (pathMethods.contains(name)) allow.add(name);
        return new Expected(Outcome.METHOD_NOT_ALLOWED, null, List.of(), allow.toString());
    }

    private static String shape(String pattern) {
        return pattern.replaceAll("\\{[^}]*}", "{}");
    }

    private static int[] matchSegments(String pattern, String[] segs, List<String> params) {
        String[] p = pattern.substring(1).split("/", -1);
        int[] kinds = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals("*")) {
                if (i >= segs.length) return null;
                params.add(String.join("/", Arrays.copyOfRange(segs, i, segs.length)));
                kinds[i] = 2;
                return kinds;
            }
            if (i >= segs.length) return null;
            if (p[i].startsWith("{")) {
                if (segs[i].isEmpty()) return null;
                params.add(segs[i]);
                kinds[i] = 1;
            } else if (!p[i].equals(segs[i])) {
                return null;
            }
        }
        return p.length == segs.length ? kinds : null;
    }

    @Test
    void randomPathsAgreeWithTheReferenceMatcher() {
        List<String[]> routes = githubLikeRoutes();
        Router<String> router = build(routes);
        String[] methodNames = new String[router.methodCount()];
        for (int i = 0; i < methodNames.length; i++) methodNames[i] = router.methodName(i);
        List<String> words = new ArrayList<>();
        for (String[] r : routes) {
            for (String seg : r[1].split("/")) if (!seg.isEmpty() && !seg.startsWith("{")) words.add(seg);
        }
        words.addAll(List.of("", "v1", "me", "x.y", "%20"));
        String[] methods = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PURGE", "BREW"};
        // Shapes of the patterns with an explicit HEAD route, where HEAD does not fall back to GET.
        Set<String> headPatterns = new HashSet<>();
        for (String[] r : routes) if (r[0].equals("HEAD")) headPatterns.add(shape(r[1]));
        Random random = new Random(42);
        RouteMatch<String> m = router.newMatch();
        int found = 0;
        int notAllowed = 0;
        int notFound = 0;
        for (int n = 0; n < 20_000; n++) {
            String path = randomPath(routes, words, random);
            String method = methods[random.nextInt(methods.length)];
            Expected e = reference(routes, headPatterns, methodNames, method, path);
            router.match(method, path, m);
            String what = method + " " + path;
            assertThat(m.outcome()).as(what).isEqualTo(e.outcome());
            assertThat(m.handler()).as(what).isEqualTo(e.handler());
            assertThat(m.allow()).as(what).isEqualTo(e.allow());
            List<String> params = new ArrayList<>();
            for (int i = 0; i < m.paramCount(); i++) params.add(m.rawParam(m.paramName(i)));
            assertThat(params).as(what).isEqualTo(e.params());
            switch (e.outcome()) {
                case FOUND -> found++;
                case METHOD_NOT_ALLOWED -> notAllowed++;
                case NOT_FOUND -> notFound++;
            }
        }
        // The generator must exercise all three outcomes in earnest, or the agreement above proves little.
        assertThat(found).isGreaterThan(2_000);
        assertThat(notAllowed).isGreaterThan(2_000);
        assertThat(notFound).isGreaterThan(2_000);
    }

    /** A route's concrete path with segments swapped for other routes' words, dropped, repeated or added. */
    private static String randomPath(List<String[]> routes, List<String> words, Random random) {
        String[] segs = concrete(routes.get(random.nextInt(routes.size()))[1]).substring(1).split("/", -1);
        List<String> out = new ArrayList<>(List.of(segs));
        int edits = random.nextInt(3);
        for (int e = 0; e < edits && !out.isEmpty(); e++) {
            int at = random.nextInt(out.size());
            switch (random.nextInt(5)) {
                case 0 -> out.set(at, words.get(random.nextInt(words.size())));
                case 1 -> out.remove(at);
                case 2 -> out.add(at, words.get(random.nextInt(words.size())));
                case 3 -> out.add("");
                default -> out.set(at, "v" + random.nextInt(5));
            }
        }
        return "/" + String.join("/", out);
    }

    @Test
    void standardMethodNamesComeFirst() {
        Router<String> router = build(githubLikeRoutes());
        for (int i = 0; i < STANDARD.length; i++) assertThat(router.methodName(i)).isEqualTo(STANDARD[i]);
        assertThat(router.methodName(Methods.STANDARD_COUNT)).isEqualTo("PURGE");
    }
}
