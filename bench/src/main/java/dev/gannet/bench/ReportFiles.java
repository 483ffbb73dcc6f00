package dev.gannet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** What every benchmark's report shares: the machine line at its top, and printing and saving it at the end. */
public final class ReportFiles {
    private ReportFiles() {}

    /** Date, CPU, kernel and JDK: what a reader needs to know which machine the numbers came from. */
    public static String environment() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // Not Linux or unreadable: the rest of the line still helps.
        }
        return String.format(Locale.ROOT, "%s · %s, %d cores · Linux %s · Java %s (%s)",
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")), cpu,
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.version"),
                Runtime.version(), System.getProperty("java.vendor"));
    }

    /**
     * Prints {@code report} (Markdown) as plain text, writes the Markdown to {@code out}, and returns the exit
     * status: 1 when {@code failed} of the {@code total} runs failed (named with where their logs are), else 0.
     */
    public static int publish(String report, Path out, long failed, int total, String failedWhat, Path logDir)
            throws IOException {
        String file = shown(out);
        System.out.println();
        System.out.print(TextReport.render(report, file));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("Written as Markdown to " + file + ".");
        if (failed > 0) {
            System.err.println(failed + " of " + total + " runs " + failedWhat + "; see the Failures section and "
                    + logDir);
            return 1;
        }
        return 0;
    }

    /** {@code out} relative to the working directory when it lies below it (as the default does), else absolute. */
    static String shown(Path out) {
        Path abs = out.toAbsolutePath().normalize();
        Path here = Path.of("").toAbsolutePath();
        return abs.startsWith(here) && !abs.equals(here) ? here.relativize(abs).toString() : abs.toString();
    }
}
