package dev.gannet.server;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's axis ticks (dashboard/axis.js), tested as the page runs them: in JavaScript, by node's own test
 * runner (src/test/js/axis.test.js).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardAxisTest {
    private static final Path TESTS = Path.of("src/test/js/axis.test.js");

    private static String node() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "node");
            if (Files.isExecutable(p)) return p.toString();
        }
        String why = "node is not installed (Debian: apt-get install nodejs)";
        // CI installs it: there a missing node is a broken setup, not a reason to skip.
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why + "; .ci/run should have installed it");
        Assumptions.abort(why);
        return null;
    }

    @Test
    void axisTicksPassTheirNodeTests() throws Exception {
        String node = node();
        assertThat(TESTS).as("run from the server module's directory").isRegularFile();
        Process p = new ProcessBuilder(node, "--test", TESTS.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("node --test finished").isTrue();
        System.out.println(out);
        assertThat(p.exitValue()).as(out).isZero();
        // A runner that found nothing exits 0 too: the tests must have run.
        assertThat(out).containsPattern("(?m)^# pass [1-9]").contains("# fail 0");
    }
}
