package dev.gannet.bench.http;

import dev.gannet.bench.ChildProcesses;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs wrk (the Debian package) pinned to the driver core and reads the one line that the bench's Lua
 * {@code done()} hook prints, instead of wrk's human summary.
 */
final class Wrk {

    /** wrk's own start-up (256 connects, TLS handshakes) and exit, beyond the duration it is given. */
    private static final long SLACK_SECONDS = 30;

    private Wrk() {}

    /**
     * What one wrk run reports. Latencies in microseconds; a percentile wrk could not compute is NaN.
     * {@code status} counts responses with a status of 400 or more (wrk's definition of a status error); the
     * others are wrk's socket errors.
     */
    record Result(long requests, double seconds, long bytes, double p50Us, double p90Us, double p99Us, double maxUs,
                  long connect, long read, long write, long status, long timeout, long windowRequests) {

        /** This run narrowed to a measured window: its requests and length; errors and latency stay the run's. */
        Result window(double windowSeconds) {
            return new Result(windowRequests, windowSeconds, bytes, p50Us, p90Us, p99Us, maxUs, connect, read, write,
                    status, timeout, windowRequests);
        }

        long socketErrors() {
            return connect + read + write + timeout;
        }

        long errors() {
            return socketErrors() + status;
        }

        double rate() {
            return seconds > 0 ? requests / seconds : 0;
        }
    }

    /** The wrk binary: /usr/bin/wrk, or the first one on the PATH. */
    static String locate() {
        if (Files.isExecutable(Path.of("/usr/bin/wrk"))) {
            return "/usr/bin/wrk";
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "wrk"))) {
                return Path.of(dir, "wrk").toString();
            }
        }
        throw new IllegalStateException("wrk is not installed (not at /usr/bin/wrk nor on the PATH); the http bench "
                + "drives the servers with it. Debian/Ubuntu: apt-get install wrk");
    }

    /**
     * {@code taskset -c CORE wrk -t1 -cN -dSs -s SCRIPT [-H 'Connection: close'] URL -- DEPTH}. One thread: the
     * driver has one core, like the server.
     */
    static List<String> command(String wrk, int core, int connections, int seconds, Path script, int depth,
                                boolean close, String url) {
        return command(wrk, core, connections, seconds, script, depth, close, url, 0);
    }

    /**
     * As above; with {@code countFromEpochSecond} > 0 the script also counts the requests written from that second
     * on ({@link Result#windowRequests()}).
     */
    static List<String> command(String wrk, int core, int connections, int seconds, Path script, int depth,
                                boolean close, String url, long countFromEpochSecond) {
        List<String> cmd = new ArrayList<>(List.of("taskset", "-c", Integer.toString(core), wrk, "-t1",
                "-c" + connections, "-d" + seconds + "s", "-s", script.toString()));
        if (close) {
            cmd.addAll(List.of("-H", "Connection: close"));
        }
        cmd.add(url);
        cmd.add("--");
        cmd.add(Integer.toString(depth));
        if (countFromEpochSecond > 0) {
            cmd.add(Long.toString(countFromEpochSecond));
        }
        return cmd;
    }

    /** Runs wrk to completion with its output in {@code log}; fails when it reports no result line. */
    static Result run(List<String> command, int seconds, Path log) throws IOException, InterruptedException {
        return finish(ChildProcesses.start(command, log), seconds, log);
    }

    /** Waits for a wrk started with {@link ChildProcesses#start} and reads its result line. */
    static Result finish(Process p, int seconds, Path log) throws IOException, InterruptedException {
        try {
            long limit = seconds + SLACK_SECONDS;
            if (!p.waitFor(limit, TimeUnit.SECONDS)) {
                throw new IOException("wrk did not finish within " + limit + " s; its output (" + log + "):\n"
                        + ChildProcesses.tail(log, 10));
            }
        } finally {
            ChildProcesses.stop(p, Duration.ofSeconds(1));
        }
        String line = null;
        for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            if (l.startsWith("GANNET_WRK ")) {
                line = l;
            }
        }
        if (p.exitValue() != 0 || line == null) {
            throw new IOException("wrk exited with code " + p.exitValue() + " and no result line; its output ("
                    + log + "):\n" + ChildProcesses.tail(log, 10));
        }
        return parse(line);
    }

    /** Reads {@code GANNET_WRK key=value ...}. */
    static Result parse(String line) {
        Map<String, String> kv = new HashMap<>();
        for (String token : line.substring("GANNET_WRK ".length()).trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                kv.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        long max = num(kv, "max_us");
        return new Result(num(kv, "requests"), num(kv, "duration_us") / 1e6, num(kv, "bytes"),
                percentile(kv, "p50_us", max), percentile(kv, "p90_us", max), percentile(kv, "p99_us", max), max,
                num(kv, "connect"), num(kv, "read"), num(kv, "write"), num(kv, "status"), num(kv, "timeout"),
                num(kv, "window_requests"));
    }

    /**
     * A percentile, or NaN where wrk answered 0 although it recorded latencies: its percentile walk starts at the
     * recorded minimum and can miss the samples its coordinated-omission correction added below it.
     */
    private static double percentile(Map<String, String> kv, String key, long max) {
        long v = num(kv, key);
        return v == 0 && max > 0 ? Double.NaN : v;
    }

    private static long num(Map<String, String> kv, String key) {
        String v = kv.get(key);
        if (v == null) {
            throw new IllegalArgumentException("wrk's result line has no " + key);
        }
        // Lua's %d of a float prints an integer; be lenient about a stray ".0" anyway.
        return Math.round(Double.parseDouble(v));
    }
}
