package dev.gannet.fep.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Records appended before a SIGKILL are all there afterwards: they were in the page cache, not the process. */
class JournalKillTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void recordsSurviveAKilledWriter() throws Exception {
        int n = 5_000;
        Path file = dir.resolve("member-1/session.journal");
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                KillTarget.class.getName(), file.toString(), Integer.toString(n), FsyncPolicy.NONE.name())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        long appended;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("child output").startsWith("ready ");
            appended = Long.parseLong(line.substring("ready ".length()));
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        try (Journal journal = Journal.open(file, FsyncPolicy.NONE)) {
            List<Long> seqs = LongStream.rangeClosed(1, n).boxed().toList();
            Frames.assertHolds(journal, Journal.IN, seqs);
            Frames.assertHolds(journal, Journal.OUT, seqs);
            assertThat(journal.appendedPosition()).isEqualTo(appended);
        }
    }
}
