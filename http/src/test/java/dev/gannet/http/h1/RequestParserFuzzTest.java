package dev.gannet.http.h1;

import static dev.gannet.http.h1.H1Feed.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gannet.http.h1.H1Feed.Buffering;
import dev.gannet.http.h1.H1Feed.Outcome;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random mutations of valid requests. Whatever the bytes, only {@link HttpParseException} may come out (any
 * other exception fails the test through {@link H1Feed}), and how the bytes are split must not change the result.
 * A stand-in until a Jazzer target exists; it runs in the normal build.
 */
class RequestParserFuzzTest {

    private static final String[] SEEDS = {
        "GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello",
        "PUT /u HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n0\r\nT: 1\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\nExpect: 100-continue\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\nCONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
    };

    /** Bytes that matter to the grammar, so mutations hit interesting cases more often than random noise would. */
    private static final byte[] SPECIAL = ascii("\r\n \t:;,?%/*0123456789abcdefABCDEFxX-\"\u0000\u007f\u0080\u00ff");

    @Test
    void mutatedRequestsFailOnlyWithParseErrorsAndAgreeAcrossSplits() {
        Random random = new Random(20240613);
        HttpLimits limits = HttpLimits.builder().maxRequestLineLength(64).maxHeaderBytes(128).maxHeaderCount(6)
                .maxBodySize(64).maxChunkExtensionLength(16).build();
        int failures = 0;
        int iterations = 4000;
        for (int n = 0; n < iterations; n++) {
            byte[] data = mutate(ascii(SEEDS[random.nextInt(SEEDS.length)]), random);
            Outcome whole = H1Feed.whole(limits, data);
            if (whole.failed()) {
                failures++;
                assertThat(whole.status()).isIn(400, 413, 414, 431, 501, 505);
            }
            assertThat(H1Feed.byteByByte(limits, data, Buffering.COMPACT_DIRECT)).as("byte by byte: %s", printable(data))
                    .isEqualTo(whole);
            assertThat(H1Feed.randomSplits(limits, data, random, Buffering.APPEND)).as("random splits: %s", printable(data))
                    .isEqualTo(whole);
        }
        // The mutations must actually reach the error paths, and not only them.
        assertThat(failures).isBetween(iterations / 10, iterations - iterations / 10);
    }

    private static byte[] mutate(byte[] data, Random random) {
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(data.length);
            byte b = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : SPECIAL[random.nextInt(SPECIAL.length)];
            switch (random.nextInt(4)) {
                case 0 -> data[at] = b;
                case 1 -> {
                    byte[] out = new byte[data.length + 1];
                    System.arraycopy(data, 0, out, 0, at);
                    out[at] = b;
                    System.arraycopy(data, at, out, at + 1, data.length - at);
                    data = out;
                }
                case 2 -> {
                    if (data.length > 1) {
                        byte[] out = new byte[data.length - 1];
                        System.arraycopy(data, 0, out, 0, at);
                        System.arraycopy(data, at + 1, out, at, data.length - at - 1);
                        data = out;
                    }
                }
                default -> {
                    int len = Math.min(data.length - at, 1 + random.nextInt(12));
                    byte[] out = new byte[data.length + len];
                    System.arraycopy(data, 0, out, 0, at + len);
                    System.arraycopy(data, at, out, at + len, data.length - at);
                    data = out;
                }
            }
        }
        return data;
    }

    private static String printable(byte[] data) {
        StringBuilder sb = new StringBuilder();
        for (byte b : data) {
            int c = b & 0xFF;
            if (c == '\r') sb.append("\\r");
            else if (c == '\n') sb.append("\\n");
            else if (c < 0x20 || c >= 0x7F) sb.append(String.format("\\x%02x", c));
            else sb.append((char) c);
        }
        return sb.toString();
    }
}
