package dev.gannet.http.ws.codec;

import dev.gannet.http.ws.codec.PerMessageDeflate.Params;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.gannet.http.ws.codec.Decoding.bytes;
import static org.assertj.core.api.Assertions.assertThat;

class PerMessageDeflateTest {
    private static final Params PLAIN = new Params(false, false, 15, 15);

    private static Params negotiate(String... headers) {
        return PerMessageDeflate.negotiate(List.of(headers), false);
    }

    @Test
    void simpleOffer() {
        assertThat(negotiate("permessage-deflate")).isEqualTo(PLAIN);
        assertThat(PerMessageDeflate.responseHeader(PLAIN)).isEqualTo("permessage-deflate");
    }

    @Test
    void noOfferOrOtherExtensionsOnly() {
        assertThat(PerMessageDeflate.negotiate(List.of(), false)).isNull();
        assertThat(negotiate("x-webkit-deflate-frame")).isNull();
        assertThat(negotiate("foo; bar=1, baz")).isNull();
    }

    @Test
    void clientMaxWindowBitsWithAndWithoutValue() {
        assertThat(negotiate("permessage-deflate; client_max_window_bits")).isEqualTo(PLAIN);
        assertThat(negotiate("permessage-deflate; client_max_window_bits=10")).isEqualTo(PLAIN);
        assertThat(negotiate("permessage-deflate; client_max_window_bits=\"12\"")).isEqualTo(PLAIN);
        assertThat(negotiate("permessage-deflate; client_max_window_bits=16")).isNull();
        assertThat(negotiate("permessage-deflate; client_max_window_bits=7")).isNull();
        assertThat(negotiate("permessage-deflate; client_max_window_bits=09")).isNull();
    }

    @Test
    void serverMaxWindowBitsBelow15DeclinesThatOffer() {
        assertThat(negotiate("permessage-deflate; server_max_window_bits=10")).isNull();
        assertThat(negotiate("permessage-deflate; server_max_window_bits=10, permessage-deflate"))
                .isEqualTo(PLAIN);
        assertThat(negotiate("permessage-deflate; server_max_window_bits=15")).isEqualTo(PLAIN);
        assertThat(negotiate("permessage-deflate; server_max_window_bits")).isNull();   // needs a value
    }

    @Test
    void severalOffersAcrossHeadersAndQuotedValues() {
        Params p = negotiate("foo, permessage-deflate; server_max_window_bits=\"10\"",
                "permessage-deflate ; client_no_context_takeover ; server_max_window_bits=\"15\" ; client_max_window_bits");
        assertThat(p).isEqualTo(new Params(false, true, 15, 15));
        assertThat(PerMessageDeflate.responseHeader(p)).isEqualTo("permessage-deflate; client_no_context_takeover");
    }

