package dev.gannet.testing;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The LOCAL-mode response reader on framings Gannet does not send today (chunked, close-delimited, interim 1xx) but
 * a middleware or a later version might, and on the malformed answers it must refuse rather than paper over.
 */
class ResponseParserTest {

    private static TestResponse parse(String raw) {
        return ResponseParser.parse(raw.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    @Test
    void contentLength() {
        TestResponse r = parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\n\r\nhello");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello");
        assertThat(r.headers("X-A")).containsExactly("1", "2");
        assertThat(r.headers()).containsKey("x-a");
    }

    @Test
    void chunkedWithExtensionsAndTrailers() {
        TestResponse r = parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n");
        assertThat(r.body()).isEqualTo("hello world");
        assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
    }

    @Test
    void chunkSizesAreHex() {
        String data = "x".repeat(26);
        assertThat(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1A\r\n" + data + "\r\n0\r\n\r\n").body()).isEqualTo(data);
    }

    @Test
    void bodyUntilCloseWithoutALength() {
        assertThat(parse("HTTP/1.0 200 OK\r\n\r\nuntil the end").body()).isEqualTo("until the end");
    }

    @Test
    void interimResponsesAreSkipped() {
        TestResponse r = parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.body()).isEqualTo("ok");
    }

    @Test
    void noBodyForHeadOr204Or304() {
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(ResponseParser.parse(head, true).bodyBytes()).isEmpty();
        assertThat(parse("HTTP/1.1 204 No Content\r\n\r\n").bodyBytes()).isEmpty();
        assertThat(parse("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n").bodyBytes()).isEmpty();
    }

    @Test
    void emptyReasonPhrase() {
        assertThat(parse("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n").status()).isEqualTo(200);
    }

    @Test
    void refusesWhatTheJdkClientWouldAlsoRefuse() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(IllegalStateException.class).hasMessageContaining("no response");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Content-Length 9");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("5 bytes after");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nok"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("conflicting");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nBad Header : x\r\n\r\n")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\nContent-Length: 0\n\n")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> parse("SMTP ready\r\n\r\n")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cut short");
        assertThatThrownBy(() -> parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("chunk size");
    }
}
