package dev.gannet.http.ws.codec;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static dev.gannet.http.ws.codec.Decoding.bytes;
import static org.assertj.core.api.Assertions.assertThat;

/** Vectors in the style of Autobahn's 6.x cases, plus a comparison with the JDK's strict decoder. */
class Utf8ValidatorTest {

    private static boolean valid(byte[] b) {
        Utf8Validator v = new Utf8Validator();
        return v.feed(ByteBuffer.wrap(b), 0, b.length) && v.complete();
    }

    /** Byte by byte; returns the index of the byte at which feed first said false, or -1. */
    private static int firstFailure(byte[] b) {
        Utf8Validator v = new Utf8Validator();
        ByteBuffer buf = ByteBuffer.wrap(b);
        for (int i = 0; i < b.length; i++) if (!v.feed(buf, i, i + 1)) return i;
        return -1;
    }

    @Test
    void validVectors() {
        assertThat(valid("κόσμε".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(valid(bytes())).isTrue();
        assertThat(valid(bytes(0xF4, 0x8F, 0xBF, 0xBF))).isTrue();           // U+10FFFF
        assertThat(valid(bytes(0xF0, 0x90, 0x80, 0x80))).isTrue();           // U+10000
        assertThat(valid(bytes(0xED, 0x9F, 0xBF))).isTrue();                 // U+D7FF
        assertThat(valid(bytes(0xEE, 0x80, 0x80))).isTrue();                 // U+E000
        assertThat(valid(bytes(0xEF, 0xBF, 0xBF))).isTrue();                 // U+FFFF
        assertThat(valid(bytes(0xC2, 0x80))).isTrue();                       // U+0080
        assertThat(valid(bytes(0xDF, 0xBF))).isTrue();
        assertThat(valid(bytes(0xE0, 0xA0, 0x80))).isTrue();                 // U+0800
        assertThat(valid(bytes(0x7F))).isTrue();
        assertThat(valid("Hello-µ@ßöäüàá-UTF-8!!".getBytes(StandardCharsets.UTF_8))).isTrue();
    }

    @Test
    void invalidVectors() {
        assertThat(valid(bytes(0xC0, 0xAF))).isFalse();                      // overlong '/'
        assertThat(valid(bytes(0xE0, 0x80, 0xAF))).isFalse();
        assertThat(valid(bytes(0xF0, 0x80, 0x80, 0xAF))).isFalse();
        assertThat(valid(bytes(0xC1, 0xBF))).isFalse();
        assertThat(valid(bytes(0xE0, 0x9F, 0xBF))).isFalse();
        assertThat(valid(bytes(0xF0, 0x8F, 0xBF, 0xBF))).isFalse();
        assertThat(valid(bytes(0xED, 0xA0, 0x80))).isFalse();                // U+D800
        assertThat(valid(bytes(0xED, 0xBF, 0xBF))).isFalse();                // U+DFFF
        assertThat(valid(bytes(0xED, 0xA0, 0x80, 0xED, 0xB0, 0x80))).isFalse(); // surrogate pair
        assertThat(valid(bytes(0xF4, 0x90, 0x80, 0x80))).isFalse();           // U+110000
        assertThat(valid(bytes(0xF5, 0x80, 0x80, 0x80))).isFalse();
        assertThat(valid(bytes(0xF8, 0x88, 0x80, 0x80, 0x80))).isFalse();
        assertThat(valid(bytes(0xFE))).isFalse();
        assertThat(valid(bytes(0xFF))).isFalse();
        assertThat(valid(bytes(0x80))).isFalse();                            // lone continuation
        assertThat(valid(bytes('a', 0xBF, 'b'))).isFalse();
        assertThat(valid(bytes(0xC2))).isFalse();                            // truncated
        assertThat(valid(bytes(0xE2, 0x82))).isFalse();
        assertThat(valid(bytes(0xF0, 0x9F, 0x98))).isFalse();
        assertThat(valid(bytes(0xC2, 'a'))).isFalse();
        assertThat(valid(bytes(0xE2, 0x82, 'a'))).isFalse();
        byte[] kosme = "κόσμε".getBytes(StandardCharsets.UTF_8);
        byte[] bad = Decoding.concat(kosme, bytes(0xED, 0xA0, 0x80), bytes('e', 'd', 'i', 't', 'e', 'd'));
        assertThat(valid(bad)).isFalse();
    }

    @Test
    void failsAtTheFirstBadByteEvenWhenSplit() {
        byte[] kosme = "κόσμε".getBytes(StandardCharsets.UTF_8);
        int n = kosme.length;
        assertThat(firstFailure(Decoding.concat(kosme, bytes(0xED, 0xA0, 0x80, 'x')))).isEqualTo(n + 1);
        assertThat(firstFailure(Decoding.concat(kosme, bytes(0xF4, 0x90, 0x80, 0x80)))).isEqualTo(n + 1);
        assertThat(firstFailure(Decoding.concat(kosme, bytes(0xC0, 0xAF)))).isEqualTo(n);
        assertThat(firstFailure(bytes('a', 'b', 0x80))).isEqualTo(2);
        assertThat(firstFailure(bytes(0xE0, 0x80))).isEqualTo(1);
        // A sequence split over two feeds stays pending, then fails on the bad byte of the second feed.
        Utf8Validator v = new Utf8Validator();
        assertThat(v.feed(ByteBuffer.wrap(bytes('a', 0xF0, 0x9F)), 0, 3)).isTrue();
        assertThat(v.complete()).isFalse();
        assertThat(v.feed(ByteBuffer.wrap(bytes(0x98, 'x')), 0, 2)).isFalse();
        assertThat(v.feed(ByteBuffer.wrap(bytes('x')), 0, 1)).as("stays failed").isFalse();
        v.reset();
        assertThat(v.feed(ByteBuffer.wrap(bytes(0xF0, 0x9F)), 0, 2)).isTrue();
        assertThat(v.feed(ByteBuffer.wrap(bytes(0x98, 0x80)), 0, 2)).isTrue();
        assertThat(v.complete()).isTrue();
    }

    @Test
    void everyCodePointIsValidWholeAndSplit() {
        StringBuilder sb = new StringBuilder();
        for (int cp = 0; cp <= 0x10FFFF; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) continue;
            sb.appendCodePoint(cp);
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(valid(all)).isTrue();
        Utf8Validator v = new Utf8Validator();
        ByteBuffer b = ByteBuffer.wrap(all);
        for (int i = 0; i < all.length; i += 3) assertThat(v.feed(b, i, Math.min(all.length, i + 3))).isTrue();
        assertThat(v.complete()).isTrue();
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes() {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        Random r = new Random(7);
        int[] interesting = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
                0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
        for (int round = 0; round < 200_000; round++) {
            byte[] b = new byte[1 + r.nextInt(6)];
            for (int i = 0; i < b.length; i++) b[i] = (byte) interesting[r.nextInt(interesting.length)];
            boolean jdk;
            try {
                decoder.reset().decode(ByteBuffer.wrap(b));
                jdk = true;
            } catch (CharacterCodingException e) {
                jdk = false;
            }
            assertThat(valid(b)).as("%s", Decoding.hex(b)).isEqualTo(jdk);
        }
    }

    @Test
    void longAsciiRunsAroundMultibyteSequences() {
        String s = "a".repeat(17) + "€" + "b".repeat(9) + "😀" + "c".repeat(8);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        assertThat(valid(b)).isTrue();
        byte[] bad = b.clone();
        bad[20] = (byte) 0xFF;
        assertThat(valid(bad)).isFalse();
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b);
        assertThat(Utf8Validator.isValid(direct, 0, b.length)).isTrue();
    }
}
