package dev.gannet.bench.jmh;

import com.dslplatform.json.CompiledJson;
import com.dslplatform.json.DslJson;
import com.dslplatform.json.runtime.Settings;
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
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.TimeUnit;

/**
 * Jackson 3 against DSL-JSON on the {@code /json} payload, serialized into a reused buffer as the server does.
 * Run with {@code ./gannet bench jmh JsonBench -prof gc}; the faster library is the default mapper.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-XX:+UseParallelGC"})
public class JsonBench {
    @CompiledJson
    public record Message(String message) {
    }

    private final JsonMapper jackson = JsonMapper.builder().build();
    private final DslJson<Object> dsl = new DslJson<>(Settings.withRuntime().includeServiceLoader());
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    @Setup
    public void check() throws Exception {
        out.reset();
        dsl.serialize(new Message("Hello, World!"), out);
        String d = out.toString();
        String j = jackson.writeValueAsString(new Message("Hello, World!"));
        if (!d.equals(j)) throw new IllegalStateException("outputs differ: " + d + " vs " + j);
    }

    @Benchmark
    public int jackson() {
        out.reset();
        jackson.writeValue(out, new Message("Hello, World!"));
        return out.size();
    }

    @Benchmark
    public int dslJson() throws Exception {
        out.reset();
        dsl.serialize(new Message("Hello, World!"), out);
        return out.size();
    }
}
