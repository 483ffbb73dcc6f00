package dev.gannet.bench.ws;

import dev.gannet.bench.ChildProcesses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A child JVM (a server or a {@link WsLoad}) spoken to in lines: commands on its stdin, answers on its stdout. A reader
 * thread copies every line to the child's log and queues the answers; lines that start with {@code DONE } (the
 * broadcast progress, many per second) go to a callback instead. The process is tracked by {@link ChildProcesses},
 * whose shutdown hook kills it however the bench ends; and since the children exit at the end of their stdin, they
 * also go when this JVM is killed outright.
 */
final class LineChild {
    private final Process process;
    private final PrintWriter stdin;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;
    private volatile Consumer<String> onDone = s -> { };

    LineChild(List<String> command, Path log) throws IOException {
        this.log = log;
        Files.createDirectories(log.toAbsolutePath().getParent());
        process = ChildProcesses.start(command, null);
        stdin = new PrintWriter(new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII),
                true);
        Thread reader = new Thread(this::pump, "child-" + log.getFileName());
        reader.setDaemon(true);
        reader.start();
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
             OutputStream file = Files.newOutputStream(log)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("DONE ")) {
                    onDone.accept(line.substring(5));
                    continue;
                }
                // Histograms are long and unreadable: the log keeps their first characters only.
                String shown = line.length() > 300 ? line.substring(0, 300) + "..." : line;
                file.write((shown + "\n").getBytes(StandardCharsets.UTF_8));
                file.flush();
                lines.add(line);
            }
        } catch (IOException e) {
            // The child is gone; await() reports it.
        }
    }

    void onDone(Consumer<String> callback) {
        onDone = callback;
    }

    void send(String command) {
        stdin.println(command);
    }

    Process process() {
        return process;
    }

    long pid() {
        return ChildProcesses.javaPid(process);
    }

    Path log() {
        return log;
    }

    /** The next line starting with {@code prefix} (earlier other lines are dropped); fails on timeout or exit. */
    String await(String prefix, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no '" + prefix + "' from " + log.getFileName() + " within "
                        + timeout.toSeconds() + " s; its output:\n" + ChildProcesses.tail(log, 10));
            }
            String line = lines.poll(Math.min(left, 200_000_000L), TimeUnit.NANOSECONDS);
            if (line != null && line.startsWith(prefix)) return line;
            if (line == null && !process.isAlive() && lines.isEmpty()) {
                Thread.sleep(100); // let the reader finish the log
                throw new IOException(log.getFileName() + " exited with code " + process.exitValue()
                        + " before '" + prefix + "'; its output:\n" + ChildProcesses.tail(log, 10));
            }
        }
    }

    /** Closes stdin (the child exits by itself), then SIGTERM and SIGKILL if it lingers. */
    void stop(Duration grace) {
        stdin.close();
        try {
            process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ChildProcesses.stop(process, Duration.ofSeconds(2));
    }
}
