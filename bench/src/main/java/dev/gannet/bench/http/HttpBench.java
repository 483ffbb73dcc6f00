package dev.gannet.bench.http;

import dev.gannet.bench.ReportFiles;
import dev.gannet.bench.Bench;
import dev.gannet.bench.ChildProcesses;
import dev.gannet.bench.ProcStat;
import dev.gannet.bench.QuietCores;
import dev.gannet.bench.Retries;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * {@code http [--quick]}: Gannet's HTTP server against tuned Netty (epoll, io_uring) and Vert.x, driven by wrk,
 * in one run.
 *
 * <p>Each server is its own JVM pinned to core 0 with one event loop; wrk runs with one thread pinned to core 1.
 * A round starts every contender's server once (a second set, with TLS, for the TLS workload) and checks its URLs,
 * then runs each workload on each contender in turn (w1: A B C D, w2: A B C D, ...), so slow drifts of this shared
 * machine spread over all of them; the next round starts the servers afresh and rotates the order (B C D A), so no
 * contender always follows the same neighbour. Each run is a wrk warm-up then a measured wrk run; each figure is
 * the median over the rounds. Only ratios inside one run mean anything here; see the performance guide.
 */
public final class HttpBench implements Bench {

    static final int SERVER_CORE = QuietCores.SERVER_CORE;
    static final int DRIVER_CORE = QuietCores.DRIVER_CORE;
    /** The share of a pinned core taken by others above which a run is flagged as disturbed. */
    static final double DISTURBED = QuietCores.DISTURBED;
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(3);
    private static final int TLS_PREWARM_CONNECTIONS = 16;

    /** What to run. Boxed fields stay null until set, so --quick fills only what the user left unset. */
    static final class Settings {
        boolean quick;
        Integer rounds;
        Integer warmup;
        Integer duration;
        /** TLS only: seconds of short connections that compile the handshake, before the keep-alive warm-up. */
        int tlsPrewarm;
        /** TLS only: added to the warm-up, for the 256 handshakes and the record path's compilation. */
        int tlsExtraWarmup;
        int connections = 256;
        int depth = 16;
        int blockingThreads = 256;
        List<HttpContender> contenders = HttpContender.ALL;
        List<HttpWorkload> workloads = HttpWorkload.all();
        Path out;

        void applyDefaults() {
            if (rounds == null) {
                rounds = quick ? 1 : 3;
            }
            if (warmup == null) {
                warmup = quick ? 2 : 3;
            }
            if (duration == null) {
                duration = quick ? 2 : 6; // 84 runs x (3 + 6) s keeps a full run near 14 minutes
            }
            tlsPrewarm = quick ? 2 : 3;
            tlsExtraWarmup = quick ? 2 : 3;
        }
    }

    /** One contender's server process for a round, with what its URL check found. */
    private record Server(HttpContender contender, Process process, int port, long pid, Path log, String failure,
                          Map<HttpWorkload, String> invalid) {
        String whyNot(HttpWorkload w) {
            return failure != null ? failure : invalid.get(w);
        }
    }

    /** Thrown for a mistake on the command line; {@link #run} prints it as one line. */
    static final class Usage extends IllegalArgumentException {
        Usage(String message) {
            super(message);
        }
    }

    public HttpBench() {}

    @Override
    public String name() {
        return "http";
    }

    @Override
    public String summary() {
        return "HTTP/1.1 with wrk, 7 workloads (pipelined, keep-alive, JSON, close, file, TLS, blocking): Gannet vs "
                + "Netty epoll/io_uring, Vert.x [--quick]";
    }

