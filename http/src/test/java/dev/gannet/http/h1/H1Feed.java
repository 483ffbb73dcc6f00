package dev.gannet.http.h1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Drives a parser the way the HTTP server does, over a simulated transport: bytes arrive in chunks, unconsumed
 * bytes are kept and handed back, and each request is a head then its body.
 */
final class H1Feed {

    /** How the simulated transport keeps the unconsumed bytes between calls. */
    enum Buffering {
        /** Compact to the front of a heap buffer after each call. */
        COMPACT_HEAP,
        /** Compact to the front of a direct buffer (what the real transport hands over). */
        COMPACT_DIRECT,
        /** Never compact: append after the limit, so requests start at arbitrary non-zero positions. */
        APPEND,
        /** A read-only heap buffer: no accessible array, like a direct one. */
        READ_ONLY
    }

    /**
     * What came out of a byte stream: one description per request, the error that stopped parsing (status 0 if
     * none), and where the stream was left ("idle", "partial head" or "partial body").
     */
    record Outcome(List<String> requests, int status, String reason, String tail) {
        boolean failed() {
            return status != 0;
        }

        @Override
        public String toString() {
            return "requests=" + requests + " status=" + status + " reason=" + reason + " tail=" + tail;
        }
    }

    private H1Feed() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static Outcome whole(HttpLimits limits, byte[] data) {
        return feed(limits, data, new int[] {data.length}, Buffering.APPEND);
    }

    static Outcome byteByByte(HttpLimits limits, byte[] data, Buffering buffering) {
        int[] chunks = new int[data.length];
        Arrays.fill(chunks, 1);
        return feed(limits, data, chunks, buffering);
    }

    static Outcome randomSplits(HttpLimits limits, byte[] data, Random random, Buffering buffering) {
        List<Integer> sizes = new ArrayList<>();
        for (int left = data.length; left > 0; ) {
            int n = Math.min(left, 1 + random.nextInt(Math.max(1, Math.min(left, 64))));
            sizes.add(n);
            left -= n;
        }
        return feed(limits, data, sizes.stream().mapToInt(Integer::intValue).toArray(), buffering);
    }

    /**
     * Parses {@code data} fed whole, byte by byte and at random split points in every buffering mode, and at
     * every two-way split if it is short; asserts that all agree and returns the outcome.
     */
    static Outcome everyWay(HttpLimits limits, byte[] data) {
        Outcome expected = whole(limits, data);
        for (Buffering buffering : Buffering.values()) {
            assertThat(byteByByte(limits, data, buffering)).as("byte by byte, %s", buffering).isEqualTo(expected);
            Random random = new Random(31L * data.length + buffering.ordinal());
            for (int i = 0; i < 8; i++) {
                assertThat(randomSplits(limits, data, random, buffering)).as("random splits, %s", buffering)
                        .isEqualTo(expected);
            }
        }
        if (data.length <= 400) {
            for (int at = 0; at <= data.length; at++) {
                Outcome split = feed(limits, data, new int[] {at, data.length - at}, Buffering.COMPACT_DIRECT);
                assertThat(split).as("split at %d", at).isEqualTo(expected);
            }
        }
        return expected;
    }

    static Outcome everyWay(byte[] data) {
        return everyWay(HttpLimits.DEFAULTS, data);
    }

    static Outcome everyWay(String data) {
        return everyWay(HttpLimits.DEFAULTS, ascii(data));
    }

    static Outcome feed(HttpLimits limits, byte[] data, int[] chunks, Buffering buffering) {
        Connection c = new Connection(limits);
        int offset = 0;
        switch (buffering) {
            case APPEND -> {
                int lead = 5;
                ByteBuffer in = ByteBuffer.allocate(lead + data.length);
                in.position(lead).limit(lead);
                for (int n : chunks) {
                    int at = in.limit();
                    in.limit(at + n);
                    in.put(at, data, offset, n);
                    offset += n;
                    if (!c.onData(in)) break;
                    assertThat(in.limit()).as("limit after a call").isEqualTo(at + n);
                }
            }
            case COMPACT_HEAP, COMPACT_DIRECT -> {
                ByteBuffer in = buffering == Buffering.COMPACT_HEAP
                        ? ByteBuffer.allocate(data.length)
                        : ByteBuffer.allocateDirect(data.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int n : chunks) {
                    in.put(data, offset, n);
                    offset += n;
                    in.flip();
                    int limit = in.limit();
                    if (!c.onData(in)) break;
                    assertThat(in.limit()).as("limit after a call").isEqualTo(limit);
                    in.compact();
                }
            }
            case READ_ONLY -> {
                byte[] pending = new byte[0];
                for (int n : chunks) {
                    byte[] next = Arrays.copyOf(pending, pending.length + n);
                    System.arraycopy(data, offset, next, pending.length, n);
                    offset += n;
                    ByteBuffer in = ByteBuffer.wrap(next).asReadOnlyBuffer();
                    if (!c.onData(in)) break;
                    pending = Arrays.copyOfRange(next, in.position(), next.length);
                }
            }
        }
        return c.outcome();
    }

    /** One connection's request loop, as the server would write it. */
    private static final class Connection {
        private final RequestParser parser;
        private final RequestHead head = new RequestHead();
        private final List<String> requests = new ArrayList<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final BodySink sink = data -> {
            byte[] copy = new byte[data.remaining()];
            data.get(data.position(), copy);
            // Consuming the slice must not matter to the decoder.
            data.position(data.limit());
            body.write(copy, 0, copy.length);
        };
        private BodyDecoder bodyDecoder;
        private HttpParseException error;

        Connection(HttpLimits limits) {
            parser = new RequestParser(limits);
        }

        /** Returns false once the stream failed. */
        boolean onData(ByteBuffer in) {
            try {
                while (true) {
                    if (bodyDecoder == null) {
                        if (!parser.parseHead(in, head)) return true;
                        bodyDecoder = parser.body(head);
                        body.reset();
                    }
                    if (!bodyDecoder.decode(in, sink)) return true;
                    requests.add(describe(head, body.toByteArray()));
                    bodyDecoder = null;
                }
            } catch (HttpParseException e) {
                error = e;
                return false;
            }
        }

        Outcome outcome() {
            String tail = bodyDecoder != null ? "partial body" : parser.hasPartialHead() ? "partial head" : "idle";
            return error == null
                    ? new Outcome(requests, 0, null, tail)
                    : new Outcome(requests, error.status(), error.reason(), "failed");
        }
    }

    /** Everything the head says, as text, so two parses can be compared. */
    static String describe(RequestHead h, byte[] body) {
        StringBuilder sb = new StringBuilder();
        sb.append(h.method()).append('(').append(h.methodName()).append(") ").append(h.target()).append(' ')
                .append(h.version()).append(" form=").append(h.targetForm()).append(" path=").append(h.path())
                .append(" query=").append(h.query());
        for (int i = 0; i < h.headerCount(); i++) sb.append(" [").append(h.name(i)).append(": ").append(h.value(i)).append(']');
        sb.append(" cl=").append(h.contentLength()).append(" chunked=").append(h.chunked())
                .append(" keepAlive=").append(h.keepAlive()).append(" expect=").append(h.expectContinue())
                .append(" upgrade=").append(h.upgradeRequested()).append(" host=").append(h.host())
                .append(" headLength=").append(h.headLength())
                .append(" body=").append(new String(body, StandardCharsets.ISO_8859_1));
        return sb.toString();
    }
}
