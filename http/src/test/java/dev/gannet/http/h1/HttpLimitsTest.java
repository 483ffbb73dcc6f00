package dev.gannet.http.h1;

import static dev.gannet.http.h1.H1Feed.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.gannet.http.h1.H1Feed.Buffering;
import dev.gannet.http.h1.H1Feed.Outcome;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every limit at exactly its value and one past it, and the point at which it is detected. */
class HttpLimitsTest {

    private static final String LINE_TAIL = " HTTP/1.1";

    @Test
    void defaultsMatchTheReliabilityGuide() {
        HttpLimits d = HttpLimits.DEFAULTS;
        assertThat(d.maxRequestLineLength()).isEqualTo(8192);
        assertThat(d.maxHeaderBytes()).isEqualTo(16384);
        assertThat(d.maxHeaderCount()).isEqualTo(100);
        assertThat(d.maxBodySize()).isEqualTo(10L * 1024 * 1024);
        assertThat(d.toBuilder().build()).isEqualTo(d);
        assertThat(HttpLimits.builder().maxHeaderCount(7).build().maxHeaderCount()).isEqualTo(7);
    }

    @Test
    void invalidLimitsAreRefused() {
        assertThatThrownBy(() -> HttpLimits.builder().maxRequestLineLength(15).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpLimits.builder().maxHeaderBytes(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpLimits.builder().maxHeaderBytes(1 << 25).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpLimits.builder().maxHeaderCount(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpLimits.builder().maxBodySize(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpLimits.builder().maxChunkExtensionLength(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HttpLimits.builder().maxEmptyLinesBeforeRequest(-1).build()).isInstanceOf(IllegalArgumentException.class);
    }

    /** A request whose line (without CRLF) is exactly {@code length} bytes. */
    private static String requestWithLine(int length) {
        String target = "/" + "a".repeat(length - "GET ".length() - LINE_TAIL.length() - 1);
        String line = "GET " + target + LINE_TAIL;
        assertThat(line).hasSize(length);
        return line + "\r\nHost: a\r\n\r\n";
    }

    @Test
    void requestLineAtTheLimitPassesOneMoreIs414() {
        Outcome ok = H1Feed.everyWay(requestWithLine(8192));
        assertThat(ok.requests()).hasSize(1);
        Outcome o = H1Feed.everyWay(requestWithLine(8193));
        assertThat(o.status()).isEqualTo(414);
    }

    @Test
    void requestLineLimitHoldsWithASmallLimit() {
        HttpLimits limits = HttpLimits.builder().maxRequestLineLength(20).build();
        assertThat(H1Feed.everyWay(limits, ascii("GET /aaaaaa HTTP/1.1\r\nHost: a\r\n\r\n")).requests()).hasSize(1);
        assertThat(H1Feed.everyWay(limits, ascii("GET /aaaaaaa HTTP/1.1\r\nHost: a\r\n\r\n")).status()).isEqualTo(414);
        // An endless method is caught too, not only an endless target.
        assertThat(H1Feed.everyWay(limits, ascii("A".repeat(25))).status()).isEqualTo(414);
        // The limit counts from the request line, not from the empty lines before it.
        assertThat(H1Feed.everyWay(limits, ascii("\r\n\r\nGET /aaaaaa HTTP/1.1\r\nHost: a\r\n\r\n")).requests()).hasSize(1);
    }

    /** A request whose field lines, CRLFs included, are exactly {@code bytes} long. */
    private static String requestWithFieldBytes(int bytes) {
        String host = "Host: a\r\n";
        String value = "v".repeat(bytes - host.length() - "X: \r\n".length());
        String fields = host + "X: " + value + "\r\n";
        assertThat(fields).hasSize(bytes);
        return "GET / HTTP/1.1\r\n" + fields + "\r\n";
    }

    @Test
    void headerBytesAtTheLimitPassOneMoreIs431() {
        assertThat(H1Feed.everyWay(requestWithFieldBytes(16384)).requests()).hasSize(1);
        Outcome o = H1Feed.everyWay(requestWithFieldBytes(16385));
        assertThat(o.status()).isEqualTo(431);
        assertThat(o.requests()).isEmpty();
    }

    @Test
    void headerBytesLimitCountsTrailingWhitespaceAndShortLines() {
        HttpLimits limits = HttpLimits.builder().maxHeaderBytes(20).build();
        // 9 + 11 = 20 bytes of field lines
        assertThat(H1Feed.everyWay(limits, ascii("GET / HTTP/1.1\r\nHost: a\r\nX: abcd  \r\n\r\n")).requests()).hasSize(1);
        assertThat(H1Feed.everyWay(limits, ascii("GET / HTTP/1.1\r\nHost: a\r\nX: abcd   \r\n\r\n")).status()).isEqualTo(431);
        assertThat(H1Feed.everyWay(limits, ascii("GET / HTTP/1.1\r\nHost: a\r\nXY: abc  \r\n\r\n")).requests()).hasSize(1);
        assertThat(H1Feed.everyWay(limits, ascii("GET / HTTP/1.1\r\nHost: a\r\nXYZ: abc  \r\n\r\n")).status()).isEqualTo(431);
        // The next line would start at the limit.
        assertThat(H1Feed.everyWay(limits, ascii("GET / HTTP/1.1\r\nHost: a\r\nX: abcd  \r\nY")).status()).isEqualTo(431);
    }

    private static String requestWithFields(int count) {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 1; i < count; i++) sb.append("X-").append(i).append(": ").append(i).append("\r\n");
        return sb.append("\r\n").toString();
    }

    @Test
    void headerCountAtTheLimitPassesOneMoreIs431() throws Exception {
        Outcome ok = H1Feed.everyWay(requestWithFields(100));
        assertThat(ok.requests()).hasSize(1);
        RequestHead head = RequestParserTest.parse(requestWithFields(100));
        assertThat(head.headerCount()).isEqualTo(100);
        assertThat(head.value(99)).isEqualTo("99");
        Outcome o = H1Feed.everyWay(requestWithFields(101));
        assertThat(o.status()).isEqualTo(431);
    }

    @Test
    void oversizedHeadIsDetectedBeforeItEnds() throws Exception {
        RequestParser parser = new RequestParser();
        RequestHead head = new RequestHead();
        assertThat(parser.parseHead(ByteBuffer.wrap(ascii("GET / HTTP/1.1\r\nHost: a\r\nX: ")), head)).isFalse();
        ByteBuffer chunk = ByteBuffer.allocateDirect(1000);
        int fed = 0;
        HttpParseException error = null;
        while (error == null && fed < 100_000) {
            chunk.clear();
            while (chunk.hasRemaining()) chunk.put((byte) 'v');
            chunk.flip();
            try {
                parser.parseHead(chunk, head);
            } catch (HttpParseException e) {
                error = e;
            }
            fed += 1000;
        }
        assertThat(error).isNotNull();
        assertThat(error.status()).isEqualTo(431);
        assertThat(fed).isLessThanOrEqualTo(17_000);
    }

    @Test
    void longRequestLineIsDetectedBeforeItEnds() throws Exception {
        RequestParser parser = new RequestParser();
        RequestHead head = new RequestHead();
        assertThat(parser.parseHead(ByteBuffer.wrap(ascii("GET /")), head)).isFalse();
        byte[] chunk = ascii("a".repeat(1000));
        int fed = 0;
        HttpParseException error = null;
        while (error == null && fed < 100_000) {
            try {
                parser.parseHead(ByteBuffer.wrap(chunk), head);
            } catch (HttpParseException e) {
                error = e;
            }
            fed += chunk.length;
        }
        assertThat(error).isNotNull();
        assertThat(error.status()).isEqualTo(414);
        assertThat(fed).isLessThanOrEqualTo(9_000);
    }

    @Test
    void headFedByteByByteParsesInLinearTime() {
        int size = 4 << 20;
        HttpLimits limits = HttpLimits.builder().maxRequestLineLength(size).maxHeaderBytes(size).build();
        String request = "GET /" + "p".repeat(size / 2) + " HTTP/1.1\r\nHost: a\r\nX: " + "v".repeat(size / 2) + "\r\n\r\n";
        byte[] data = ascii(request);
        // A quadratic rescan of 4 MiB would take hours; the linear parse takes well under a second.
        Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> H1Feed.byteByByte(limits, data, Buffering.APPEND));
        assertThat(o.failed()).isFalse();
        assertThat(o.requests()).hasSize(1);
    }

    @Test
    void manyEmptyLinesAreBounded() {
        HttpLimits none = HttpLimits.builder().maxEmptyLinesBeforeRequest(0).build();
        assertThat(H1Feed.everyWay(none, ascii("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")).status()).isEqualTo(400);
        assertThat(H1Feed.everyWay(none, ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n")).requests()).hasSize(1);
        Outcome flood = H1Feed.everyWay(ascii("\r\n".repeat(1000)));
        assertThat(flood.status()).isEqualTo(400);
    }
}
