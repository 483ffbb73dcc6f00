package dev.gannet.http.ws.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.gannet.http.ws.codec.Decoding.bytes;
import static dev.gannet.http.ws.codec.Decoding.concat;
import static dev.gannet.http.ws.codec.Decoding.decodeEverySplit;
import static dev.gannet.http.ws.codec.Decoding.decoders;
import static dev.gannet.http.ws.codec.Decoding.deflateDecoders;
import static dev.gannet.http.ws.codec.Decoding.frame;
import static dev.gannet.http.ws.codec.Decoding.feedWhole;
import static org.assertj.core.api.Assertions.assertThat;

/** The decoder on bytes: RFC 6455 5.7 and RFC 7692 7.2.3 examples and every rule of RFC 6455 5 it enforces. */
class MessageDecoderTest {
    private static final byte[] HELLO = "Hello".getBytes(StandardCharsets.UTF_8);

    private static List<String> server(byte[] data) {
        return decodeEverySplit(decoders(Role.SERVER), data);
    }

    private static List<String> client(byte[] data) {
        return decodeEverySplit(decoders(Role.CLIENT), data);
    }

    private static List<String> deflateClient(byte[] data) {
        return decodeEverySplit(deflateDecoders(Role.CLIENT, false, 1 << 20), data);
    }

    // --- RFC 6455 5.7 examples

