package dev.gannet.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Outside programs the tests of every module drive (curl, wrk, openssl). In CI ({@code CI=true}) a missing one fails the test, because
 * {@code .ci/run} installs it; elsewhere the test is skipped with the reason shown.
 */
public final class ExternalTool {
    private ExternalTool() {
    }

    public static String require(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        String why = name + " is not installed (Debian: apt-get install " + name + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why + "; .ci/run should have installed it");
        Assumptions.abort(why);
        return null;
    }

    /** Runs a command, returns its standard output; fails on a non-zero exit. */
    public static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        if (p.exitValue() != 0) throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + out);
        return out;
    }
}
