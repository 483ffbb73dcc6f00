package dev.gannet.bench;

import dev.gannet.bench.peers.NettyFepRelay;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code fep [--quick]}: NewOrder → ack round trips through the FEP gateway to the institution simulator and back,
 * against a minimal Netty relay of the same frames.
 *
 * <p>Every measurement starts fresh JVMs: the gateway ({@code FepMain gateway}, the launcher's flags, a generated
 * configuration and an empty journal in a temporary directory) or the {@link NettyFepRelay} pinned to core 0, and
 * the simulator ({@code FepMain exchange}) and the load driver ({@code FepMain load}) pinned to core 1. Contenders
 * are interleaved inside each workload of each round; each figure is the median over the rounds. The gateway's CPU
 * is utime+stime from /proc over the driver's measured window, which the orchestrator finds from the driver's
 * once-a-second progress lines.
 */
final class FepBench implements Bench {

    /** What runs on core 0: the gateway with this journal fsync policy, or the relay when {@code fsync} is null. */
    record Contender(String name, String fsync) {
        boolean gateway() {
            return fsync != null;
        }
    }

    /** A load shape: {@code rate} round trips a second over all sessions, or 0 for maximum throughput. */
    record Workload(String key, int rate) {
        String label() {
            return rate == 0 ? "maximum throughput" : String.format(Locale.ROOT, "fixed rate %,d round trips/s", rate);
        }
    }

    /**
     * One measured run; {@code failure} is null when it succeeded. CPU figures are seconds over the window the
     * orchestrator sampled ({@code cpuWindow} seconds, NaN when it could not find the driver's window).
     * {@code core1Cpu} is the driver's plus the simulator's. {@code notes} holds anything odd the driver or the
     * gateway reported (rejects, unanswered orders, session trouble).
     */
    record Run(String contender, Workload workload, int round, double rtps, double p50Us, double p99Us,
               double p999Us, double maxUs, long sent, long acked, long rejects, double cpuWindow,
               double serverCpu, double core1Cpu, double othersCore0, double othersCore1, String notes,
               String failure) implements Retries.Measured {
        static Run failed(String contender, Workload w, int round, String why) {
            return new Run(contender, w, round, 0, 0, 0, 0, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, 0, 0,
                    "", why);
        }

        @Override
        public boolean ok() {
            return failure == null;
        }

        @Override
        public double othersShare() {
            return Math.max(othersCore0, othersCore1);
        }

        /** Server (gateway or relay) CPU microseconds per round trip, over the sampled window. */
        double cpuUsPerRoundTrip() {
            return serverCpu / (rtps * cpuWindow) * 1e6;
        }

        long unanswered() {
            return Math.max(0, sent - acked - rejects);
        }
    }

    static final String FEP_MAIN = "dev.gannet.fep.FepMain";
    static final String GATEWAY_FSYNC_NONE = "gateway-fsync-none";
    static final String GATEWAY_FSYNC_GROUP = "gateway-fsync-group";
    static final String RELAY = "netty-relay";
    static final List<Contender> CONTENDERS = List.of(
            new Contender(GATEWAY_FSYNC_NONE, "none"),
            new Contender(GATEWAY_FSYNC_GROUP, "group"),
            new Contender(RELAY, null));
    static final List<Workload> WORKLOADS = List.of(new Workload("max", 0), new Workload("10k", 10_000),
            new Workload("50k", 50_000), new Workload("100k", 100_000));

    /** The launcher's flags for {@code ./gannet fep ...}: the gateway, the simulator and the driver all use them. */
    static final List<String> GANNET_FLAGS = ChildProcesses.gannetFlags();
    static final List<String> NETTY_FLAGS = TcpEchoBench.NETTY_FLAGS;

