package dev.gannet.bench;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Entry point of the bench module: {@code BenchMain <bench> [args]}. The {@code ./gannet bench} launcher calls
 * this with the bench jar and {@code bench/target/lib/*} on the class path.
 */
public final class BenchMain {

    /** Every bench, in the order {@code --help} lists them. Add new ones (e.g. http) here. */
    static final List<Bench> BENCHES = List.of(new TcpEchoBench(), new dev.gannet.bench.http.HttpBench(), new dev.gannet.bench.ws.WsBench(), new FepBench(), new AllocBench(), new IdleBench(), new JmhBench());

    private BenchMain() {}

    public static void main(String[] args) {
        int code;
        try {
            code = run(args);
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("error: " + e);
            e.printStackTrace(System.err);
            code = 1;
        }
        // The JMH runner and child-process readers may leave non-daemon threads; the exit code is what counts.
        System.exit(code);
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage(System.out);
            return args.length == 0 ? 2 : 0;
        }
        Bench bench = find(args[0]);
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        // Only the long form: "jmh -h" must reach JMH's own help.
        if (rest.contains("--help")) {
            bench.usage(System.out);
            return 0;
        }
        return bench.run(rest);
    }

    static Bench find(String name) {
        for (Bench b : BENCHES) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new UsageException("unknown bench '" + name + "'; the benches are: "
                + BENCHES.stream().map(Bench::name).collect(Collectors.joining(", ")) + " (see --help)");
    }

    static void usage(PrintStream out) {
        out.println("usage: ./gannet bench <bench> [options]     (./gannet bench <bench> --help: a bench's options)");
        out.println();
        out.println("benches:");
        for (Bench b : BENCHES) {
            out.printf("  %-6s %s%n", b.name(), b.summary());
        }
        out.println();
        out.println("tcp, http, ws and fep print a table and write it, with every run, as Markdown to");
        out.println("bench/target/results-<bench>.md (--out FILE to choose).");
    }

    /** A mistake on the command line: reported as one line, without a stack trace. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
