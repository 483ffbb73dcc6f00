package dev.gannet.bench.jmh;

import dev.gannet.http.HttpServer;
import dev.gannet.http.LocalConnector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The whole request path without the kernel: parse → route → handler → encode, through {@link LocalConnector}.
 * Run with {@code ./gannet bench jmh HttpPathBench -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated
 * per request, which the plaintext path keeps at zero.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC", "-XX:AutoBoxCacheMax=65536"})
public class HttpPathBench {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);

    public record Message(String message) {
    }

    private LocalConnector local;
    private ByteBuffer plaintext;
    private ByteBuffer pipelined;
    private ByteBuffer json;
    private ByteBuffer param;

    @Setup
    public void setup() {
        HttpServer app = HttpServer.create()
                .get("/plaintext", (req, res) -> res.contentType("text/plain").send(HELLO))
                .get("/json", (req, res) -> res.json(new Message("Hello, World!")))
                .get("/users/{id}/posts/{post}", (req, res) -> res.contentType("text/plain").send(HELLO));
        local = LocalConnector.of(app);
        String get = "GET /plaintext HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n";
        plaintext = ByteBuffer.allocateDirect(get.length()).put(get.getBytes(StandardCharsets.US_ASCII)).flip();
        pipelined = ByteBuffer.allocateDirect(get.length() * 16).put(get.repeat(16).getBytes(StandardCharsets.US_ASCII)).flip();
        String j = "GET /json HTTP/1.1\r\nHost: localhost:8080\r\n\r\n";
        json = ByteBuffer.allocateDirect(j.length()).put(j.getBytes(StandardCharsets.US_ASCII)).flip();
        String p = "GET /users/1234/posts/99 HTTP/1.1\r\nHost: localhost:8080\r\n\r\n";
        param = ByteBuffer.allocateDirect(p.length()).put(p.getBytes(StandardCharsets.US_ASCII)).flip();
    }

    private int run(ByteBuffer request) {
        local.clearOutput();
        local.feed(request.rewind());
        return local.outputLength();
    }

    @Benchmark
    public int plaintext() {
        return run(plaintext);
    }

    /** Sixteen requests per call, as a pipelining client sends them. */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(16)
    public int plaintextPipelined16() {
        return run(pipelined);
    }

    @Benchmark
    public int pathParameters() {
        return run(param);
    }

    @Benchmark
    public int json() {
        return run(json);
    }
}