    static final int SERVER_CORE = QuietCores.SERVER_CORE;
    static final int DRIVER_CORE = QuietCores.DRIVER_CORE;
    static final double DISTURBED = QuietCores.DISTURBED;
    static final String MEMBER_PREFIX = "FIRM";
    static final String MEMBER_CREDENTIAL = "bench-member-secret";
    static final String GATEWAY_MEMBER = "GATEWAY";
    static final String GATEWAY_CREDENTIAL = "bench-gateway-secret";
    static final int DESTINATION = 1;
    static final int GROUP_COMMIT_MILLIS = 1;
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(20);
    /** JVM start, logons, the drain after sending and the result, beyond warm-up plus measurement. */
    private static final long DRIVER_SLACK_SECONDS = 30;
    /** The driver's progress lines: {@code [  3.0s] ...}, seconds since it started sending. */
    /** How long the driver waits for the answers still outstanding when it stops sending. */
    private static final double DRAIN_SECONDS = 2;
    private static final long WINDOW_MARGIN_NANOS = 100_000_000L;
    private static final Pattern PROGRESS = Pattern.compile("^\\[\\s*([0-9]+(?:\\.[0-9]+)?)s\\]");

    /** What to run. Boxed fields stay null until set, so --quick fills only what the user left unset. */
    static final class Settings {
        boolean quick;
        Integer rounds;
        Double warmup;
        Double duration;
        int sessions = 4;
        int window = 32;
        double fillRatio = 0;
        String engine = "nio";
        List<Contender> contenders = CONTENDERS;
        List<Workload> workloads = WORKLOADS;
        Path out;

        void applyDefaults() {
            if (rounds == null) rounds = 1;
            if (warmup == null) warmup = quick ? 2.0 : 3.0;
            if (duration == null) duration = quick ? 3.0 : 8.0;
        }
    }

    @Override
    public String name() {
        return "fep";
    }

    @Override
    public String summary() {
        return "FEP order→ack round trips through the gateway (fsync none/group) vs a Netty relay, max and fixed "
                + "rates [--quick]";
    }

    @Override
    public void usage(PrintStream out) {
        out.println("usage: gannet bench fep [--quick] [options]");
        out.println("  NewOrder -> ack round trips: load driver -> gateway -> institution simulator -> back. The gateway");
        out.println("  (./gannet fep gateway, generated config, fresh journal) or the Netty relay runs on core "
                + SERVER_CORE + "; the");
        out.println("  simulator and the driver share core " + DRIVER_CORE
                + ". Fresh JVMs per run; contenders interleaved; medians.");
        out.println("  --quick              2 s warm-up, 3 s measured (about 2 to 3 minutes)");
        out.println("                       default: 1 round, 3 s warm-up, 8 s measured (about 4 minutes)");
        out.println("  --only a,b           run only these contenders: " + names(CONTENDERS));
        out.println("  --workloads a,b      max (rate 0, a window) and fixed rates, e.g. max,10k,50k,100k (the default)");
        out.println("  --sessions N         member sessions of the driver (default 4)");
        out.println("  --window N           orders outstanding per session at max throughput (default 32)");
        out.println("  --fill-ratio R       share of orders the simulator also fills after the ack (default 0: one reply each)");
        out.println("  --engine nio|io_uring  the gateway's engine (default nio)");
        out.println("  --rounds N  --warmup S  --duration S");
        out.println("  --out FILE           the results table (default: bench/target/results-fep.md)");
    }