    @Test
    void rfcSingleFrameUnmaskedText() {
        assertThat(client(bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f))).containsExactly("text:Hello");
    }

    @Test
    void rfcSingleFrameMaskedText() {
        assertThat(server(bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58)))
                .containsExactly("text:Hello");
    }

    @Test
    void rfcFragmentedUnmaskedText() {
        assertThat(client(bytes(0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f))).containsExactly("text:Hello");
    }

    @Test
    void rfcPingAndMaskedPong() {
        assertThat(client(bytes(0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f))).containsExactly("ping:48656c6c6f");
        assertThat(server(bytes(0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58)))
                .containsExactly("pong:48656c6c6f");
    }

    @Test
    void rfc256ByteAnd64KiBBinaryLengths() {
        byte[] p256 = payload(256);
        assertThat(client(concat(bytes(0x82, 0x7E, 0x01, 0x00), p256)))
                .containsExactly("binary:" + Decoding.describe(p256));
        byte[] p64k = payload(65536);
        assertThat(client(concat(bytes(0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0), p64k)))
                .containsExactly("binary:" + Decoding.describe(p64k));
    }

    // --- masking

    @Test
    void serverRejectsUnmaskedFrames() {
        assertThat(server(frame(0x81, HELLO, false))).containsExactly("error:1002");
    }

    @Test
    void clientRejectsMaskedFrames() {
        assertThat(client(frame(0x81, HELLO, true))).containsExactly("error:1002");
    }

    // --- reserved bits and opcodes

    @Test
    void rsv1WithoutDeflateIsProtocolError() {
        assertThat(server(frame(0xC1, HELLO, true))).containsExactly("error:1002");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x20, 0x10, 0x30, 0x60})
    void rsv2AndRsv3AreProtocolErrorsEvenWithDeflate(int bits) {
        assertThat(decodeEverySplit(deflateDecoders(Role.SERVER, false, 1000), frame(0x81 | bits, HELLO, true)))
                .containsExactly("error:1002");
    }

    @Test
    void rsv1OnControlFrameIsProtocolError() {
        assertThat(decodeEverySplit(deflateDecoders(Role.SERVER, false, 1000), frame(0xC9, HELLO, true)))
                .containsExactly("error:1002");
    }

    @Test
    void rsv1OnContinuationIsProtocolError() {
        byte[] data = concat(frame(0x41, bytes(0xf2, 0x48), true), frame(0xC0, bytes(0xcd), true));
        assertThat(decodeEverySplit(deflateDecoders(Role.SERVER, false, 1000), data)).containsExactly("error:1002");
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 4, 5, 6, 7, 11, 12, 13, 14, 15})
    void reservedOpcodesAreProtocolErrors(int opcode) {
        assertThat(server(frame(0x80 | opcode, HELLO, true))).containsExactly("error:1002");
    }

    // --- control frames

    @Test
    void fragmentedControlFrameIsProtocolError() {
        assertThat(server(frame(0x09, HELLO, true))).containsExactly("error:1002");
    }

    @Test
    void controlPayloadOver125IsProtocolError() {
        assertThat(server(frame(0x89, payload(126), true))).containsExactly("error:1002");
        assertThat(server(frame(0x89, payload(125), true))).containsExactly("ping:125#" + java.util.Arrays.hashCode(payload(125)));
    }

    @Test
    void controlFramesBetweenFragments() {
        byte[] data = concat(frame(0x01, "Hel".getBytes(StandardCharsets.UTF_8), true), frame(0x89, bytes(1, 2), true),
                frame(0x00, bytes(), true), frame(0x8A, bytes(), true), frame(0x80, "lo".getBytes(StandardCharsets.UTF_8), true),
                frame(0x82, bytes(7), true));
        assertThat(server(data)).containsExactly("ping:0102", "pong:", "text:Hello", "binary:07");
    }

    // --- fragmentation

    @Test
    void continuationWithoutMessageIsProtocolError() {
        assertThat(server(frame(0x80, HELLO, true))).containsExactly("error:1002");
        assertThat(server(concat(frame(0x82, HELLO, true), frame(0x80, HELLO, true)))).containsExactly("binary:48656c6c6f", "error:1002");
    }

    @Test
    void newDataMessageDuringFragmentedOneIsProtocolError() {
        assertThat(server(concat(frame(0x01, HELLO, true), frame(0x81, HELLO, true)))).containsExactly("error:1002");
        assertThat(server(concat(frame(0x02, HELLO, true), frame(0x01, HELLO, true)))).containsExactly("error:1002");
    }

    @Test
    void emptyFragmentsAndEmptyMessages() {
        byte[] data = concat(frame(0x01, bytes(), true), frame(0x00, bytes(), true), frame(0x80, bytes(), true),
                frame(0x82, bytes(), true), frame(0x02, bytes(), true), frame(0x80, bytes(), true));
        assertThat(server(data)).containsExactly("text:", "binary:", "binary:");
    }

    // --- lengths

    @Test
    void sixtyFourBitLengthWithHighBitIsProtocolError() {
        assertThat(client(bytes(0x82, 0x7F, 0x80, 0, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5))).containsExactly("error:1002");
    }

    @Test
    void nonMinimalLengthEncodingsAreAccepted() {
        assertThat(client(concat(bytes(0x82, 0x7E, 0, 5), HELLO))).containsExactly("binary:48656c6c6f");
        assertThat(client(concat(bytes(0x81, 0x7F, 0, 0, 0, 0, 0, 0, 0, 5), HELLO))).containsExactly("text:Hello");
        assertThat(client(concat(bytes(0x89, 0x7E, 0, 5), HELLO))).containsExactly("error:1002");   // control: >125 marker
    }

    @Test
    void framePayloadOverLimitFailsFromTheHeader() {
        MessageDecoder d = new MessageDecoder(Role.CLIENT, 100, 1000, null);
        // Only the header arrives: the decision must not wait for the payload.
        assertThat(feedWhole(d, bytes(0x82, 0x7E, 0, 101))).containsExactly("error:1009");
        d = new MessageDecoder(Role.CLIENT, 100, 1000, null);
        assertThat(feedWhole(d, bytes(0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF))).containsExactly("error:1009");
        assertThat(decodeEverySplit(() -> new MessageDecoder(Role.CLIENT, 100, 1000, null), frame(0x82, payload(100), false)))
                .hasSize(1).first().asString().startsWith("binary:");
    }

    @Test
    void messageOverLimitFailsAtTheFragmentThatPassesIt() {
        byte[] data = concat(frame(0x02, payload(60), false), frame(0x00, payload(40), false), frame(0x80, payload(1), false));
        assertThat(decodeEverySplit(() -> new MessageDecoder(Role.CLIENT, 100, 100, null), data)).containsExactly("error:1009");
        byte[] fits = concat(frame(0x02, payload(60), false), frame(0x80, payload(40), false));
        assertThat(decodeEverySplit(() -> new MessageDecoder(Role.CLIENT, 100, 100, null), fits)).hasSize(1);
    }

    // --- UTF-8

    @Test
    void invalidUtf8FailsFastBeforeFin() {
        // The first fragment already holds a byte that can never be valid; no FIN ever comes.
        MessageDecoder d = new MessageDecoder(Role.SERVER, 1000, 1000, null);
        assertThat(feedWhole(d, frame(0x01, bytes('a', 0xC0, 0xAF), true))).containsExactly("error:1007");
        assertThat(server(concat(frame(0x01, bytes('a'), true), frame(0x00, bytes(0xED, 0xA0, 0x80), true))))
                .containsExactly("error:1007");
        assertThat(server(frame(0x81, bytes(0xF4, 0x90, 0x80, 0x80), true))).containsExactly("error:1007");
    }

    @Test
    void incompleteCodePointAtFinIsInvalid() {
        assertThat(server(frame(0x81, bytes('a', 0xE2, 0x82), true))).containsExactly("error:1007");
        assertThat(server(concat(frame(0x01, bytes('a', 0xE2), true), frame(0x80, bytes(0x82), true)))).containsExactly("error:1007");
    }

    @Test
    void codePointSplitAcrossFragmentsIsValid() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        byte[] data = concat(frame(0x01, bytes(euro[0]), true), frame(0x89, bytes(), true), frame(0x00, bytes(euro[1]), true),
                frame(0x80, bytes(euro[2], 'x'), true));
        assertThat(server(data)).containsExactly("ping:", "text:€x");
    }

    @Test
    void binaryIsNotCheckedForUtf8() {
        assertThat(server(frame(0x82, bytes(0xC0, 0xAF), true))).containsExactly("binary:c0af");
    }

    // --- close

    @Test
    void emptyCloseIs1005() {
        assertThat(server(frame(0x88, bytes(), true))).containsExactly("close:1005:");
    }

    @Test
    void closeWithOneByteBodyIsProtocolError() {
        assertThat(server(frame(0x88, bytes(3), true))).containsExactly("error:1002");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535})
    void closeCodesNotAllowedOnTheWire(int code) {
        assertThat(server(frame(0x88, FrameEncoder.closePayload(code, ""), true))).containsExactly("error:1002");
    }

    @ParameterizedTest
    @ValueSource(ints = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999})
    void closeCodesAllowedOnTheWire(int code) {
        assertThat(server(frame(0x88, FrameEncoder.closePayload(code, "bye κόσμε"), true))).containsExactly("close:" + code + ":bye κόσμε");
    }

    @Test
    void closeReasonMustBeUtf8() {
        assertThat(server(frame(0x88, bytes(0x03, 0xE8, 'a', 0xFF), true))).containsExactly("error:1007");
        assertThat(server(frame(0x88, bytes(0x03, 0xE8, 0xCE), true))).containsExactly("error:1007");
    }

    @Test
    void inputAfterCloseOrErrorIsIgnored() {
        assertThat(server(concat(frame(0x88, FrameEncoder.closePayload(1000, ""), true), frame(0x81, HELLO, true))))
                .containsExactly("close:1000:");
        assertThat(server(concat(frame(0x81, HELLO, false), frame(0x81, HELLO, true)))).containsExactly("error:1002");
        MessageDecoder d = new MessageDecoder(Role.SERVER, 100, 100, null);
        feedWhole(d, frame(0x88, bytes(), true));
        ByteBuffer more = ByteBuffer.wrap(frame(0x81, HELLO, true));
        Decoding.Recorder r = new Decoding.Recorder();
        d.decode(more, r);
        assertThat(r.events).isEmpty();
        assertThat(more.hasRemaining()).isFalse();
        assertThat(d.isDone()).isTrue();
    }

    @Test
    void incompleteHeaderIsLeftInTheBuffer() {
        MessageDecoder d = new MessageDecoder(Role.SERVER, 100, 100, null);
        ByteBuffer in = ByteBuffer.wrap(bytes(0x81, 0x85, 0x37, 0xfa));
        Decoding.Recorder r = new Decoding.Recorder();
        d.decode(in, r);
        assertThat(in.position()).isZero();
        assertThat(r.events).isEmpty();
    }

    @Test
    void binaryIsAViewValidDuringTheCallAndPositionEndsAfterTheFrame() {
        MessageDecoder d = new MessageDecoder(Role.SERVER, 100, 100, null);
        ByteBuffer in = ByteBuffer.wrap(concat(frame(0x82, HELLO, true), frame(0x82, bytes(1), true)));
        int[] calls = {0};
        d.decode(in, new Decoding.Recorder() {
            @Override public void onBinary(ByteBuffer data) {
                if (calls[0]++ == 0) {
                    assertThat(data.remaining()).isEqualTo(5);
                    data.position(data.limit());     // a listener that reads it all must not disturb the decoder
                }
                super.onBinary(data);
            }
        });
        assertThat(calls[0]).isEqualTo(2);
        assertThat(in.hasRemaining()).isFalse();
    }

    // --- permessage-deflate (RFC 7692 7.2.3)

    @Test
    void rfc7692CompressedHello() {
        assertThat(deflateClient(bytes(0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00))).containsExactly("text:Hello");
    }

    @Test
    void rfc7692ContextTakeover() {
        byte[] data = bytes(0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00);
        assertThat(deflateClient(data)).containsExactly("text:Hello", "text:Hello");
    }

    @Test
    void rfc7692FragmentedCompressed() {
        byte[] data = bytes(0x41, 0x03, 0xf2, 0x48, 0xcd, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00);
        assertThat(deflateClient(data)).containsExactly("text:Hello");
    }

    @Test
    void rfc7692StoredBlockBfinalAndTwoBlocks() {
        assertThat(deflateClient(bytes(0xc1, 0x0b, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00)))
                .containsExactly("text:Hello");
        // A block with BFINAL set; the stream ends there, and the next message starts a new one.
        byte[] bfinal = bytes(0xc1, 0x08, 0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00);
        assertThat(deflateClient(concat(bfinal, bfinal))).containsExactly("text:Hello", "text:Hello");
        assertThat(deflateClient(bytes(0xc1, 0x0d, 0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00)))
                .containsExactly("text:Hello");
    }

    @Test
    void compressedMessagesInterleavedWithUncompressedAndControl() {
        byte[] data = concat(bytes(0x41, 0x03, 0xf2, 0x48, 0xcd), frame(0x89, bytes(9), false),
                bytes(0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00), frame(0x82, HELLO, false), bytes(0xc2, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00));
        assertThat(deflateClient(data)).containsExactly("ping:09", "text:Hello", "binary:48656c6c6f", "binary:48656c6c6f");
    }

    @Test
    void inflatedSizeOverLimitIs1009() {
        Deflation def = new Deflation(false);
        byte[] compressed = toArray(def.compress(ByteBuffer.wrap(new byte[100_000])));
        def.end();
        assertThat(compressed.length).isLessThan(1000);
        byte[] data = frame(0xC2, compressed, true);
        assertThat(decodeEverySplit(() -> new MessageDecoder(Role.SERVER, 1000, 1 << 20, new Inflation(false, 50_000)), data))
                .containsExactly("error:1009");
        assertThat(decodeEverySplit(() -> new MessageDecoder(Role.SERVER, 1000, 50_000, new Inflation(false, 1 << 20)), data))
                .containsExactly("error:1009");
        assertThat(decodeEverySplit(() -> new MessageDecoder(Role.SERVER, 1000, 100_000, new Inflation(false, 100_000)), data))
                .containsExactly("binary:100000#" + java.util.Arrays.hashCode(new byte[100_000]));
    }

    @Test
    void corruptDeflateDataIs1007() {
        assertThat(deflateClient(bytes(0xc2, 0x03, 0xff, 0xff, 0xff))).containsExactly("error:1007");
    }

    @Test
    void compressedTextWithInvalidUtf8Is1007() {
        Deflation def = new Deflation(false);
        byte[] compressed = toArray(def.compress(ByteBuffer.wrap(bytes('o', 'k', 0xED, 0xA0, 0x80))));
        def.end();
        assertThat(deflateClient(frame(0xC1, compressed, false))).containsExactly("error:1007");
    }

    @Test
    void noContextTakeoverResetsBetweenMessages() {
        Deflation def = new Deflation(true);
        byte[] a = toArray(def.compress(ByteBuffer.wrap(HELLO)));
        byte[] b = toArray(def.compress(ByteBuffer.wrap(HELLO)));
        def.end();
        assertThat(a).isEqualTo(b);                    // nothing carried over
        byte[] data = concat(frame(0xC1, a, true), frame(0xC1, b, true));
        assertThat(decodeEverySplit(deflateDecoders(Role.SERVER, true, 1000), data)).containsExactly("text:Hello", "text:Hello");
    }

    @Test
    void directBuffersWork() {
        byte[] data = concat(frame(0x81, "κόσμε".getBytes(StandardCharsets.UTF_8), true), frame(0x82, HELLO, true),
                frame(0x89, HELLO, true));
        MessageDecoder d = new MessageDecoder(Role.SERVER, 100, 100, null);
        assertThat(Decoding.feed(d, data, new int[]{data.length}, true)).containsExactly("text:κόσμε", "binary:48656c6c6f", "ping:48656c6c6f");
    }

    @Test
    void buffersAreReleasedWhenAReadEndsBetweenMessages() {
        MessageDecoder d = new MessageDecoder(Role.SERVER, 1 << 20, 1 << 20, null);
        byte[] big = payload(100_000);
        byte[] data = Decoding.concat(frame(0x02, big, true), frame(0x80, big, true), frame(0x89, HELLO, true));
        Decoding.Recorder r = new Decoding.Recorder();
        ByteBuffer first = ByteBuffer.wrap(data, 0, 150_000);
        d.decode(first, r);
        assertThat(d.retainedBytes()).as("mid-message").isGreaterThanOrEqualTo(150_000 - 2 * 14);
        ByteBuffer rest = ByteBuffer.wrap(data, first.position(), data.length - first.position() - 3);
        d.decode(rest, r);
        assertThat(r.events).hasSize(1);
        assertThat(d.retainedBytes()).as("mid ping, between messages").isEqualTo(125);
        d.decode(ByteBuffer.wrap(data, rest.position(), data.length - rest.position()), r);
        assertThat(r.events).hasSize(2).last().isEqualTo("ping:48656c6c6f");
        assertThat(d.retainedBytes()).isZero();

        // Compressed messages go through the buffer too, and it is let go the same way.
        MessageDecoder z = new MessageDecoder(Role.CLIENT, 1000, 1000, new Inflation(false, 1000));
        assertThat(feedWhole(z, bytes(0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00))).containsExactly("text:Hello");
        assertThat(z.retainedBytes()).isZero();
    }

    static byte[] payload(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 7 + (i >>> 8));
        return b;
    }

    static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
