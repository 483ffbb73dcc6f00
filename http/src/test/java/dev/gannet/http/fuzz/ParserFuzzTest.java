package dev.gannet.http.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gannet.http.h1.ChunkedDecoder;
import dev.gannet.http.h1.HttpLimits;
import dev.gannet.http.h1.HttpParseException;
import dev.gannet.http.h1.RequestHead;
import dev.gannet.http.h1.RequestParser;

import java.nio.ByteBuffer;

/**
 * Jazzer targets for the HTTP/1.1 request parser and the chunked decoder. Without {@code JAZZER_FUZZ=1} the inputs
 * under {@code src/test/resources/dev/gannet/http/fuzz/ParserFuzzTestInputs/} are replayed as regression tests in
 * every build; with it, Jazzer explores new inputs. Only {@link HttpParseException} may come out, and a request
 * split at any point must parse as it does whole.
 */
class ParserFuzzTest {
    private static final HttpLimits LIMITS = HttpLimits.builder().maxBodySize(1 << 20).build();

    @FuzzTest(maxDuration = "30s")
    void requestHead(byte[] data) {
        String whole = parseAll(data, data.length);
        String split = parseAll(data, data.length == 0 ? 1 : 1 + (data[0] & 0x0f));
        if (!whole.equals(split)) throw new AssertionError("split parse differs: " + whole + " vs " + split);
    }

    @FuzzTest(maxDuration = "30s")
    void chunkedBody(byte[] data) {
        ChunkedDecoder d = new ChunkedDecoder(LIMITS);
        ByteBuffer in = ByteBuffer.wrap(data);
        long[] got = {0};
        try {
            d.decode(in, chunk -> got[0] += chunk.remaining());
        } catch (HttpParseException expected) {
            // a typed rejection is the only acceptable failure
        }
        if (got[0] > data.length) throw new AssertionError("decoded more than was given");
    }

    /** Parses requests out of {@code data} fed in pieces of {@code step} bytes; describes what came out. */
    private static String parseAll(byte[] data, int step) {
        RequestParser parser = new RequestParser(LIMITS);
        RequestHead head = new RequestHead();
        StringBuilder out = new StringBuilder();
        ByteBuffer pending = ByteBuffer.allocate(data.length);
        try {
            for (int off = 0; off < data.length; off += step) {
                pending.put(data, off, Math.min(step, data.length - off)).flip();
                while (pending.hasRemaining() && parser.parseHead(pending, head)) {
                    out.append(head.methodName()).append(' ').append(head.target()).append(';');
                    head.reset();
                }
                pending.compact();
            }
        } catch (HttpParseException e) {
            out.append("error ").append(e.status());
        }
        return out.toString();
    }
}
