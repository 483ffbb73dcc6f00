package dev.gannet.bench;

import java.io.PrintStream;
import java.util.List;

/**
 * One sub-command of {@link BenchMain}. A new benchmark (say {@code http}) is one class implementing this,
 * added to {@link BenchMain#BENCHES}; nothing else has to change.
 */
public interface Bench {

    /** The word on the command line, e.g. {@code tcp}. */
    String name();

    /** One line for the list in {@code --help}. */
    String summary();

    /** The bench's own help, printed for {@code BenchMain <name> --help}. */
    void usage(PrintStream out);

    /**
     * Runs the bench with the arguments that followed its name.
     *
     * @return the process exit code: 0 when everything ran, non-zero when something failed
     */
    int run(List<String> args) throws Exception;
}
