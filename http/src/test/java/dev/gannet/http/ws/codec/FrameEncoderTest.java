package dev.gannet.http.ws.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static dev.gannet.http.ws.codec.Decoding.bytes;
import static dev.gannet.http.ws.codec.Decoding.decodeEverySplit;
import static dev.gannet.http.ws.codec.Decoding.describe;
import static org.assertj.core.api.Assertions.assertThat;

class FrameEncoderTest {

    @Test
    void headerLengths() {
        assertThat(FrameEncoder.headerLength(0, false)).isEqualTo(2);
        assertThat(FrameEncoder.headerLength(125, false)).isEqualTo(2);
        assertThat(FrameEncoder.headerLength(126, false)).isEqualTo(4);
        assertThat(FrameEncoder.headerLength(65535, false)).isEqualTo(4);
        assertThat(FrameEncoder.headerLength(65536, false)).isEqualTo(10);
        assertThat(FrameEncoder.headerLength(65536, true)).isEqualTo(14);
        assertThat(FrameEncoder.headerLength(1, true)).isEqualTo(6);
    }

    @Test
    void rfcExamplesEncode() {
        byte[] hello = "Hello".getBytes(StandardCharsets.UTF_8);
        assertThat(FrameEncoder.frame(Opcodes.TEXT, false, hello, 0, 5)).containsExactly(bytes(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f));
        ByteBuffer b = ByteBuffer.allocate(11);
        assertThat(FrameEncoder.writeHeader(b, true, false, Opcodes.TEXT, 5, true, 0x37fa213d)).isEqualTo(6);
        b.put(hello);
        FrameEncoder.mask(b, 6, 5, 0x37fa213d, 0);
        assertThat(b.array()).containsExactly(bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58));
        ByteBuffer h = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        FrameEncoder.writeHeader(h, true, false, Opcodes.BINARY, 256, false, 0);
        assertThat(h.position()).isEqualTo(4);
        assertThat(h.array()).startsWith(bytes(0x82, 0x7E, 0x01, 0x00));
        h.clear();
        FrameEncoder.writeHeader(h, true, true, Opcodes.BINARY, 65536, false, 0);
        assertThat(h.array()).containsExactly(bytes(0xC2, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0));
        assertThat(FrameEncoder.frame(Opcodes.PING, false, hello, 0, 5)).containsExactly(bytes(0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536})
    void roundTripsBothRoles(int size) {
        byte[] payload = MessageDecoderTest.payload(size);
        byte[] text = "é".repeat(size / 2).concat(size % 2 == 1 ? "x" : "").getBytes(StandardCharsets.UTF_8);
        assertThat(text).hasSize(size);
        // Server sends unmasked, a client decoder reads; the client sends masked, a server decoder reads.
        byte[] toClient = Decoding.concat(FrameEncoder.frame(Opcodes.BINARY, false, payload, 0, size),
                FrameEncoder.frame(Opcodes.TEXT, false, text, 0, size));
        byte[] toServer = Decoding.concat(FrameEncoder.maskedFrame(Opcodes.BINARY, false, payload, 0, size),
                FrameEncoder.maskedFrame(Opcodes.TEXT, false, text, 0, size));
        String textEvent = "text:" + describeText(new String(text, StandardCharsets.UTF_8));
        assertThat(decodeEverySplit(Decoding.decoders(Role.CLIENT), toClient)).containsExactly("binary:" + describe(payload), textEvent);
        assertThat(decodeEverySplit(Decoding.decoders(Role.SERVER), toServer)).containsExactly("binary:" + describe(payload), textEvent);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 65535, 65536})
    void compressedRoundTrips(int size) {
        byte[] payload = MessageDecoderTest.payload(size);
        Deflation clientSide = new Deflation(false);
        Deflation serverSide = new Deflation(false);
        ByteBuffer c1 = clientSide.compress(ByteBuffer.wrap(payload));
        byte[] m1 = FrameEncoder.maskedFrame(Opcodes.BINARY, true, c1.array(), c1.position(), c1.remaining());
        ByteBuffer c2 = clientSide.compress(ByteBuffer.wrap(payload));
        byte[] m2 = FrameEncoder.maskedFrame(Opcodes.BINARY, true, c2.array(), c2.position(), c2.remaining());
        ByteBuffer s1 = serverSide.compress(ByteBuffer.wrap(payload));
        byte[] f1 = FrameEncoder.frame(Opcodes.BINARY, true, s1.array(), s1.position(), s1.remaining());
        clientSide.end();
        serverSide.end();
        String expected = "binary:" + describe(payload);
        assertThat(decodeEverySplit(Decoding.deflateDecoders(Role.SERVER, false, 1 << 20), Decoding.concat(m1, m2)))
                .containsExactly(expected, expected);
        assertThat(decodeEverySplit(Decoding.deflateDecoders(Role.CLIENT, false, 1 << 20), f1)).containsExactly(expected);
    }

    @Test
    void maskMatchesTheDefinitionForAnyOffsetLengthAndBuffer() {
        Random r = new Random(42);
        for (int round = 0; round < 2000; round++) {
            int len = r.nextInt(40);
            int pos = r.nextInt(9);
            int key = r.nextInt();
            int offset = r.nextInt(4);
            byte[] data = new byte[pos + len + 3];
            r.nextBytes(data);
            byte[] expected = data.clone();
            for (int i = 0; i < len; i++) expected[pos + i] ^= (byte) (key >>> (24 - 8 * ((offset + i) & 3)));
            ByteBuffer heap = ByteBuffer.wrap(data.clone());
            ByteBuffer slicedHeap = ByteBuffer.wrap(Decoding.concat(bytes(1, 2, 3), data.clone())).position(3).slice();
            ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data.clone());
            ByteBuffer directLe = ByteBuffer.allocateDirect(data.length).order(ByteOrder.LITTLE_ENDIAN).put(data.clone());
            for (ByteBuffer b : new ByteBuffer[]{heap, slicedHeap, direct, directLe}) {
                FrameEncoder.mask(b, pos, len, key, offset);
                byte[] got = new byte[data.length];
                b.get(0, got);
                assertThat(got).as("round %d %s", round, b).containsExactly(expected);
            }
        }
    }

    @Test
    void maskingInPiecesEqualsMaskingWhole() {
        byte[] data = MessageDecoderTest.payload(100);
        ByteBuffer whole = ByteBuffer.wrap(data.clone());
        FrameEncoder.mask(whole, 0, 100, 0x01020304, 0);
        ByteBuffer pieces = ByteBuffer.wrap(data.clone());
        int[] cuts = {0, 3, 4, 13, 50, 51, 100};
        for (int i = 0; i + 1 < cuts.length; i++) {
            FrameEncoder.mask(pieces, cuts[i], cuts[i + 1] - cuts[i], 0x01020304, cuts[i] & 3);
        }
        assertThat(pieces.array()).containsExactly(whole.array());
    }

    @Test
    void closePayloadTruncatesWithoutSplittingACharacter() {
        assertThat(FrameEncoder.closePayload(1000, "")).containsExactly(bytes(0x03, 0xE8));
        assertThat(FrameEncoder.closePayload(1001, "bye")).containsExactly(bytes(0x03, 0xE9, 'b', 'y', 'e'));
        byte[] p = FrameEncoder.closePayload(4000, "é".repeat(100));       // 200 bytes of reason
        assertThat(p).hasSize(2 + 122);
        assertThat(Utf8Validator.isValid(ByteBuffer.wrap(p), 2, p.length)).isTrue();
        byte[] q = FrameEncoder.closePayload(4000, "a".repeat(200));
        assertThat(q).hasSize(125);
        byte[] e = FrameEncoder.closePayload(4000, "x" + "😀".repeat(40));   // 4-byte characters
        assertThat(e.length).isLessThanOrEqualTo(125);
        assertThat(Utf8Validator.isValid(ByteBuffer.wrap(e), 2, e.length)).isTrue();
        assertThat(e).hasSize(2 + 1 + 120);
    }

    @Test
    void maskedFramesUseFreshMasks() {
        byte[] hello = "Hello".getBytes(StandardCharsets.UTF_8);
        byte[] a = FrameEncoder.maskedFrame(Opcodes.TEXT, false, hello, 0, 5);
        byte[] b = FrameEncoder.maskedFrame(Opcodes.TEXT, false, hello, 0, 5);
        byte[] c = FrameEncoder.maskedFrame(Opcodes.TEXT, false, hello, 0, 5);
        assertThat(a[1] & 0xFF).isEqualTo(0x85);
        assertThat(a).satisfiesAnyOf(x -> assertThat(x).isNotEqualTo(b), x -> assertThat(x).isNotEqualTo(c));
    }

    private static String describeText(String s) {
        return s.length() > 64 ? s.length() + "#" + s.hashCode() : s;
    }
}
