package dev.gannet.http.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gannet.http.router.RouteMatch.Outcome;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Matching must allocate nothing, whatever the outcome. Measured with the thread's allocation counter, which counts
 * every byte this thread allocates, so it is exact rather than timing-dependent.
 */
class RouterAllocationTest {

    private static final int MATCHES = 100_000;

    private record Request(int method, String methodName, byte[] bytes, int off, int len, Outcome expected) {
    }

    @Test
    void matchingAllocatesNothing() {
        List<String[]> routes = ManyRoutesTest.githubLikeRoutes();
        Router.Builder<String> b = Router.builder();
        for (String[] r : routes) b.add(r[0], r[1], r[1]);
        // No single node allows exactly {DELETE, OPTIONS}, so a PATCH of /things/mine needs a union Allow value.
        b.options("/things/mine", "options").delete("/things/{id}", "delete");
        Router<String> router = b.build();

        // Two nodes match this path and no node has their union: the Allow value is made once, then cached.
        Request union = request(router, "PATCH", "/things/mine", Outcome.METHOD_NOT_ALLOWED);
        // Paths sit inside a larger buffer, as they do in a parser's request buffer.
        Request[] requests = {
                request(router, "GET", "/rate_limit", Outcome.FOUND),
                request(router, "GET", "/repos/gannet/gannet/pulls/42/comments", Outcome.FOUND),
                request(router, "GET", "/repos/gannet/gannet/contents/src/main/java/Main.java", Outcome.FOUND),
                request(router, "HEAD", "/users/octocat", Outcome.FOUND),
                request(router, "PURGE", "/repos/o/r/commits/abc", Outcome.FOUND),
                request(router, "DELETE", "/gists/g1/star", Outcome.FOUND),
                request(router, "GET", "/repos/o/r/issues/comments", Outcome.FOUND),
                // Backtracking: the static "comments" branch fails deeper, the parameter branch succeeds.
                request(router, "POST", "/repos/o/r/issues/comments/comments", Outcome.FOUND),
                request(router, "DELETE", "/user", Outcome.METHOD_NOT_ALLOWED),
                request(router, "PUT", "/repos/o/r/issues/comments", Outcome.METHOD_NOT_ALLOWED),
                union,
                request(router, "BREW", "/meta", Outcome.METHOD_NOT_ALLOWED),
                request(router, "GET", "/repos/o/r/nothing/here", Outcome.NOT_FOUND),
                request(router, "GET", "/users//repos", Outcome.NOT_FOUND),
                request(router, "GET", "", Outcome.NOT_FOUND),
        };
        RouteMatch<String> m = router.newMatch();
        for (Request r : requests) {
            router.match(r.method(), r.bytes(), r.off(), r.len(), m);
            assertThat(m.outcome()).as(new String(r.bytes(), r.off(), r.len(), StandardCharsets.US_ASCII))
                    .isEqualTo(r.expected());
        }
        router.match(union.method(), union.bytes(), union.off(), union.len(), m);
        assertThat(m.allow()).isEqualTo("DELETE, OPTIONS");
        long expectedSum = 0;
        for (Request r : requests) expectedSum += r.expected().ordinal();

        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
        threads.setThreadAllocatedMemoryEnabled(true);

        // Warm-up: lets the JIT compile the match path, and fills the Allow table's cache of unions.
        run(router, requests, m, MATCHES);
        long overhead = measureOverhead(threads);
        long before = threads.getCurrentThreadAllocatedBytes();
        long sum = run(router, requests, m, MATCHES);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before - overhead;

        assertThat(sum).isEqualTo(expectedSum * (MATCHES / requests.length));
        double perMatch = (double) allocated / (MATCHES / requests.length * requests.length);
        assertThat(perMatch).as("bytes allocated per match (%d in total)", allocated).isLessThan(0.01);
    }

    private static long run(Router<String> router, Request[] requests, RouteMatch<String> m, int matches) {
        long sum = 0;
        for (int i = 0; i < matches / requests.length; i++) {
            for (Request r : requests) {
                // Every other round resolves the method by name, which must not allocate either.
                if ((i & 1) == 0) router.match(r.method(), r.bytes(), r.off(), r.len(), m);
                else router.match(r.methodName(), r.bytes(), r.off(), r.len(), m);
                sum += m.outcome().ordinal();
            }
        }
        return sum;
    }

    /** What reading the counter twice costs by itself, so it is not charged to the matches. */
    private static long measureOverhead(com.sun.management.ThreadMXBean threads) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            long a = threads.getCurrentThreadAllocatedBytes();
            long b = threads.getCurrentThreadAllocatedBytes();
            min = Math.min(min, b - a);
        }
        return min;
    }

    private static Request request(Router<String> router, String method, String path, Outcome expected) {
        byte[] m = method.getBytes(StandardCharsets.US_ASCII);
        byte[] line = (method + " " + path + "?q=1 HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII);
        return new Request(router.methodIndex(m, 0, m.length), method, line, m.length + 1, path.length(), expected);
    }
}
