package dev.gannet.uring;

import dev.gannet.engine.Engines;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where io_uring cannot run, {@code auto} and {@code io_uring} both give nio, with one log line saying why. A JVM
 * without {@code --enable-native-access} is such a place on any machine, so this runs everywhere.
 */
class FallbackTest {

    /** Run in the child JVM: prints the engines that "auto" and "io_uring" resolve to. */
    public static void main(String[] args) {
        System.out.println(Engines.get("auto").name() + " " + Engines.get("io_uring").name() + " "
                + Engines.get("io_uring").name());
    }

    @Test
    void withoutNativeAccessBothNamesFallBackToNioWithOneLine() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                FallbackTest.class.getName())).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(out).isEqualTo("nio nio nio");
        String line = "engine io_uring unavailable (the JVM needs --enable-native-access=ALL-UNNAMED); using nio";
        assertThat(err).contains(line);
        assertThat(err.indexOf(line)).isEqualTo(err.lastIndexOf(line));
        // The JVM's own restricted-method warning never appears: nothing restricted was called.
        assertThat(err).doesNotContain("restricted method");
    }
}
