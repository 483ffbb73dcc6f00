package dev.gannet.http.h1;

import static dev.gannet.http.h1.H1Feed.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gannet.http.h1.H1Feed.Outcome;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedDecoderTest {

    private static final String HEAD = "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

    /** The body of a chunked request, parsed every way, with a pipelined GET after it to check the boundary. */
    private static String body(HttpLimits limits, String chunks) {
        Outcome o = H1Feed.everyWay(limits, ascii(HEAD + chunks + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertThat(o.failed()).as("%s", o).isFalse();
        assertThat(o.requests()).hasSize(2);
        assertThat(o.requests().get(1)).startsWith("GET(GET) /next ");
        String first = o.requests().getFirst();
        return first.substring(first.indexOf(" body=") + 6);
    }

    private static String body(String chunks) {
        return body(HttpLimits.DEFAULTS, chunks);
    }

    private static Outcome rejected(HttpLimits limits, String chunks, int status) {
        Outcome o = H1Feed.everyWay(limits, ascii(HEAD + chunks + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertThat(o.status()).as("%s", o).isEqualTo(status);
        assertThat(o.requests()).isEmpty();
        return o;
    }

    private static Outcome rejected(String chunks, int status) {
        return rejected(HttpLimits.DEFAULTS, chunks, status);
    }

    @Test
    void chunksAreJoined() {
        assertThat(body("5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n")).isEqualTo("hello world");
        assertThat(body("0\r\n\r\n")).isEmpty();
        assertThat(body("a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n")).isEqualTo("0123456789abcdefghij");
        assertThat(body("000000000000000F\r\n0123456789abcde\r\n0000\r\n\r\n")).isEqualTo("0123456789abcde");
    }

    @Test
    void chunkDataMayHoldAnyBytes() {
        assertThat(body("6\r\n\r\n\n\r\u0000\u00ff\r\n0\r\n\r\n")).isEqualTo("\r\n\n\r\u0000\u00ff");
    }

    @Test
    void extensionsAreIgnored() {
        assertThat(body("3;name=value\r\nabc\r\n0;last\r\n\r\n")).isEqualTo("abc");
        assertThat(body("3 ;a=1;b=\"x y\"\r\nabc\r\n0\t;z\r\n\r\n")).isEqualTo("abc");
        assertThat(body("3;obs=\u00e9\r\nabc\r\n0\r\n\r\n")).isEqualTo("abc");
    }

    @Test
    void trailersAreValidatedAndDiscarded() {
        assertThat(body("3\r\nabc\r\n0\r\nX-Checksum: 12\r\nY:\r\n\r\n")).isEqualTo("abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0x1\r\nx\r\n0\r\n\r\n",
        "-1\r\nx\r\n0\r\n\r\n",
        "+1\r\nx\r\n0\r\n\r\n",
        "00000000000000001\r\nx\r\n0\r\n\r\n",      // 17 hex digits
        "FFFFFFFFFFFFFFFF\r\n0\r\n\r\n",              // overflows a signed 64-bit size
        "8000000000000000\r\n0\r\n\r\n",
        "1 \r\nx\r\n0\r\n\r\n",                      // whitespace before CRLF
        "1\t\r\nx\r\n0\r\n\r\n",
        " 1\r\nx\r\n0\r\n\r\n",
        "1 1\r\nx\r\n0\r\n\r\n",
        "\r\nx\r\n0\r\n\r\n",                        // no size
        "g\r\nx\r\n0\r\n\r\n",
        "1;a\nb\r\nx\r\n0\r\n\r\n",                  // LF inside an extension
        "1;a\rb\r\nx\r\n0\r\n\r\n",
        "1;a\u0000\r\nx\r\n0\r\n\r\n",
        "1\nx\r\n0\r\n\r\n",                         // bare LF after the size
        "1\rx\r\n0\r\n\r\n",                         // bare CR after the size
        "1\r\nxy\r\n0\r\n\r\n",                      // data longer than its size
        "2\r\nx\r\n0\r\n\r\n",
        "1\r\nx\n0\r\n\r\n",                         // bare LF after the data
        "1\r\nx\r0\r\n\r\n",
        "0\r\n\n",                                   // bare LF ending the trailers
        "0\r\n\r\r\n",
        "0\r\nX: 1\nY: 2\r\n\r\n",
        "0\r\nX: 1\r\n folded\r\n\r\n",              // obs-fold in a trailer
        "0\r\nX : 1\r\n\r\n",
        "0\r\nX(: 1\r\n\r\n",
        "0\r\n: 1\r\n\r\n",
        "0\r\nX\r\n\r\n",
        "0\r\nX: a\u0001b\r\n\r\n",
    })
    void malformedChunkedBodyIs400(String chunks) {
        rejected(chunks, 400);
    }

    @Test
    void bodySizeLimitCountsChunkSizes() {
        HttpLimits limits = HttpLimits.builder().maxBodySize(10).build();
        assertThat(body(limits, "5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n")).isEqualTo("helloworld");
        rejected(limits, "5\r\nhello\r\n6\r\nworld!\r\n0\r\n\r\n", 413);
        rejected(limits, "b\r\nhello world\r\n0\r\n\r\n", 413);
        rejected("7FFFFFFFFFFFFFFF\r\nx\r\n0\r\n\r\n", 413);
        rejected("A00001\r\nx\r\n0\r\n\r\n", 413);
    }

    @Test
    void oversizedChunkIsRefusedBeforeItsData() throws Exception {
        ChunkedDecoder decoder = new ChunkedDecoder(HttpLimits.builder().maxBodySize(100).build());
        ByteBuffer in = ByteBuffer.wrap(ascii("65\r\n"));
        int[] delivered = {0};
        assertThatThrownBy(() -> decoder.decode(in, d -> delivered[0] += d.remaining()))
                .isInstanceOfSatisfying(HttpParseException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThat(delivered[0]).isZero();
        assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(ascii("x")), d -> { }))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void extensionLengthIsBounded() {
        HttpLimits limits = HttpLimits.builder().maxChunkExtensionLength(8).build();
        assertThat(body(limits, "1;abcdefg\r\nx\r\n0\r\n\r\n")).isEqualTo("x");
        assertThat(body(limits, "1  ;abcde\r\nx\r\n0\r\n\r\n")).isEqualTo("x");
        rejected(limits, "1;abcdefgh\r\nx\r\n0\r\n\r\n", 400);
        rejected(limits, "1         ;\r\nx\r\n0\r\n\r\n", 400);
        rejected(HttpLimits.builder().maxChunkExtensionLength(0).build(), "1;\r\nx\r\n0\r\n\r\n", 400);
    }

    @Test
    void trailerLimitsFollowTheHeaderLimits() {
        // The head of the request has 2 fields in 37 bytes, so these limits let it through.
        HttpLimits limits = HttpLimits.builder().maxHeaderCount(2).maxHeaderBytes(40).build();
        assertThat(body(limits, "0\r\nA: 1\r\nB: 2\r\n\r\n")).isEmpty();
        rejected(limits, "0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", 431);
        // 14 + 26 = 40 bytes of trailer lines pass; one more byte does not.
        assertThat(body(limits, "0\r\nA: 123456789\r\nB: 123456789012345678901\r\n\r\n")).isEmpty();
        rejected(limits, "0\r\nA: 123456789\r\nB: 1234567890123456789012\r\n\r\n", 431);
    }

    @Test
    void decoderPassesViewsAndStopsAtTheEndOfTheBody() throws Exception {
        ChunkedDecoder decoder = new ChunkedDecoder(HttpLimits.DEFAULTS);
        byte[] wire = ascii("3\r\nabc\r\n2;x\r\nde\r\n0\r\n\r\nNEXT");
        ByteBuffer in = ByteBuffer.allocateDirect(wire.length + 4);
        in.position(4);
        in.put(wire).flip().position(4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] calls = {0};
        assertThat(decoder.decode(in, d -> {
            calls[0]++;
            byte[] copy = new byte[d.remaining()];
            d.get(copy);
            out.writeBytes(copy);
        })).isTrue();
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("abcde");
        assertThat(calls[0]).isEqualTo(2);
        assertThat(decoder.isComplete()).isTrue();
        assertThat(decoder.bodyBytes()).isEqualTo(5);
        assertThat(in.limit()).isEqualTo(wire.length + 4);
        assertThat(in.remaining()).isEqualTo(4);
        assertThat(decoder.decode(in, d -> { throw new AssertionError("no more body"); })).isTrue();
        assertThat(in.remaining()).isEqualTo(4);
        decoder.reset();
        assertThat(decoder.isComplete()).isFalse();
    }

    @Test
    void sinkThatThrowsLeavesTheBufferLimitIntact() {
        ChunkedDecoder decoder = new ChunkedDecoder(HttpLimits.DEFAULTS);
        ByteBuffer in = ByteBuffer.wrap(ascii("3\r\nabc\r\n0\r\n\r\n"));
        assertThatThrownBy(() -> decoder.decode(in, d -> { throw new IllegalStateException("boom"); }))
                .hasMessage("boom");
        assertThat(in.limit()).isEqualTo(in.capacity());
    }

    @Test
    void fixedLengthBodyTracksRemainingBytes() {
        FixedLengthBody body = new FixedLengthBody().reset(5);
        StringBuilder got = new StringBuilder();
        BodySink sink = d -> got.append(StandardCharsets.ISO_8859_1.decode(d));
        assertThat(body.decode(ByteBuffer.wrap(ascii("he")), sink)).isFalse();
        assertThat(body.remaining()).isEqualTo(3);
        ByteBuffer rest = ByteBuffer.wrap(ascii("lloGET"));
        assertThat(body.decode(rest, sink)).isTrue();
        assertThat(body.isComplete()).isTrue();
        assertThat(got.toString()).isEqualTo("hello");
        assertThat(rest.position()).isEqualTo(3);
        assertThat(rest.limit()).isEqualTo(6);
        assertThat(body.decode(rest, sink)).isTrue();
        assertThat(rest.position()).isEqualTo(3);
        assertThat(new FixedLengthBody().reset(0).decode(ByteBuffer.allocate(0), sink)).isTrue();
        assertThatThrownBy(() -> body.reset(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
