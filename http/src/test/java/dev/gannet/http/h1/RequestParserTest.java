package dev.gannet.http.h1;

import static dev.gannet.http.h1.H1Feed.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gannet.http.h1.H1Feed.Outcome;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestParserTest {

    /** Parses one head fed whole (after checking every other way agrees) and returns it. */
    static RequestHead parse(String request) throws HttpParseException {
        Outcome outcome = H1Feed.everyWay(request);
        assertThat(outcome.failed()).as("%s", outcome).isFalse();
        RequestParser parser = new RequestParser();
        RequestHead head = new RequestHead();
        ByteBuffer in = ByteBuffer.wrap(ascii(request));
        assertThat(parser.parseHead(in, head)).isTrue();
        return head;
    }

    /** Parses {@code request} every way, asserts it is refused with {@code status} and no request came out. */
    static Outcome rejected(String request, int status) {
        return rejected(HttpLimits.DEFAULTS, ascii(request), status);
    }

    static Outcome rejected(HttpLimits limits, byte[] request, int status) {
        Outcome outcome = H1Feed.everyWay(limits, request);
        assertThat(outcome.status()).as("%s", outcome).isEqualTo(status);
        assertThat(outcome.reason()).isNotBlank();
        return outcome;
    }

    // ---- valid requests

    @Test
    void simpleGet() throws Exception {
        RequestHead h = parse("GET /hello/world?x=1&y=%20 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test\r\n\r\n");
        assertThat(h.isComplete()).isTrue();
        assertThat(h.method()).isEqualTo(Method.GET);
        assertThat(h.methodName()).isEqualTo("GET");
        assertThat(h.target()).isEqualTo("/hello/world?x=1&y=%20");
        assertThat(h.targetForm()).isEqualTo(TargetForm.ORIGIN);
        assertThat(h.path()).isEqualTo("/hello/world");
        assertThat(h.path()).isSameAs(h.path());
        assertThat(h.hasQuery()).isTrue();
        assertThat(h.query()).isEqualTo("x=1&y=%20");
        assertThat(h.version()).isEqualTo(HttpVersion.HTTP_1_1);
        assertThat(h.isHttp11()).isTrue();
        assertThat(h.headerCount()).isEqualTo(2);
        assertThat(h.name(0)).isEqualTo("Host");
        assertThat(h.value(0)).isEqualTo("example.com");
        assertThat(h.name(1)).isEqualTo("User-Agent");
        assertThat(h.value(1)).isEqualTo("test");
        assertThat(h.contentLength()).isEqualTo(-1);
        assertThat(h.chunked()).isFalse();
        assertThat(h.hasBody()).isFalse();
        assertThat(h.keepAlive()).isTrue();
        assertThat(h.expectContinue()).isFalse();
        assertThat(h.hasHost()).isTrue();
        assertThat(h.host()).isEqualTo("example.com");
        assertThat(h.headLength()).isEqualTo(ascii("GET /hello/world?x=1&y=%20 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test\r\n\r\n").length);
    }

    @Test
    void offsetsPointIntoTheHeadBytes() throws Exception {
        RequestHead h = parse("POST /p?q HTTP/1.1\r\nHost: h\r\nX-Custom:  Some Value \r\n\r\n");
        byte[] b = h.bytes();
        assertThat(new String(b, h.methodOffset(), h.methodLength(), "ISO-8859-1")).isEqualTo("POST");
        assertThat(new String(b, h.targetOffset(), h.targetLength(), "ISO-8859-1")).isEqualTo("/p?q");
        assertThat(new String(b, h.pathOffset(), h.pathLength(), "ISO-8859-1")).isEqualTo("/p");
        assertThat(new String(b, h.queryOffset(), h.queryLength(), "ISO-8859-1")).isEqualTo("q");
        assertThat(new String(b, h.nameOffset(1), h.nameLength(1), "ISO-8859-1")).isEqualTo("X-Custom");
        assertThat(new String(b, h.valueOffset(1), h.valueLength(1), "ISO-8859-1")).isEqualTo("Some Value");
    }

    @Test
    void zeroAllocationAccessorsIgnoreNameCase() throws Exception {
        RequestHead h = parse("GET / HTTP/1.1\r\nHOST: a\r\nx-forwarded-FOR: 1.2.3.4\r\nAccept: TEXT/Plain\r\nAccept: x\r\n\r\n");
        byte[] accept = ascii("accept");
        assertThat(h.nameEquals(0, ascii("host"))).isTrue();
        assertThat(h.nameEquals(0, ascii("hos"))).isFalse();
        assertThat(h.headerIndex(ascii("x-forwarded-for"))).isEqualTo(1);
        assertThat(h.headerIndex(accept)).isEqualTo(2);
        assertThat(h.headerIndex(accept, 3)).isEqualTo(3);
        assertThat(h.headerIndex(accept, 4)).isEqualTo(-1);
        assertThat(h.headerIndex(ascii("cookie"))).isEqualTo(-1);
        assertThat(h.valueEqualsIgnoreCase(2, ascii("text/plain"))).isTrue();
        assertThat(h.valueEquals(2, ascii("text/plain"))).isFalse();
        assertThat(h.valueEquals(2, ascii("TEXT/Plain"))).isTrue();
        byte[] dst = new byte[20];
        int n = h.copyValue(1, dst, 3);
        assertThat(new String(dst, 3, n, "ISO-8859-1")).isEqualTo("1.2.3.4");
        assertThat(h.header("X-Forwarded-For")).isEqualTo("1.2.3.4");
        assertThat(h.header("accept")).isEqualTo("TEXT/Plain");
        assertThat(h.header("missing")).isNull();
        assertThat(h.host()).isEqualTo("a");
        assertThatThrownBy(() -> h.name(4)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void valuesAreTrimmedAndMayBeEmptyOrCarryObsText() throws Exception {
        RequestHead h = parse("GET / HTTP/1.1\r\nHost: a\r\nA: \t x  y \t \r\nB:\r\nC:   \r\nD: caf\u00e9\u00ff\r\n\r\n");
        assertThat(h.value(1)).isEqualTo("x  y");
        assertThat(h.value(2)).isEmpty();
        assertThat(h.value(3)).isEmpty();
        assertThat(h.value(4)).isEqualTo("caf\u00e9\u00ff");
    }

    @Test
    void postWithContentLength() throws Exception {
        Outcome o = H1Feed.everyWay("POST /submit HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(o.requests()).hasSize(1);
        assertThat(o.requests().getFirst()).contains("POST(POST) /submit", "cl=5", "chunked=false", "body=hello");
        RequestHead h = parse("POST /submit HTTP/1.1\r\nHost: a\r\nContent-Length: 005\r\n\r\n");
        assertThat(h.contentLength()).isEqualTo(5);
        assertThat(h.hasBody()).isTrue();
    }

    @Test
    void chunkedPost() throws Exception {
        Outcome o = H1Feed.everyWay("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Checksum: 1\r\n\r\n");
        assertThat(o.requests()).hasSize(1);
        assertThat(o.requests().getFirst()).contains("cl=-1", "chunked=true", "body=hello world");
        assertThat(o.tail()).isEqualTo("idle");
        RequestHead h = parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: CHUNKED\r\n\r\n");
        assertThat(h.chunked()).isTrue();
        assertThat(h.hasBody()).isTrue();
    }

    @Test
    void pipelinedRequestsBackToBack() {
        String request = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "PUT /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n"
                + "\r\n" // tolerated between requests
                + "DELETE /4 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                + "GET /5 HT";
        Outcome o = H1Feed.everyWay(request);
        assertThat(o.failed()).isFalse();
        assertThat(o.requests()).hasSize(4);
        assertThat(o.requests().get(0)).startsWith("GET(GET) /1 ").contains("body=");
        assertThat(o.requests().get(1)).startsWith("POST(POST) /2 ").endsWith("body=abc");
        assertThat(o.requests().get(2)).startsWith("PUT(PUT) /3 ").endsWith("body=xyz");
        assertThat(o.requests().get(3)).startsWith("DELETE(DELETE) /4 ").contains("keepAlive=false");
        assertThat(o.tail()).isEqualTo("partial head");
    }

    @Test
    void pipelinedHeadLeavesTheNextRequestInTheBuffer() throws Exception {
        byte[] two = ascii("GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: b\r\n\r\n");
        ByteBuffer in = ByteBuffer.allocateDirect(two.length).put(two).flip();
        RequestParser parser = new RequestParser();
        RequestHead head = new RequestHead();
        assertThat(parser.parseHead(in, head)).isTrue();
        assertThat(in.position()).isEqualTo(two.length / 2);
        assertThat(head.path()).isEqualTo("/a");
        assertThat(parser.body(head).decode(in, d -> { })).isTrue();
        assertThat(parser.parseHead(in, head)).isTrue();
        assertThat(head.path()).isEqualTo("/b");
        assertThat(head.host()).isEqualTo("b");
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void http10DefaultsToClose() throws Exception {
        RequestHead h = parse("GET / HTTP/1.0\r\n\r\n");
        assertThat(h.version()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(h.isHttp10()).isTrue();
        assertThat(h.keepAlive()).isFalse();
        assertThat(h.hasHost()).isFalse();
        assertThat(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive()).isTrue();
        assertThat(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n").expectContinue()).isFalse();
    }

    @Test
    void connectionTokens() throws Exception {
        assertThat(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo ,\tCLOSE\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo\r\nConnection: close\r\n\r\n").keepAlive()).isFalse();
        assertThat(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: closed\r\n\r\n").keepAlive()).isTrue();
        RequestHead up = parse("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n");
        assertThat(up.upgradeRequested()).isTrue();
        assertThat(up.keepAlive()).isTrue();
    }

    @Test
    void expectContinue() throws Exception {
        assertThat(parse("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n").expectContinue()).isTrue();
        assertThat(parse("POST / HTTP/1.1\r\nHost: a\r\nExpect: something\r\n\r\n").expectContinue()).isFalse();
    }

    @Test
    void otherMethodsAndTargetForms() throws Exception {
        RequestHead h = parse("PROPFIND /dav HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(h.method()).isEqualTo(Method.OTHER);
        assertThat(h.methodName()).isEqualTo("PROPFIND");
        assertThat(h.methodEquals(ascii("PROPFIND"))).isTrue();
        assertThat(h.methodEquals(ascii("propfind"))).isFalse();
        assertThat(new String(h.bytes(), h.methodOffset(), h.methodLength(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("PROPFIND");
        assertThat(parse("get / HTTP/1.1\r\nHost: a\r\n\r\n").method()).isEqualTo(Method.OTHER);
        for (Method m : Method.values()) {
            if (m == Method.OTHER || m == Method.CONNECT || m == Method.OPTIONS) continue;
            assertThat(parse(m.text() + " / HTTP/1.1\r\nHost: a\r\n\r\n").method()).isEqualTo(m);
        }

        RequestHead abs = parse("GET http://example.com:8080/a/b?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
        assertThat(abs.targetForm()).isEqualTo(TargetForm.ABSOLUTE);
        assertThat(abs.path()).isEqualTo("/a/b");
        assertThat(abs.query()).isEqualTo("q=1");
        RequestHead bare = parse("GET http://[::1]:8080 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n");
        assertThat(bare.path()).isEmpty();
        assertThat(bare.hasQuery()).isFalse();
        assertThat(bare.query()).isNull();
        assertThat(bare.queryLength()).isEqualTo(-1);

        RequestHead connect = parse("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
        assertThat(connect.method()).isEqualTo(Method.CONNECT);
        assertThat(connect.targetForm()).isEqualTo(TargetForm.AUTHORITY);
        assertThat(connect.path()).isEmpty();

        RequestHead star = parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(star.targetForm()).isEqualTo(TargetForm.ASTERISK);
        assertThat(star.path()).isEqualTo("*");
        assertThat(parse("OPTIONS /x HTTP/1.1\r\nHost: a\r\n\r\n").method()).isEqualTo(Method.OPTIONS);

        RequestHead q = parse("GET /a?b?c=%41 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(q.path()).isEqualTo("/a");
        assertThat(q.query()).isEqualTo("b?c=%41");
        RequestHead empty = parse("GET /? HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(empty.hasQuery()).isTrue();
        assertThat(empty.query()).isEmpty();
    }

    @Test
    void emptyLinesBeforeTheRequestLineAreSkippedUpToTheLimit() {
        Outcome ok = H1Feed.everyWay("\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(ok.requests()).hasSize(1);
        assertThat(ok.requests().getFirst()).startsWith("GET(GET) / HTTP_1_1");
        assertThat(H1Feed.everyWay("\r\n\r\n").tail()).isEqualTo("idle");
        rejected("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
        rejected("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
        rejected("\r\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    }

    @Test
    void headIsReusedAcrossRequestsAndCachedStringsAreDropped() throws Exception {
        RequestParser parser = new RequestParser();
        RequestHead head = new RequestHead();
        assertThat(parser.parseHead(ByteBuffer.wrap(ascii("GET /first?a HTTP/1.1\r\nHost: a\r\nX: 1\r\n\r\n")), head)).isTrue();
        assertThat(head.path()).isEqualTo("/first");
        assertThat(head.value(1)).isEqualTo("1");
        assertThat(parser.parseHead(ByteBuffer.wrap(ascii("POST /second HTTP/1.0\r\nY: 2\r\n\r\n")), head)).isTrue();
        assertThat(head.path()).isEqualTo("/second");
        assertThat(head.query()).isNull();
        assertThat(head.name(0)).isEqualTo("Y");
        assertThat(head.value(0)).isEqualTo("2");
        assertThat(head.hasHost()).isFalse();
        assertThat(head.headerCount()).isEqualTo(1);
    }

    @Test
    void partialHeadIsReported() throws Exception {
        RequestParser parser = new RequestParser();
        RequestHead head = new RequestHead();
        assertThat(parser.hasPartialHead()).isFalse();
        assertThat(parser.parseHead(ByteBuffer.wrap(ascii("\r\n")), head)).isFalse();
        assertThat(parser.hasPartialHead()).isFalse();
        assertThat(parser.parseHead(ByteBuffer.wrap(ascii("GE")), head)).isFalse();
        assertThat(parser.hasPartialHead()).isTrue();
        assertThatThrownBy(() -> parser.parseHead(ByteBuffer.wrap(ascii("T")), new RequestHead()))
                .isInstanceOf(IllegalStateException.class);
        assertThat(parser.parseHead(ByteBuffer.wrap(ascii("T / HTTP/1.1\r\nHost: a\r\n\r\n")), head)).isTrue();
        assertThat(parser.hasPartialHead()).isFalse();
        assertThat(head.headLength()).isEqualTo("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n".length());
    }

    @Test
    void afterAnErrorTheParserRefusesInputUntilReset() throws Exception {
        RequestParser parser = new RequestParser();
        RequestHead head = new RequestHead();
        assertThatThrownBy(() -> parser.parseHead(ByteBuffer.wrap(ascii("GET / HTTP/1.1\nHost: a\r\n\r\n")), head))
                .isInstanceOf(HttpParseException.class);
        assertThatThrownBy(() -> parser.parseHead(ByteBuffer.wrap(ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n")), head))
                .isInstanceOf(IllegalStateException.class);
        parser.reset();
        assertThat(parser.parseHead(ByteBuffer.wrap(ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n")), head)).isTrue();
    }

    @Test
    void exceptionCarriesStatusAndReason() {
        HttpParseException e = new HttpParseException(431, "too many");
        assertThat(e.status()).isEqualTo(431);
        assertThat(e.reason()).isEqualTo("too many");
        assertThat(e).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(() -> new HttpParseException(200, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- request line rejections

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\n",            // bare LF ends the request line
        "GET / HTTP/1.1\rHost: a\r\n",  // bare CR
        "GET /\n HTTP/1.1\r\n",
        "GET /a\rb HTTP/1.1\r\n",
        "GET\r / HTTP/1.1\r\n",
        "GET\n/ HTTP/1.1\r\n",
        " GET / HTTP/1.1\r\n",
        "GET  / HTTP/1.1\r\n",         // empty target
        "GET / HTTP/1.1 \r\n",
        "GET /  HTTP/1.1\r\n",
        "GET\t/ HTTP/1.1\r\n",
        "G(T / HTTP/1.1\r\n",
        "GET /\r\n",                    // HTTP/0.9
        "GET / http/1.1\r\n",
        "GET / HTTP/1.1x\r\n",
        "GET / HTTP/11\r\n",
        "GET / HTTP/1.\r\n",
        "GET / HTTP/a.1\r\n",
        "GET / XTTP/1.1\r\n",
        "GET /a<b HTTP/1.1\r\n",
        "GET /a\"b HTTP/1.1\r\n",
        "GET /a{b} HTTP/1.1\r\n",
        "GET /a|b HTTP/1.1\r\n",
        "GET /a\\b HTTP/1.1\r\n",
        "GET /a#frag HTTP/1.1\r\n",
        "GET /a^b HTTP/1.1\r\n",
        "GET /a`b HTTP/1.1\r\n",
        "GET /caf\u00e9 HTTP/1.1\r\n",
        "GET /a\u007fb HTTP/1.1\r\n",
        "GET /a\u0000b HTTP/1.1\r\n",
        "GET /%zz HTTP/1.1\r\n",
        "GET /%2 HTTP/1.1\r\n",
        "GET /%2g HTTP/1.1\r\n",
        "GET /? HTTP/1.1%\r\n",
        "GET * HTTP/1.1\r\n",           // asterisk-form only for OPTIONS
        "CONNECT / HTTP/1.1\r\n",
        "CONNECT example.com HTTP/1.1\r\n",
        "GET example.com/x HTTP/1.1\r\n", // neither origin- nor absolute-form
        "GET 1http://a/ HTTP/1.1\r\n",
    })
    void malformedRequestLineIs400(String line) {
        Outcome o = rejected(line + "Host: a\r\n\r\n", 400);
        assertThat(o.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0", "HTTP/9.9"})
    void unsupportedVersionIs505(String version) {
        rejected("GET / " + version + "\r\nHost: a\r\n\r\n", 505);
    }

    // ---- field rejections

    @Test
    void missingOrDuplicateOrInvalidHostIs400() {
        rejected("GET / HTTP/1.1\r\n\r\n", 400);
        rejected("GET / HTTP/1.1\r\nX: y\r\n\r\n", 400);
        rejected("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400);
        rejected("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400);
        rejected("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400);
        rejected("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400);
        rejected("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Host: a\r\nX: 1\nY: 2\r\n\r\n",      // bare LF ends a field line
        "Host: a\nX: 1\r\n\r\n",
        "Host: a\r\nX: 1\rY: 2\r\n\r\n",      // bare CR inside a field line
        "Host: a\r\nX\r: 1\r\n\r\n",
        "Host: a\r\n\n",                    // bare LF as the final line
        "Host: a\r\n\r\r\n",                // bare CR as the final line
        "Host: a\r\nX: a\r\n b\r\n\r\n",      // obs-fold
        "Host: a\r\nX: a\r\n\tb\r\n\r\n",
        " Host: a\r\n\r\n",                 // whitespace before the first field
        "Host : a\r\n\r\n",                 // whitespace before the colon
        "Host\t: a\r\n\r\n",
        "Host: a\r\nX-Y : 1\r\n\r\n",
        "Host: a\r\nX(y): 1\r\n\r\n",        // not a tchar
        "Host: a\r\nX@: 1\r\n\r\n",
        "Host: a\r\n\u00e9: 1\r\n\r\n",
        "Host: a\r\n: 1\r\n\r\n",            // empty name
        "Host: a\r\nNoColon\r\n\r\n",
        "Host: a\r\nX: a\u0000b\r\n\r\n",     // CTLs in values
        "Host: a\r\nX: a\u0001b\r\n\r\n",
        "Host: a\r\nX: a\u007fb\r\n\r\n",
        "Host: a\r\nX: \u001b[31m\r\n\r\n",
    })
    void malformedFieldsAre400(String fields) {
        Outcome o = rejected("GET / HTTP/1.1\r\n" + fields, 400);
        assertThat(o.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"5, 5", "5,5", "5, 6", "abc", "-1", "+5", "0x5", "5 5", "5.0", "", "1e3",
        "99999999999999999999", "9223372036854775808"})
    void invalidContentLengthIs400(String value) {
        rejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + value + "\r\n\r\n", 400);
    }

    @Test
    void duplicateContentLengthIs400EvenWhenEqual() {
        rejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400);
        rejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\nhello", 400);
    }

    @Test
    void contentLengthOverTheBodyLimitIs413() {
        rejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10485761\r\n\r\n", 413);
        rejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9223372036854775807\r\n\r\n", 413);
        Outcome ok = H1Feed.everyWay(HttpLimits.builder().maxBodySize(3).build(),
                ascii("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"));
        assertThat(ok.requests()).hasSize(1);
        rejected(HttpLimits.builder().maxBodySize(3).build(),
                ascii("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\nabcd"), 413);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Transfer-Encoding: xchunked",
        "Transfer-Encoding: chunkedx",
        "Transfer-Encoding: chunked, identity",
        "Transfer-Encoding: chunked,gzip",
        "Transfer-Encoding: identity",
        "Transfer-Encoding:\tchunked",
        "Transfer-Encoding: chunked\t",
        "Transfer-Encoding: \tchunked",
        "Transfer-Encoding: chunked, chunked",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity",
        "Transfer-Encoding: \"chunked\"",
        "Transfer-Encoding: chunked;x=1",
        "Transfer-Encoding: ",
        "Transfer-Encoding: ,",
        "Transfer-Encoding : chunked",
        " Transfer-Encoding: chunked",
        "X: y\r\n Transfer-Encoding: chunked",
        "X: y\nTransfer-Encoding: chunked",
        "Transfer-Encoding\n: chunked",
        "Transfer_Encoding: chunked\r\nTransfer-Encoding: x",
    })
    void obfuscatedTransferEncodingIs400(String field) {
        Outcome o = rejected("POST / HTTP/1.1\r\nHost: a\r\n" + field + "\r\n\r\n0\r\n\r\n", 400);
        assertThat(o.requests()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip, chunked", "deflate,chunked", "x-custom, chunked", "gzip\r\nTransfer-Encoding: chunked"})
    void unsupportedTransferCodingIs501(String value) {
        rejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + value + "\r\n\r\n0\r\n\r\n", 501);
    }

    @Test
    void transferEncodingInHttp10Is400() {
        rejected("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400);
    }

    @Test
    void chunkedListElementsMayBeEmptyOrSpaced() throws Exception {
        assertThat(parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: , chunked ,\r\n\r\n").chunked()).isTrue();
    }

    // ---- reliability guide cases 1 to 7

    @Test
    void case1ContentLengthWithTransferEncodingNeverYieldsTwoRequests() {
        String smuggled = "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n";
        String[] variants = {
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: " + (5 + smuggled.length()) + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n5c\r\n" + smuggled + "\r\n0\r\n\r\n",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
            "POST / HTTP/1.1\r\nHost: a\r\ncontent-length: 6\r\ntransfer-encoding: CHUNKED\r\n\r\n0\r\n\r\nX" + smuggled,
        };
        for (String v : variants) {
            Outcome o = rejected(v, 400);
            assertThat(o.reason()).isEqualTo("Content-Length with Transfer-Encoding");
            assertThat(o.requests()).isEmpty();
        }
    }

    @Test
    void case2ObfuscatedTransferEncodingThenClose() {
        rejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400);
        rejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400);
        rejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n", 400);
    }

    @Test
    void case3DuplicateOrConflictingContentLength() {
        rejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400);
        rejected("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 5\r\n\r\nhello", 400);
    }

    @Test
    void case4BadChunkSize() {
        String head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        for (String size : new String[] {"0x1", "-1", "10000000000000001", "1 ", " 1", "1;a\nb"}) {
            Outcome o = rejected(head + size + "\r\nx\r\n0\r\n\r\n", 400);
            assertThat(o.requests()).isEmpty();
        }
    }

    @Test
    void case5BareLfOrBareCr() {
        rejected("GET / HTTP/1.1\nHost: a\r\n\r\n", 400);
        rejected("GET / HTTP/1.1\rHost: a\r\n\r\n", 400);
        rejected("GET / HTTP/1.1\r\nHost: a\nX: y\r\n\r\n", 400);
        rejected("GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n", 400);
        rejected("GET / HTTP/1.1\r\nHost: a\r\n\n", 400);
        rejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\nx\r\n0\r\n\r\n", 400);
        rejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\rx\r\n0\r\n\r\n", 400);
        rejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\n0\r\n\r\n", 400);
        rejected("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\n", 400);
    }

    @Test
    void case6ObsFold() {
        Outcome o = rejected("GET / HTTP/1.1\r\nHost: a\r\nX-Long: part one\r\n  part two\r\n\r\n", 400);
        assertThat(o.reason()).isEqualTo("obsolete line folding");
    }

    @Test
    void case7HeaderBlockTooBigOrTooManyFieldsOrLongRequestLine() {
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 100; i++) many.append("X-").append(i).append(": v\r\n");
        rejected(many.append("\r\n").toString(), 431);
        rejected("GET / HTTP/1.1\r\nHost: a\r\nX: " + "v".repeat(17 * 1024) + "\r\n\r\n", 431);
        rejected("GET /" + "a".repeat(8 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414);
    }
}
