package dev.gannet.tls;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Outside programs the TLS tests drive (openssl). In CI ({@code CI=true}) a missing one fails the test, because
 * {@code .ci/run} installs it; elsewhere the test is skipped with the reason shown.
 */
final class ExternalProgram {
    private ExternalProgram() {
    }

    static String require(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return p.toString();
        }
        String why = name + " is not installed (Debian: apt-get install " + name + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why + "; .ci/run should have installed it");
        Assumptions.abort(why);
        return null;
    }
}
