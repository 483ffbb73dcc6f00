package dev.gannet.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * {@code jmh [regex] [jmh args]}: runs JMH over the benchmarks compiled into this module. JMH forks its own JVMs
 * with the current class path, so the jar plus {@code lib/*} is all it needs.
 */
final class JmhBench implements Bench {

    /** Written by jmh-generator-annprocess at compile time, only when the module holds at least one @Benchmark. */
    private static final String BENCHMARK_LIST = "/META-INF/BenchmarkList";

    @Override
    public String name() {
        return "jmh";
    }

    @Override
    public String summary() {
        return "JMH micro-benchmarks in the bench module: jmh [regex] [JMH options, e.g. -prof gc -f 1]";
    }

    @Override
    public void usage(PrintStream out) {
        out.println("usage: gannet bench jmh [regex] [JMH options]");
        out.println("  Passes everything to JMH. Examples:");
        out.println("    gannet bench jmh -l                      list the benchmarks");
        out.println("    gannet bench jmh Parse -prof gc -f 1     run those matching 'Parse' with the GC profiler");
        out.println("  JMH's own help: gannet bench jmh -h");
    }

    @Override
    public int run(List<String> args) throws Exception {
        if (JmhBench.class.getResource(BENCHMARK_LIST) == null) {
            // JMH's own message for this case ("Unable to find the resource") does not say why.
            System.err.println("error: no JMH benchmarks were compiled into the bench module ("
                    + BENCHMARK_LIST + " is missing); add a @Benchmark class under bench/src/main/java and rebuild");
            return 1;
        }
        org.openjdk.jmh.Main.main(args.toArray(String[]::new));
        return 0;
    }
}