    @Override
    public void usage(PrintStream out) {
        out.println("usage: gannet bench http [--quick] [options]");
        out.println("  Each server is a JVM on core " + SERVER_CORE + " with one event loop; wrk (one thread, "
                + "256 connections) runs on core " + DRIVER_CORE + ".");
        out.println("  Rounds are interleaved (per workload: A B C D), the order rotates each round; figures are "
                + "medians.");
        out.println("  Needs wrk (apt-get install wrk) and taskset.");
        out.println("  --quick                 1 round, 2 s warm-up, 2 s measured (about 3 minutes)");
        out.println("                          default: 3 rounds, 3 s warm-up, 8 s measured (about 19 minutes)");
        out.println("                          (TLS: 3 s of short connections, then a warm-up 3 s longer; quick: 2 s)");
        out.println("  --only a,b              contenders: " + HttpContender.names(HttpContender.ALL));
        out.println("  --workloads a,b         workloads: " + HttpWorkload.keys(HttpWorkload.all()));
        out.println("  --rounds N  --warmup S  --duration S   (whole seconds: wrk takes no fractions)");
        out.println("  --connections N         wrk connections (default 256)");
        out.println("  --depth N               pipelining depth of plaintext-pipelined (default 16)");
        out.println("  --blocking-threads N    the peers' pool for /bench/sleep (default 256, one per connection)");
        out.println("  --out FILE              the results (default: bench/target/results-http.md)");
    }

