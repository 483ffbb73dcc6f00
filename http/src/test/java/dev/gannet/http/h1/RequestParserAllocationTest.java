package dev.gannet.http.h1;

import static dev.gannet.http.h1.H1Feed.ascii;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * Steady-state parsing must not allocate: per-request garbage is what makes a JVM server lose to Netty under
 * load. Measures bytes allocated by this thread; not a timing test.
 */
class RequestParserAllocationTest {

    private static final int REQUESTS = 100_000;

    private static final String GET = "GET /plaintext?x=1 HTTP/1.1\r\nHost: localhost:8080\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: text/plain,text/html;q=0.9\r\nAccept-Language: en-US,en;q=0.5\r\n"
            + "Connection: keep-alive\r\n\r\n";

    private static final String POSTS = "POST /json HTTP/1.1\r\nHost: localhost\r\nContent-Length: 13\r\n"
            + "Content-Type: application/json\r\n\r\n{\"hello\":\"x\"}"
            + "POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n";

    private static final BodySink DISCARD = data -> { };

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Parses every request in {@code in} from its start, {@code rounds} times; returns the requests parsed. */
    private static int run(RequestParser parser, RequestHead head, ByteBuffer in, int rounds) throws HttpParseException {
        int parsed = 0;
        int limit = in.limit();
        for (int r = 0; r < rounds; r++) {
            in.limit(limit).position(0);
            while (in.hasRemaining()) {
                if (!parser.parseHead(in, head)) throw new AssertionError("incomplete head");
                // The zero-allocation accessors a router and the server use on each request.
                if (head.pathLength() == 0 || !head.hasHost() || head.headerIndex(HOST) < 0) throw new AssertionError();
                if (!parser.body(head).decode(in, DISCARD)) throw new AssertionError("incomplete body");
                parsed++;
            }
        }
        return parsed;
    }

    private static final byte[] HOST = ascii("host");

    private static double bytesPerRequest(String pipelined, boolean direct) throws HttpParseException {
        byte[] data = ascii(pipelined);
        ByteBuffer in = direct ? ByteBuffer.allocateDirect(data.length) : ByteBuffer.allocate(data.length);
        in.put(data).flip();
        RequestParser parser = new RequestParser();
        RequestHead head = new RequestHead();
        int perRound = run(parser, head, in, 1);
        int rounds = REQUESTS / perRound;
        run(parser, head, in, rounds); // warm-up: JIT compilation, and the head's arrays reach their final size
        long before = allocatedBytes();
        int parsed = run(parser, head, in, rounds);
        long allocated = allocatedBytes() - before;
        assertThat(parsed).isEqualTo(rounds * perRound);
        return (double) allocated / parsed;
    }

    @Test
    void pipelinedGetsFromADirectBufferAllocateNothing() throws Exception {
        double perRequest = bytesPerRequest(GET.repeat(8), true);
        assertThat(perRequest).as("bytes allocated per request").isLessThan(1.0);
    }

    @Test
    void pipelinedGetsFromAHeapBufferAllocateNothing() throws Exception {
        double perRequest = bytesPerRequest(GET.repeat(8), false);
        assertThat(perRequest).as("bytes allocated per request").isLessThan(1.0);
    }

    @Test
    void bodiesFixedAndChunkedAllocateNothing() throws Exception {
        double perRequest = bytesPerRequest(POSTS.repeat(4), true);
        assertThat(perRequest).as("bytes allocated per request").isLessThan(1.0);
    }
}