    @Override
    public int run(List<String> args) throws Exception {
        Settings s = parse(args);
        ChildProcesses.requirePinning(DRIVER_CORE + 1);
        ChildProcesses.requireOnClassPath(FEP_MAIN, RELAY);
        Path targetDir = ChildProcesses.targetDir();
        Path out = s.out != null ? s.out : targetDir.resolve("results-fep.md");
        Path logDir = targetDir.resolve("bench-logs").resolve("fep");
        Files.createDirectories(logDir);

        int total = s.rounds * s.workloads.size() * s.contenders.size();
        double perRun = s.warmup + s.duration + 6;
        System.err.printf(Locale.ROOT, "fep: %d runs (%s x %s x %d round%s), about %.0f min; logs in %s%n", total,
                names(s.contenders), String.join(",", s.workloads.stream().map(Workload::key).toList()), s.rounds,
                s.rounds == 1 ? "" : "s", Math.ceil(total * perRun / 60), logDir);

        Retries retries = new Retries(Math.max(1, total / 4));
        QuietCores quiet = new QuietCores(Duration.ofSeconds(s.quick ? 30 : 120), Duration.ofMillis(500));
        List<Run> runs = new ArrayList<>();
        int index = 0;
        for (int round = 1; round <= s.rounds; round++) {
            for (Workload w : s.workloads) {
                for (Contender c : s.contenders) {
                    String label = String.format(Locale.ROOT, "[%d/%d] %s %s round %d", ++index, total, c.name(),
                            w.key(), round);
                    int r0 = round;
                    runs.add(retries.best(attempt -> {
                        long waited = quiet.await();
                        System.err.print(label + Retries.describe(attempt, waited) + " ... ");
                        System.err.flush();
                        Run r = measure(c, w, r0, s, logDir);
                        System.err.println(r.ok() ? FepReport.progress(r) : "FAILED: " + r.failure());
                        return r;
                    }));
                }
            }
        }

        return ReportFiles.publish(FepReport.markdown(runs, s), out, runs.stream().filter(r -> !r.ok()).count(), total,
                "failed", logDir);
    }

    /** CPU of the three processes and of both cores at one instant. */
    private record Sample(long server, long driver, long sim, long[][] cores, long nanos) {
        static Sample take(long serverPid, long driverPid, long simPid) throws IOException {
            return new Sample(ProcStat.cpuTicks(serverPid), ProcStat.cpuTicks(driverPid), ProcStat.cpuTicks(simPid),
                    ProcStat.cpuTimes(), System.nanoTime());
        }
    }