    @Override
    public int run(List<String> args) throws Exception {
        Settings s;
        String wrk;
        try {
            s = parse(args);
            wrk = Wrk.locate();
            if (s.contenders.stream().anyMatch(HttpContender::gannet)) {
                ChildProcesses.requireOnClassPath(HttpContender.GANNET_MAIN, "netty-epoll,netty-io_uring,vertx");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        ChildProcesses.requirePinning(DRIVER_CORE + 1);
        Path targetDir = ChildProcesses.targetDir();
        Path out = s.out != null ? s.out : targetDir.resolve("results-http.md");
        Path logDir = targetDir.resolve("bench-logs").resolve("http");
        Files.createDirectories(logDir);
        // Logs of an earlier run would sit among this run's under the same names, minus the ones it skipped.
        try (var old = Files.newDirectoryStream(logDir, "*.log")) {
            for (Path f : old) {
                Files.deleteIfExists(f);
            }
        }
        BenchFiles files = BenchFiles.create(targetDir.resolve("http-bench"));
        SSLContext clientTls = HttpProbe.trusting(files.certificate());
        ProcStat.clockTicksPerSecond(); // runs getconf now, so no child is reaped inside a measured window

        int total = s.rounds * s.workloads.size() * s.contenders.size();
        long variants = s.workloads.stream().map(w -> w.tls).distinct().count();
        long tlsRuns = s.workloads.contains(HttpWorkload.TLS) ? (long) s.rounds * s.contenders.size() : 0;
        double minutes = (total * (s.warmup + s.duration + 0.8)
                + tlsRuns * (s.tlsPrewarm + s.tlsExtraWarmup + 1.3)
                + s.rounds * variants * s.contenders.size() * 2.5) / 60;
        System.err.printf(Locale.ROOT, "http: %d runs (%s x %s x %d round%s), about %.0f min; logs in %s%n", total,
                HttpContender.names(s.contenders), HttpWorkload.keys(s.workloads), s.rounds,
                s.rounds == 1 ? "" : "s", Math.ceil(minutes), logDir);

        // Budgets that keep a full run near its estimate however busy the machine is: few retries of disturbed
        // runs, and a cap on the total wait for quiet cores.
        Retries retries = new Retries(s.quick ? 1 : 3);
        QuietCores quiet = new QuietCores(Duration.ofSeconds(s.quick ? 5 : 60), Duration.ofMillis(250));
        List<HttpRun> runs = new ArrayList<>();
        int index = 0;
        boolean previousClean = false;
        for (int round = 1; round <= s.rounds; round++) {
            int round0 = round;
            List<HttpContender> order = rotate(s.contenders, round - 1);
            Map<HttpContender, Server> servers = new LinkedHashMap<>();
            Boolean serversTls = null;
            try {
                for (HttpWorkload w : s.workloads) {
                    if (serversTls == null || serversTls != w.tls) {
                        stopAll(servers);
                        serversTls = w.tls;
                        servers = startAll(order, w.tls, round, s, files, clientTls, logDir);
                        previousClean = false;
                    }
                    for (HttpContender c : order) {
                        index++;
                        String prefix = String.format(Locale.ROOT, "[%d/%d] %s %s round %d", index, total, c.name(),
                                w.key, round);
                        String whyNot = servers.get(c).whyNot(w);
                        if (whyNot != null) {
                            System.err.println(prefix + " ... SKIPPED: " + firstLine(whyNot));
                            runs.add(HttpRun.failed(c.name(), w, round, whyNot));
                            continue;
                        }
                        boolean quietJustSeen = previousClean;
                        Map<HttpContender, Server> up = servers;
                        HttpRun best = retries.best(attempt -> {
                            // Right after a clean run the cores were just seen quiet; checking again costs time.
                            long waited = quietJustSeen && attempt == 1 ? 0 : quiet.await();
                            System.err.print(prefix + Retries.describe(attempt, waited) + " ... ");
                            System.err.flush();
                            HttpRun r = measure(up.get(c), w, round0, s, wrk, files, logDir);
                            System.err.println(r.ok() ? HttpReport.progress(r) : "FAILED: " + firstLine(r.failure()));
                            return r;
                        });
                        previousClean = best.ok() && !best.disturbed();
                        runs.add(best);
                    }
                }
            } finally {
                stopAll(servers);
            }
        }

        return ReportFiles.publish(HttpReport.markdown(runs, s), out, runs.stream().filter(r -> !r.ok()).count(), total,
                "failed or were skipped", logDir);
    }

    /** Starts each contender's server for a round, waits until it listens, and checks its URLs. Never throws. */
    private Map<HttpContender, Server> startAll(List<HttpContender> order, boolean tls, int round, Settings s,
                                                BenchFiles files, SSLContext clientTls, Path logDir) {
        Map<HttpContender, Server> servers = new LinkedHashMap<>();
        List<HttpWorkload> checked = s.workloads.stream().filter(w -> w.tls == tls).toList();
        for (HttpContender c : order) {
            Path log = logDir.resolve(String.format(Locale.ROOT, "%s-%s-r%d-server.log", c.name(),
                    tls ? "tls" : "plain", round));
            Process p = null;
            int port = 0;
            try {
                port = ChildProcesses.freePort();
                p = ChildProcesses.start(ChildProcesses.pinnedJava(SERVER_CORE, c.jvmFlags(), c.mainClass(),
                        c.args(port, files, tls, s.blockingThreads)), log);
                ChildProcesses.awaitListening(port, LISTEN_TIMEOUT, p, log);
                Map<HttpWorkload, String> invalid = HttpProbe.validate(port, tls ? clientTls : null, checked, files,
                        s.depth);
                if (!p.isAlive()) {
                    throw new IOException("the server exited while its URLs were checked; its output (" + log
                            + "):\n" + ChildProcesses.tail(log, 20));
                }
                for (Map.Entry<HttpWorkload, String> e : invalid.entrySet()) {
                    System.err.println(c.name() + ": " + e.getKey().key + " will not be measured: " + e.getValue());
                }
                servers.put(c, new Server(c, p, port, ChildProcesses.javaPid(p), log, null, invalid));
            } catch (IOException | RuntimeException e) {
                String why = "the " + (tls ? "TLS " : "") + "server did not start: " + e.getMessage();
                System.err.println(c.name() + ": " + firstLine(why));
                servers.put(c, new Server(c, p, port, 0, log, why, Map.of()));
            }
        }
        return servers;
    }

    private static void stopAll(Map<HttpContender, Server> servers) {
        for (Server server : servers.values()) {
            if (server.process() != null) {
                ChildProcesses.stop(server.process(), Duration.ofSeconds(3));
            }
        }
        servers.clear();
    }

    /**
     * A wrk warm-up, then the measured wrk run with /proc read around it (for TLS: one wrk run, see below). Never
     * throws: a failure becomes a failed run.
     */
    private HttpRun measure(Server server, HttpWorkload w, int round, Settings s, String wrk, BenchFiles files,
                            Path logDir) {
        String name = server.contender().name();
        String stem = String.format(Locale.ROOT, "%s-%s-r%d", name, w.key, round);
        String url = (w.tls ? "https" : "http") + "://127.0.0.1:" + server.port() + w.path;
        try {
            if (!server.process().isAlive()) {
                return HttpRun.failed(name, w, round, "the server had exited; its output (" + server.log() + "):\n"
                        + ChildProcesses.tail(server.log(), 10));
            }
            int depth = w.pipelined ? s.depth : 1;
            if (w.tls) {
                // A cold JVM's handshake (interpreted EC arithmetic) takes tens of milliseconds: 256 at once would
                // outlast the warm-up and leave a queue of handshakes for connections wrk has already dropped.
                // A few connections, each closed after one request, first compile the handshake path.
                Wrk.run(Wrk.command(wrk, DRIVER_CORE, TLS_PREWARM_CONNECTIONS, s.tlsPrewarm, files.script(), 1, true,
                        url), s.tlsPrewarm, logDir.resolve(stem + "-prewarm.log"));
                awaitIdle(server.pid());
            }
            Path log = logDir.resolve(stem + "-wrk.log");
            Sample before;
            Sample after;
            Wrk.Result r;
            long wrkTicks;
            if (w.tls) {
                // Warm-up and measured window in one wrk run, on the same connections: a second run would open 256
                // new ones, and their handshakes (milliseconds each in the JDK) would weigh on CPU per request more
                // than the keep-alive traffic the workload is about. The Lua script counts the requests written
                // from the first whole second after the warm-up; /proc is read at that second and at the end.
                // Its warm-up is longer than the others': the 256 handshakes take the first second or so, and the
                // record path (AES-GCM, the engines' wrap/unwrap) needs a few seconds of traffic to be compiled.
                long nowSecond = System.currentTimeMillis() / 1000;
                long from = nowSecond + s.warmup + s.tlsExtraWarmup + 1;
                int seconds = (int) (from - nowSecond) + s.duration;
                Process p = ChildProcesses.start(Wrk.command(wrk, DRIVER_CORE, s.connections, seconds, files.script(),
                        depth, false, url, from), log);
                long wrkAtFrom;
                try {
                    long sleep = from * 1000 - System.currentTimeMillis();
                    if (sleep > 0) {
                        Thread.sleep(sleep);
                    }
                    wrkAtFrom = ProcStat.cpuTicks(p.pid()); // taskset has exec'd wrk: same pid
                    before = Sample.take(server.pid());
                } catch (IOException | InterruptedException | RuntimeException e) {
                    ChildProcesses.stop(p, Duration.ofSeconds(1));
                    throw e;
                }
                Wrk.Result whole = Wrk.finish(p, seconds, log);
                after = Sample.take(server.pid());
                // Reaped-children time counts wrk's whole life; the part before the window was read above.
                wrkTicks = after.children() - before.children() - wrkAtFrom;
                r = whole.window((after.nanos() - before.nanos()) / 1e9);
            } else {
                // A warm-up that completes nothing is no verdict yet; the measured run below is.
                Wrk.run(Wrk.command(wrk, DRIVER_CORE, s.connections, s.warmup, files.script(), depth, w.close, url),
                        s.warmup, logDir.resolve(stem + "-warmup.log"));
                awaitIdle(server.pid());
                before = Sample.take(server.pid());
                r = Wrk.run(Wrk.command(wrk, DRIVER_CORE, s.connections, s.duration, files.script(), depth, w.close,
                        url), s.duration, log);
                after = Sample.take(server.pid());
                wrkTicks = after.children() - before.children();
            }
            if (!server.process().isAlive()) {
                return HttpRun.failed(name, w, round, "the server exited during the run; its output ("
                        + server.log() + "):\n" + ChildProcesses.tail(server.log(), 10));
            }
            if (r.requests() == 0) {
                return HttpRun.failed(name, w, round, "no request completed in the measured window ("
                        + r.errors() + " errors); see " + log);
            }
            double hz = ProcStat.clockTicksPerSecond();
            long serverTicks = after.server() - before.server();
            return new HttpRun(name, w, round, r, (after.nanos() - before.nanos()) / 1e9, serverTicks / hz,
                    wrkTicks / hz, QuietCores.others(before.cores(), after.cores(), SERVER_CORE, serverTicks),
                    QuietCores.others(before.cores(), after.cores(), DRIVER_CORE, wrkTicks), null);
        } catch (IOException | RuntimeException e) {
            return HttpRun.failed(name, w, round, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HttpRun.failed(name, w, round, "interrupted");
        }
    }

    /** What /proc says at one edge of a measured window. */
    private record Sample(long server, long[][] cores, long children, long nanos) {
        static Sample take(long serverPid) throws IOException {
            return new Sample(ProcStat.cpuTicks(serverPid), ProcStat.cpuTimes(), reapedChildrenTicks(),
                    System.nanoTime());
        }
    }

    /**
     * Waits until the server has finished what the previous wrk run left it (closing 256 connections, TLS alerts,
     * late handshakes), so none of that is counted in the measured window. Gives up after a few seconds.
     */
    private static void awaitIdle(long pid) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + IDLE_TIMEOUT.toNanos();
        long idleTicks = Math.max(1, ProcStat.clockTicksPerSecond() / 100); // at most 10% of a core over 100 ms
        while (System.nanoTime() < deadline) {
            long before = ProcStat.cpuTicks(pid);
            Thread.sleep(100);
            if (ProcStat.cpuTicks(pid) - before <= idleTicks) {
                return;
            }
        }
    }

    /**
     * The user+system ticks of this JVM's reaped children (/proc/self/stat cutime and cstime). wrk is the only
     * child that ends inside a measured window (taskset execs it, so it is the child itself), which makes the
     * difference across the window wrk's CPU time, read after wrk has exited and been reaped.
     */
    private static long reapedChildrenTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // Fields 16 and 17 of proc(5), counted from field 3 after the command name.
        return Long.parseLong(f[16 - 3]) + Long.parseLong(f[17 - 3]);
    }

    static <T> List<T> rotate(List<T> list, int by) {
        if (list.isEmpty()) {
            return list;
        }
        int k = by % list.size();
        List<T> out = new ArrayList<>(list.subList(k, list.size()));
        out.addAll(list.subList(0, k));
        return out;
    }

    static Settings parse(List<String> args) {
        Settings s = new Settings();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--quick")) {
                s.quick = true;
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new Usage("http: unknown option or missing value: " + a + " (see http --help)");
            }
            String v = args.get(++i);
            try {
                switch (a) {
                    case "--only" -> s.contenders = selectContenders(v);
                    case "--workloads" -> s.workloads = selectWorkloads(v);
                    case "--rounds" -> s.rounds = positive(v, a);
                    case "--warmup" -> s.warmup = positive(v, a);
                    case "--duration" -> s.duration = positive(v, a);
                    case "--connections" -> s.connections = positive(v, a);
                    case "--depth" -> s.depth = positive(v, a);
                    case "--blocking-threads" -> s.blockingThreads = positive(v, a);
                    case "--out" -> s.out = Path.of(v);
                    default -> throw new Usage("http: unknown option " + a + " (see http --help)");
                }
            } catch (IllegalArgumentException e) {
                throw e instanceof Usage u ? u : new Usage("http: " + e.getMessage());
            }
        }
        s.applyDefaults();
        return s;
    }

    private static int positive(String value, String option) {
        int n;
        try {
            n = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new Usage("http: " + option + " needs a whole number, got '" + value + "'");
        }
        if (n <= 0) {
            throw new Usage("http: " + option + " must be positive");
        }
        return n;
    }

    private static List<HttpContender> selectContenders(String csv) {
        List<String> wanted = List.of(csv.split(",")).stream().map(String::trim).toList();
        for (String name : wanted) {
            if (HttpContender.ALL.stream().noneMatch(c -> c.name().equals(name))) {
                throw new Usage("http: unknown contender '" + name + "'; the contenders are: "
                        + HttpContender.names(HttpContender.ALL));
            }
        }
        // Keep the canonical order so tables from different runs line up.
        return HttpContender.ALL.stream().filter(c -> wanted.contains(c.name())).toList();
    }

    private static List<HttpWorkload> selectWorkloads(String csv) {
        List<HttpWorkload> wanted = List.of(csv.split(",")).stream().map(String::trim).map(HttpWorkload::byKey)
                .toList();
        return HttpWorkload.all().stream().filter(wanted::contains).toList();
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " …";
    }
}