    @Test
    void noContextTakeover() {
        Params p = negotiate("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(p).isEqualTo(new Params(true, true, 15, 15));
        assertThat(PerMessageDeflate.responseHeader(p))
                .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        // The server may ask for server_no_context_takeover on its own.
        assertThat(PerMessageDeflate.negotiate(List.of("permessage-deflate"), true)).isEqualTo(new Params(true, false, 15, 15));
    }

    @Test
    void invalidParametersDecline() {
        assertThat(negotiate("permessage-deflate; foo")).isNull();
        assertThat(negotiate("permessage-deflate; server_no_context_takeover=1")).isNull();
        assertThat(negotiate("permessage-deflate; client_no_context_takeover=\"x\"")).isNull();
        assertThat(negotiate("permessage-deflate; server_max_window_bits=abc")).isNull();
        assertThat(negotiate("permessage-deflate; client_max_window_bits=\"1 5\"")).isNull();
        // ... but a later valid offer is still taken
        assertThat(negotiate("permessage-deflate; foo, permessage-deflate")).isEqualTo(PLAIN);
    }

    @Test
    void duplicateParametersDecline() {
        assertThat(negotiate("permessage-deflate; server_no_context_takeover; server_no_context_takeover")).isNull();
        assertThat(negotiate("permessage-deflate; client_no_context_takeover; client_no_context_takeover")).isNull();
        assertThat(negotiate("permessage-deflate; client_max_window_bits; client_max_window_bits=15")).isNull();
        assertThat(negotiate("permessage-deflate; server_max_window_bits=15; server_max_window_bits=15")).isNull();
    }

    @Test
    void malformedHeadersDecline() {
        assertThat(negotiate("permessage-deflate; client_max_window_bits=\"15")).isNull();   // unterminated quote
        assertThat(negotiate("permessage-deflate;")).isNull();
        assertThat(negotiate("permessage-deflate; =15")).isNull();
        assertThat(negotiate("permessage-deflate client_max_window_bits")).isNull();
        assertThat(negotiate("permessage-deflate; client_max_window_bits=")).isNull();
        assertThat(negotiate("permessage-deflate; client_max_window_bits=\"\"")).isNull();
        assertThat(negotiate(" , permessage-deflate ,")).isEqualTo(PLAIN);                   // empty list elements
    }

    @Test
    void quotedStringsMayHoldCommasAndSemicolonsWithoutSplittingOffers() {
        // The value is not a token once unquoted, so that offer is declined; the next one is used.
        assertThat(negotiate("permessage-deflate; client_max_window_bits=\"1,5\", permessage-deflate; client_no_context_takeover"))
                .isEqualTo(new Params(false, true, 15, 15));
        assertThat(PerMessageDeflate.parse("a; b=\"x,y;z\", c")).hasSize(2);
    }

    @Test
    void clientOfferAndResponses() {
        assertThat(PerMessageDeflate.clientOffer()).isEqualTo("permessage-deflate; client_max_window_bits");
        assertThat(negotiate(PerMessageDeflate.clientOffer())).isEqualTo(PLAIN);
        assertThat(PerMessageDeflate.parseResponse("permessage-deflate")).isEqualTo(PLAIN);
        assertThat(PerMessageDeflate.parseResponse("permessage-deflate; server_no_context_takeover; server_max_window_bits=10"))
                .isEqualTo(new Params(true, false, 10, 15));
        assertThat(PerMessageDeflate.parseResponse("permessage-deflate; client_max_window_bits=15")).isEqualTo(PLAIN);
        assertThat(PerMessageDeflate.parseResponse("permessage-deflate; client_no_context_takeover"))
                .isEqualTo(new Params(false, true, 15, 15));
        // We cannot compress with a smaller window, and the bare form is not allowed in a response.
        assertThat(PerMessageDeflate.parseResponse("permessage-deflate; client_max_window_bits=10")).isNull();
        assertThat(PerMessageDeflate.parseResponse("permessage-deflate; client_max_window_bits")).isNull();
        assertThat(PerMessageDeflate.parseResponse("permessage-deflate; foo")).isNull();
        assertThat(PerMessageDeflate.parseResponse("permessage-deflate, permessage-deflate")).isNull();
        assertThat(PerMessageDeflate.parseResponse("x-other")).isNull();
        assertThat(PerMessageDeflate.parseResponse("permessage-deflate; server_max_window_bits=8; server_max_window_bits=8")).isNull();
        assertThat(PerMessageDeflate.parseResponse(null)).isNull();
    }

    @Test
    void deflationMatchesRfc7692Examples() {
        Deflation d = new Deflation(false);
        byte[] hello = "Hello".getBytes(StandardCharsets.UTF_8);
        assertThat(MessageDecoderTest.toArray(d.compress(ByteBuffer.wrap(hello))))
                .containsExactly(bytes(0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00));
        assertThat(MessageDecoderTest.toArray(d.compress(ByteBuffer.wrap(hello))))
                .containsExactly(bytes(0xf2, 0x00, 0x11, 0x00, 0x00));
        d.end();
    }

    @Test
    void deflationOfLargeAndEmptyMessages() {
        Deflation d = new Deflation(false);
        byte[] big = new byte[1 << 20];
        new java.util.Random(1).nextBytes(big);          // incompressible: the output grows past the first buffer
        ByteBuffer out = d.compress(ByteBuffer.wrap(big));
        assertThat(out.remaining()).isGreaterThan(big.length);
        byte[] c1 = MessageDecoderTest.toArray(out);
        byte[] c2 = MessageDecoderTest.toArray(d.compress(ByteBuffer.allocate(0)));
        d.end();
        byte[] data = Decoding.concat(Decoding.frame(0xC2, c1, false), Decoding.frame(0xC2, c2, false));
        MessageDecoder dec = new MessageDecoder(Role.CLIENT, 2 << 20, 2 << 20, new Inflation(false, 2 << 20));
        assertThat(Decoding.feedWhole(dec, data)).containsExactly("binary:" + Decoding.describe(big), "binary:");
    }
}