    /**
     * Simulator, then gateway or relay, then driver; CPU sampled at the start and end of the driver's measured
     * window. Never throws: a failure is recorded and the bench goes on.
     */
    private Run measure(Contender c, Workload w, int round, Settings s, Path logDir) {
        String stem = String.format(Locale.ROOT, "%s-%s-r%d", c.name(), w.key(), round);
        Path simLog = logDir.resolve(stem + "-sim.log");
        Path serverLog = logDir.resolve(stem + "-server.log");
        Path driverLog = logDir.resolve(stem + "-driver.log");
        Process sim = null;
        Process server = null;
        Process driver = null;
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory("gannet-fep-bench-");
            int simPort = ChildProcesses.freePort();
            sim = ChildProcesses.start(ChildProcesses.pinnedJava(DRIVER_CORE, GANNET_FLAGS, FEP_MAIN,
                    simArgs(simPort, s)), simLog);
            ChildProcesses.awaitListening(simPort, LISTEN_TIMEOUT, sim, simLog);

            int port = ChildProcesses.freePort();
            List<String> serverCmd;
            if (c.gateway()) {
                Path config = tmp.resolve("gateway.properties");
                Files.writeString(config, gatewayConfig(port, simPort, tmp.resolve("journal"), c.fsync(), s),
                        StandardCharsets.UTF_8);
                serverCmd = ChildProcesses.pinnedJava(SERVER_CORE, GANNET_FLAGS, FEP_MAIN,
                        List.of("gateway", "--config", config.toString()));
            } else {
                serverCmd = ChildProcesses.pinnedJava(SERVER_CORE, NETTY_FLAGS, NettyFepRelay.class.getName(),
                        List.of("--port", Integer.toString(port), "--upstream", "127.0.0.1:" + simPort));
            }
            server = ChildProcesses.start(serverCmd, serverLog);
            ChildProcesses.awaitListening(port, LISTEN_TIMEOUT, server, serverLog);
            long serverPid = ChildProcesses.javaPid(server);
            long simPid = ChildProcesses.javaPid(sim);

            List<String> driverArgs = List.of("load", "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--sessions", Integer.toString(s.sessions), "--rate", Integer.toString(w.rate()),
                    "--window", Integer.toString(s.window), "--duration", Double.toString(s.duration),
                    "--warmup", Double.toString(s.warmup), "--destination", Integer.toString(DESTINATION),
                    "--member-prefix", MEMBER_PREFIX, "--credential", MEMBER_CREDENTIAL,
                    "--drain", Double.toString(DRAIN_SECONDS));
            driver = ChildProcesses.start(ChildProcesses.pinnedJava(DRIVER_CORE, GANNET_FLAGS, FEP_MAIN, driverArgs),
                    null);
            // The driver's output goes to its log through this reader, which also notes when sending started.
            CompletableFuture<Long> started = new CompletableFuture<>();
            Thread reader = pump(driver, driverLog, started);
            long driverPid = ChildProcesses.javaPid(driver);

            long limit = (long) Math.ceil(s.warmup + s.duration) + DRIVER_SLACK_SECONDS;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limit);
            Sample from = null;
            Sample to = null;
            Long start = awaitStart(started, driver, deadline);
            if (start != null) {
                // A little inside the driver's window at both ends: the start is known from a line it printed
                // (a few ms late), and the driver exits soon after its window ends.
                long windowStart = start + (long) (s.warmup * 1e9) + WINDOW_MARGIN_NANOS;
                long windowEnd = start + (long) ((s.warmup + s.duration) * 1e9) - 2 * WINDOW_MARGIN_NANOS;
                sleepUntil(windowStart, driver);
                if (driver.isAlive()) from = Sample.take(serverPid, driverPid, simPid);
                sleepUntil(windowEnd, driver);
                if (driver.isAlive() && from != null) to = Sample.take(serverPid, driverPid, simPid);
            }
            if (!driver.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return Run.failed(c.name(), w, round, "the driver did not finish within " + limit + " s:\n"
                        + ChildProcesses.tail(driverLog, 10));
            }
            reader.join(2000);
            String result = null;
            for (String line : Files.readAllLines(driverLog, StandardCharsets.UTF_8)) {
                if (line.startsWith("RESULT ")) result = line;
            }
            if (result == null) {
                String why = "driver exit code " + driver.exitValue() + ", no RESULT line:\n"
                        + ChildProcesses.tail(driverLog, 10);
                if (!server.isAlive()) {
                    why += "\n  the server had exited with code " + server.exitValue() + ":\n"
                            + ChildProcesses.tail(serverLog, 10);
                }
                return Run.failed(c.name(), w, round, why);
            }
            if (!server.isAlive()) {
                return Run.failed(c.name(), w, round, "the server exited during the run:\n"
                        + ChildProcesses.tail(serverLog, 10));
            }
            if (!sim.isAlive()) {
                return Run.failed(c.name(), w, round, "the simulator exited during the run:\n"
                        + ChildProcesses.tail(simLog, 10));
            }
            List<String> notes = new ArrayList<>();
            if (driver.exitValue() != 0) notes.add("driver exit code " + driver.exitValue());
            if (to == null) notes.add("no CPU figures: the driver's measured window was not found in its output");
            // Stop the server now, so the gateway prints its counters on the way out (its shutdown hook).
            ChildProcesses.stop(server, Duration.ofSeconds(5));
            if (c.gateway()) gatewayTrouble(serverLog).ifPresent(notes::add);
            driverTrouble(driverLog).ifPresent(notes::add);
            return parse(c.name(), w, round, result, from, to, String.join("; ", notes));
        } catch (IOException | RuntimeException e) {
            return Run.failed(c.name(), w, round, String.valueOf(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Run.failed(c.name(), w, round, "interrupted");
        } finally {
            if (driver != null) ChildProcesses.stop(driver, Duration.ofSeconds(1));
            if (server != null) ChildProcesses.stop(server, Duration.ofSeconds(5));
            if (sim != null) ChildProcesses.stop(sim, Duration.ofSeconds(3));
            if (tmp != null) deleteTree(tmp);
        }
    }

    private static List<String> simArgs(int port, Settings s) {
        // The gateway logs on as GATEWAY; with the relay the simulator sees the driver's own logons, so it accepts
        // the members too.
        StringBuilder members = new StringBuilder(GATEWAY_MEMBER + ":" + GATEWAY_CREDENTIAL);
        for (int i = 1; i <= s.sessions; i++) members.append(',').append(MEMBER_PREFIX).append(i).append(':')
                .append(MEMBER_CREDENTIAL);
        return List.of("exchange", "--host", "127.0.0.1", "--port", Integer.toString(port), "--engine", "nio",
                "--threads", "1", "--source", Integer.toString(DESTINATION), "--fill-ratio",
                Double.toString(s.fillRatio), "--members", members.toString());
    }

    /** The generated gateway configuration: members FIRM1..n (sessions 1..n), the simulator as destination 1. */
    static String gatewayConfig(int port, int simPort, Path journal, String fsync, Settings s) {
        StringBuilder p = new StringBuilder();
        p.append("# Generated by gannet bench fep\n");
        p.append("listen = 127.0.0.1:").append(port).append('\n');
        p.append("engine = ").append(s.engine).append('\n');
        // Properties files treat backslashes as escapes; the path is absolute and written with forward slashes.
        p.append("journal.dir = ").append(journal.toAbsolutePath().toString().replace('\\', '/')).append('\n');
        p.append("journal.fsync = ").append(fsync).append('\n');
        p.append("journal.groupCommitMillis = ").append(GROUP_COMMIT_MILLIS).append('\n');
        // No throttle: the bench's fixed rates go above the sample's 50k/s per member.
        p.append("limits.throttlePerSecond = 0\n");
        p.append("limits.queuePerUpstream = 10000\n");
        p.append("limits.rejectWhenUpstreamDown = false\n");
        p.append("limits.logonsPerSecond = 1000\n");
        for (int i = 1; i <= s.sessions; i++) {
            p.append("member.").append(MEMBER_PREFIX).append(i).append(".session = ").append(i).append('\n');
            p.append("member.").append(MEMBER_PREFIX).append(i).append(".credential = ").append(MEMBER_CREDENTIAL)
                    .append('\n');
        }
        p.append("upstream.sim.address = 127.0.0.1:").append(simPort).append('\n');
        p.append("upstream.sim.destination = ").append(DESTINATION).append('\n');
        p.append("upstream.sim.types = NewOrder,CancelOrder,FundTransfer,AccountStatusQuery\n");
        p.append("upstream.sim.member = ").append(GATEWAY_MEMBER).append('\n');
        p.append("upstream.sim.credential = ").append(GATEWAY_CREDENTIAL).append('\n');
        p.append("upstream.sim.session = 1001\n");
        return p.toString();
    }

    /**
     * Copies the driver's output to its log, line by line, and completes {@code started} with the
     * {@link System#nanoTime} at which the driver started sending, from its first progress line.
     */
    private static Thread pump(Process driver, Path log, CompletableFuture<Long> started) throws IOException {
        Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        Thread t = new Thread(() -> {
            try (w; BufferedReader r = new BufferedReader(new InputStreamReader(driver.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    long now = System.nanoTime();
                    if (!started.isDone()) {
                        Matcher m = PROGRESS.matcher(line);
                        if (m.find()) started.complete(now - (long) (Double.parseDouble(m.group(1)) * 1e9));
                    }
                    w.write(line);
                    w.write('\n');
                    w.flush();
                }
            } catch (IOException e) {
                // The driver was killed: its log ends here.
            } finally {
                started.complete(null);
            }
        }, "fep-driver-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Long awaitStart(CompletableFuture<Long> started, Process driver, long deadline)
            throws InterruptedException {
        while (System.nanoTime() < deadline) {
            try {
                return started.get(100, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                if (!driver.isAlive() && !started.isDone()) return null;
            } catch (java.util.concurrent.ExecutionException e) {
                return null;
            }
        }
        return null;
    }

    private static void sleepUntil(long nanoTime, Process driver) throws InterruptedException {
        while (driver.isAlive()) {
            long left = nanoTime - System.nanoTime();
            if (left <= 0) return;
            TimeUnit.NANOSECONDS.sleep(Math.min(left, 50_000_000L));
        }
    }

    /** The gateway's counters line (printed at shutdown), when it shows rejects, gaps, disconnects or timeouts. */
    static java.util.Optional<String> gatewayTrouble(Path serverLog) throws IOException {
        for (String line : Files.readAllLines(serverLog, StandardCharsets.UTF_8)) {
            int at = line.indexOf("fep gateway stopping: ");
            if (at < 0) continue;
            String stats = line.substring(at + "fep gateway stopping: ".length());
            boolean trouble = stats.contains("reject[") || Pattern.compile(
                    "(gaps|disconnects|heartbeatTimeouts|unroutableReplies|recovered)=[1-9]").matcher(stats).find();
            return trouble ? java.util.Optional.of("gateway: " + stats) : java.util.Optional.empty();
        }
        return java.util.Optional.of("gateway: no counters line at shutdown");
    }

    /** Error or exception lines in the driver's output, the first few. */
    static java.util.Optional<String> driverTrouble(Path driverLog) throws IOException {
        List<String> bad = Files.readAllLines(driverLog, StandardCharsets.UTF_8).stream()
                .filter(l -> l.startsWith("error") || l.contains("Exception") || l.contains("WARN"))
                .limit(3).toList();
        return bad.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of("driver: " + String.join(" | ", bad));
    }

    /** Reads the driver's {@code RESULT key=value ...} line and the CPU samples. */
    static Run parse(String contender, Workload w, int round, String line, Sample from, Sample to, String notes) {
        Map<String, String> kv = new HashMap<>();
        for (String token : line.substring("RESULT ".length()).trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) kv.put(token.substring(0, eq), token.substring(eq + 1));
        }
        double rtps = Double.parseDouble(kv.get("rtps"));
        if (rtps <= 0) {
            return Run.failed(contender, w, round, "no round trip completed in the measured window (" + line + ")"
                    + (notes.isEmpty() ? "" : "; " + notes));
        }
        double window = Double.NaN;
        double serverCpu = Double.NaN;
        double core1Cpu = Double.NaN;
        double others0 = 0;
        double others1 = 0;
        if (from != null && to != null) {
            double hz = ProcStat.clockTicksPerSecond();
            window = (to.nanos() - from.nanos()) / 1e9;
            long serverTicks = to.server() - from.server();
            long core1Ticks = (to.driver() - from.driver()) + (to.sim() - from.sim());
            serverCpu = serverTicks / hz;
            core1Cpu = core1Ticks / hz;
            others0 = QuietCores.others(from.cores(), to.cores(), SERVER_CORE, serverTicks);
            others1 = QuietCores.others(from.cores(), to.cores(), DRIVER_CORE, core1Ticks);
        }
        long sent = Long.parseLong(kv.getOrDefault("sent", "0"));
        long acked = Long.parseLong(kv.getOrDefault("acked", "0"));
        long rejects = Long.parseLong(kv.getOrDefault("rejects", "0"));
        List<String> all = new ArrayList<>();
        if (rejects > 0) all.add(rejects + " rejects");
        long unanswered = sent - acked - rejects;
        if (unanswered > 0) all.add(unanswered + " orders unanswered at the end");
        if (!notes.isEmpty()) all.add(notes);
        return new Run(contender, w, round, rtps, Double.parseDouble(kv.get("p50_us")),
                Double.parseDouble(kv.get("p99_us")), Double.parseDouble(kv.get("p999_us")),
                Double.parseDouble(kv.get("max_us")), sent, acked, rejects, window, serverCpu, core1Cpu, others0,
                others1, String.join("; ", all), null);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // Best effort: a temp directory left behind is harmless.
                }
            });
        } catch (IOException e) {
            // Same.
        }
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
                throw new BenchMain.UsageException("fep: unknown option or missing value: " + a + " (see fep --help)");
            }
            String v = args.get(++i);
            try {
                switch (a) {
                    case "--only" -> s.contenders = selectContenders(v);
                    case "--workloads" -> s.workloads = workloads(v);
                    case "--rounds" -> s.rounds = positive(Integer.parseInt(v), a);
                    case "--warmup" -> s.warmup = Double.parseDouble(v);
                    case "--duration" -> s.duration = Double.parseDouble(v);
                    case "--sessions" -> s.sessions = positive(Integer.parseInt(v), a);
                    case "--window" -> s.window = positive(Integer.parseInt(v), a);
                    case "--fill-ratio" -> s.fillRatio = Double.parseDouble(v);
                    case "--engine" -> s.engine = v;
                    case "--out" -> s.out = Path.of(v);
                    default -> throw new BenchMain.UsageException("fep: unknown option " + a + " (see fep --help)");
                }
            } catch (NumberFormatException e) {
                throw new BenchMain.UsageException("fep: " + a + " needs a number, got '" + v + "'");
            }
        }
        s.applyDefaults();
        if (s.warmup < 1 || s.duration <= 0) {
            // The measured window is found from the driver's first progress line, one second after it starts.
            throw new BenchMain.UsageException("fep: --warmup must be >= 1 and --duration > 0");
        }
        if (!(s.fillRatio >= 0 && s.fillRatio <= 1)) {
            throw new BenchMain.UsageException("fep: --fill-ratio must be in 0..1");
        }
        if (!s.engine.equals("nio") && !s.engine.equals("io_uring")) {
            throw new BenchMain.UsageException("fep: --engine must be nio or io_uring");
        }
        if (s.sessions > 1000) throw new BenchMain.UsageException("fep: at most 1000 sessions");
        return s;
    }

    private static List<Contender> selectContenders(String csv) {
        List<Contender> chosen = new ArrayList<>();
        for (String name : csv.split(",")) {
            Contender found = CONTENDERS.stream().filter(c -> c.name().equals(name.trim())).findFirst()
                    .orElseThrow(() -> new BenchMain.UsageException("fep: unknown contender '" + name.trim()
                            + "'; the contenders are: " + names(CONTENDERS)));
            if (!chosen.contains(found)) chosen.add(found);
        }
        return CONTENDERS.stream().filter(chosen::contains).toList();
    }

    /** {@code max,10k,50k,100000}: max is rate 0; a number, with an optional k, is a fixed rate. */
    static List<Workload> workloads(String csv) {
        List<Workload> out = new ArrayList<>();
        for (String part : csv.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            Workload w;
            if (p.equals("max")) {
                w = new Workload("max", 0);
            } else {
                int rate = p.endsWith("k") ? Integer.parseInt(p.substring(0, p.length() - 1)) * 1000
                        : Integer.parseInt(p);
                positive(rate, "--workloads");
                w = new Workload(rate % 1000 == 0 ? rate / 1000 + "k" : Integer.toString(rate), rate);
            }
            if (!out.contains(w)) out.add(w);
        }
        if (out.isEmpty()) throw new BenchMain.UsageException("fep: --workloads is empty");
        return List.copyOf(out);
    }

    private static int positive(int value, String option) {
        if (value <= 0) throw new BenchMain.UsageException("fep: " + option + " must be positive");
        return value;
    }

    static String names(List<Contender> contenders) {
        return String.join(",", contenders.stream().map(Contender::name).toList());
    }
}
