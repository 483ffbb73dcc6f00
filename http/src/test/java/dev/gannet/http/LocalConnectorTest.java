package dev.gannet.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** String in, string out: the same request path as a socket, with none. */
class LocalConnectorTest {
    private final HttpServer app = HttpServer.create()
            .get("/hello/{name}", (req, res) -> res.text("hi " + req.pathParam("name")))
            .blocking().get("/slow", (req, res) -> {
                Thread.sleep(20);
                res.text("slow");
            });
    private final LocalConnector local = LocalConnector.of(app);

    @Test
    void answersPipelinedRequestsInOrder() {
        String out = local.request("GET /hello/ann HTTP/1.1\r\nHost: x\r\n\r\nGET /slow HTTP/1.1\r\nHost: x\r\n\r\nGET /hello/bob HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(out).startsWith("HTTP/1.1 200 OK\r\n").contains("slow").contains("hi bob");
        assertThat(out.indexOf("hi ann")).isLessThan(out.indexOf("slow")).isPositive();
        assertThat(out.indexOf("slow")).isLessThan(out.indexOf("hi bob"));
    }

    @Test
    void badRequestsCloseTheConnection() {
        String out = local.request("GET /hello/x HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(out).startsWith("HTTP/1.1 400 ");
        assertThat(local.isOpen()).isFalse();
    }

    @Test
    void keepAliveRequestsAreCappedWhenConfigured() {
        LocalConnector capped = LocalConnector.of(HttpServer.create(HttpConfig.builder().maxKeepAliveRequests(2).build())
                .get("/", (req, res) -> res.text("x")));
        String first = capped.request("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(first).doesNotContain("Connection: close");
        String second = capped.request("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(second).contains("Connection: close");
        assertThat(capped.isOpen()).isFalse();
    }

    @Test
    void streamedBodiesAreChunkedAndEndedEvenIfLeftOpen() {
        LocalConnector l = LocalConnector.of(HttpServer.create()
                .get("/stream", (req, res) -> {
                    var out = res.contentType("text/plain").stream();
                    out.write("hello ".getBytes());
                    out.flush();
                    out.write("world".getBytes());
                    out.close();
                })
                .get("/open", (req, res) -> res.stream().write('x')));
        String out = l.request("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(out).contains("Transfer-Encoding: chunked").doesNotContain("Content-Length")
                .endsWith("\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\n\r\n");
        assertThat(l.request("GET /open HTTP/1.1\r\nHost: x\r\n\r\n")).endsWith("\r\n\r\n1\r\nx\r\n0\r\n\r\n");
        String old = l.request("GET /stream HTTP/1.0\r\n\r\n");
        assertThat(old).doesNotContain("chunked").contains("Connection: close").endsWith("\r\n\r\nhello world");
    }

    @Test
    void notFound() {
        assertThat(local.request("GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 404 ");
    }
}
