package dev.gannet.bench;

import dev.gannet.bench.peers.NettyEchoServer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code tcp [--quick]}: closed-loop TCP echo, Gannet's engines against tuned Netty, in one run.
 *
 * <p>Every measurement starts a fresh server JVM pinned to core 0 and a fresh {@link EchoDriver} JVM pinned to
 * core 1, so no run inherits another's heap, JIT state or sockets. Contenders are interleaved inside each round
 * (A B C D, A B C D, ...) so slow drifts of this shared machine spread over all of them, and each figure is the
 * median over the rounds. Only ratios inside one run mean anything here; see the performance guide.
 */
final class TcpEchoBench implements Bench {

    /** How one contender's server is started; {@code {port}} in the arguments is replaced by the port. */
    record Contender(String name, List<String> jvmFlags, String mainClass, List<String> args) {
        List<String> argsFor(int port) {
            return args.stream().map(a -> a.equals("{port}") ? Integer.toString(port) : a).toList();
        }
    }

    /**
     * One measured run; {@code failure} is null when it succeeded. {@code othersOnServerCore} and
     * {@code othersOnDriverCore} are the shares of those cores that went to anything but the server and the driver
     * (other processes, the hypervisor): a run with much of it measured the machine, not the server.
     */
    record Run(String contender, int size, int round, long msgs, double seconds, double p50Us, double p99Us,
               double p999Us, double maxUs, double serverCpuSeconds, double driverCpuSeconds,
               double othersOnServerCore, double othersOnDriverCore, String failure) implements Retries.Measured {
        static Run failed(String contender, int size, int round, String why) {
            return new Run(contender, size, round, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, why);
        }

        @Override
        public boolean ok() {
            return failure == null;
        }

        @Override
        public double othersShare() {
            return Math.max(othersOnServerCore, othersOnDriverCore);
        }

        double rate() {
            return msgs / seconds;
        }

        double cpuPerMillion() {
            return serverCpuSeconds / msgs * 1e6;
        }
    }

    static final String GANNET_MAIN = "dev.gannet.server.Gannet";
    /** The flags {@code ./gannet serve} uses by default (the launcher's JVM_FLAGS): nothing hand-picked. */
    static final List<String> GANNET_FLAGS = ChildProcesses.gannetFlags();
    /** The flags Netty's authors run their benchmark entries with. */
    static final List<String> NETTY_FLAGS = List.of("-XX:+UseParallelGC", "-Dio.netty.buffer.checkBounds=false",
            "-Dio.netty.buffer.checkAccessible=false", "-Dio.netty.leakDetection.level=disabled",
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    static final List<String> DRIVER_FLAGS = List.of("-XX:+UseParallelGC");

    static final List<Contender> CONTENDERS = List.of(
            gannet("nio"),
            gannet("io_uring"),
            gannet("vthread"),
            netty("epoll"),
            netty("io_uring"),
            netty("nio"));

    private static Contender gannet(String engine) {
        return new Contender("gannet-" + engine, GANNET_FLAGS, GANNET_MAIN,
                List.of("serve", "--engine", engine, "--threads", "1", "--port", "{port}", "--mode", "echo"));
    }

    private static Contender netty(String transport) {
        return new Contender("netty-" + transport, NETTY_FLAGS, NettyEchoServer.class.getName(),
                List.of("--transport", transport, "--port", "{port}"));
    }

    static final int SERVER_CORE = QuietCores.SERVER_CORE;
    static final int DRIVER_CORE = QuietCores.DRIVER_CORE;
    /** The share of a pinned core taken by others above which a run is flagged as disturbed. */
    static final double DISTURBED = QuietCores.DISTURBED;
    private static final Duration LISTEN_TIMEOUT = Duration.ofSeconds(20);
    /** Driver JVM start, 100 connects and the result line, beyond warm-up plus measurement. */
    private static final long DRIVER_SLACK_SECONDS = 30;

    /** What to run. Boxed fields stay null until set, so --quick fills only what the user left unset. */
    static final class Settings {
        boolean quick;
        Integer rounds;
        Double warmup;
        Double duration;
        Integer connections;
        List<Integer> sizes;
        List<Contender> contenders = CONTENDERS;
        Path out;

        void applyDefaults() {
            if (rounds == null) {
                rounds = quick ? 1 : 3;
            }
            if (warmup == null) {
                warmup = quick ? 2.0 : 5.0;
            }
            if (duration == null) {
                duration = quick ? 4.0 : 10.0;
            }
            if (connections == null) {
                connections = 100;
            }
            if (sizes == null) {
                sizes = List.of(64, 4096);
            }
        }
    }

    @Override
    public String name() {
        return "tcp";
    }

    @Override
    public String summary() {
        return "TCP echo, 64 B and 4 KB, 100 connections: Gannet nio/vthread vs Netty epoll/NIO [--quick]";
    }

    @Override
    public void usage(PrintStream out) {
        out.println("usage: gannet bench tcp [--quick] [options]");
        out.println("  Closed-loop echo over persistent connections. Each server is its own JVM on core "
                + SERVER_CORE + " with one");
        out.println("  event loop; the driver is a JVM on core " + DRIVER_CORE
                + ". Rounds are interleaved; figures are medians.");
        out.println("  --quick              1 round, 2 s warm-up, 4 s measured (1 to 2 minutes)");
        out.println("                       default: 3 rounds, 5 s warm-up, 10 s measured (7 to 11 minutes)");
        out.println("  --only a,b           run only these contenders: " + names(CONTENDERS));
        out.println("  --sizes 64,4096      message sizes in bytes");
        out.println("  --rounds N  --warmup S  --duration S  --connections N");
        out.println("  --out FILE           the results table (default: bench/target/results-tcp.md)");
    }

    @Override
    public int run(List<String> args) throws Exception {
        Settings s = parse(args);
        ChildProcesses.requirePinning(DRIVER_CORE + 1);
        if (s.contenders.stream().anyMatch(c -> c.mainClass().equals(GANNET_MAIN))) {
            ChildProcesses.requireOnClassPath(GANNET_MAIN, "netty-epoll,netty-nio");
        }
        Path targetDir = ChildProcesses.targetDir();
        Path out = s.out != null ? s.out : targetDir.resolve("results-tcp.md");
        Path logDir = targetDir.resolve("bench-logs").resolve("tcp");
        Files.createDirectories(logDir);

        int total = s.rounds * s.sizes.size() * s.contenders.size();
        double perRun = s.warmup + s.duration + 3;
        System.err.printf(Locale.ROOT, "tcp echo: %d runs (%s x %s x %d round%s), about %.0f min; logs in %s%n",
                total, names(s.contenders), sizeLabels(s.sizes), s.rounds, s.rounds == 1 ? "" : "s",
                Math.ceil(total * perRun / 60), logDir);

        // Budgets that keep a full run under ~15 minutes however busy the machine is: a disturbed run is
        // repeated at most once and only for a quarter of the runs, and waiting for quiet cores is capped.
        Retries retries = new Retries(Math.max(1, total / 4));
        QuietCores quiet = new QuietCores(Duration.ofSeconds(s.quick ? 30 : 120), Duration.ofMillis(500));
        List<Run> runs = new ArrayList<>();
        int index = 0;
        for (int round = 1; round <= s.rounds; round++) {
            for (int size : s.sizes) {
                for (Contender c : s.contenders) {
                    String label = String.format(Locale.ROOT, "[%d/%d] %s %s round %d", ++index, total, c.name(),
                            EchoReport.shortSize(size), round);
                    int r0 = round;
                    runs.add(retries.best(attempt -> {
                        long waited = quiet.await();
                        System.err.print(label + Retries.describe(attempt, waited) + " ... ");
                        System.err.flush();
                        Run r = measure(c, size, r0, s, logDir);
                        System.err.println(r.ok() ? EchoReport.progress(r) : "FAILED: " + r.failure());
                        return r;
                    }));
                }
            }
        }

        return ReportFiles.publish(EchoReport.markdown(runs, s), out, runs.stream().filter(r -> !r.ok()).count(), total,
                "failed", logDir);
    }

    /** One server JVM, one driver JVM, one result. Never throws: a failure is recorded and the run goes on. */
    private Run measure(Contender c, int size, int round, Settings s, Path logDir) {
        String stem = String.format(Locale.ROOT, "%s-%dB-r%d", c.name(), size, round);
        Path serverLog = logDir.resolve(stem + "-server.log");
        Path driverLog = logDir.resolve(stem + "-driver.log");
        Process server = null;
        Process driver = null;
        try {
            int port = ChildProcesses.freePort();
            server = ChildProcesses.start(
                    ChildProcesses.pinnedJava(SERVER_CORE, c.jvmFlags(), c.mainClass(), c.argsFor(port)), serverLog);
            ChildProcesses.awaitListening(port, LISTEN_TIMEOUT, server, serverLog);
            long serverPid = ChildProcesses.javaPid(server);

            List<String> driverArgs = List.of("--port", Integer.toString(port), "--size", Integer.toString(size),
                    "--connections", Integer.toString(s.connections), "--warmup", Double.toString(s.warmup),
                    "--duration", Double.toString(s.duration), "--server-pid", Long.toString(serverPid));
            driver = ChildProcesses.start(
                    ChildProcesses.pinnedJava(DRIVER_CORE, DRIVER_FLAGS, EchoDriver.class.getName(), driverArgs),
                    driverLog);
            long limit = (long) Math.ceil(s.warmup + s.duration) + DRIVER_SLACK_SECONDS;
            if (!driver.waitFor(limit, TimeUnit.SECONDS)) {
                return Run.failed(c.name(), size, round, "the driver did not finish within " + limit + " s");
            }
            String result = null;
            for (String line : Files.readAllLines(driverLog, StandardCharsets.UTF_8)) {
                if (line.startsWith("RESULT ")) {
                    result = line;
                }
            }
            if (driver.exitValue() != 0 || result == null) {
                String why = "driver exit code " + driver.exitValue() + ":\n" + ChildProcesses.tail(driverLog, 10);
                if (!server.isAlive()) {
                    why += "\n  the server had exited with code " + server.exitValue() + ":\n"
                            + ChildProcesses.tail(serverLog, 10);
                }
                return Run.failed(c.name(), size, round, why);
            }
            if (!server.isAlive()) {
                return Run.failed(c.name(), size, round, "the server exited during the run:\n"
                        + ChildProcesses.tail(serverLog, 10));
            }
            return parse(c.name(), size, round, result);
        } catch (IOException | RuntimeException e) {
            return Run.failed(c.name(), size, round, String.valueOf(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Run.failed(c.name(), size, round, "interrupted");
        } finally {
            if (driver != null) {
                ChildProcesses.stop(driver, Duration.ofSeconds(1));
            }
            if (server != null) {
                ChildProcesses.stop(server, Duration.ofSeconds(3));
            }
        }
    }

    /** Reads the driver's {@code RESULT key=value ...} line. */
    static Run parse(String contender, int size, int round, String line) {
        Map<String, String> kv = new HashMap<>();
        for (String token : line.substring("RESULT ".length()).trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) {
                kv.put(token.substring(0, eq), token.substring(eq + 1));
            }
        }
        long msgs = Long.parseLong(kv.get("msgs"));
        if (msgs == 0) {
            return Run.failed(contender, size, round, "no message completed in the measured window");
        }
        long serverTicks = Long.parseLong(kv.get("server_cpu_ticks"));
        if (serverTicks < 0) {
            return Run.failed(contender, size, round, "the driver could not read the server's CPU time");
        }
        long driverTicks = Long.parseLong(kv.get("driver_cpu_ticks"));
        double hz = Double.parseDouble(kv.get("clk_tck"));
        long[] busy = longs(kv.getOrDefault("cpu_busy_ticks", ""));
        long[] total = longs(kv.getOrDefault("cpu_total_ticks", ""));
        return new Run(contender, size, round, msgs, Double.parseDouble(kv.get("seconds")),
                Double.parseDouble(kv.get("p50_us")), Double.parseDouble(kv.get("p99_us")),
                Double.parseDouble(kv.get("p999_us")), Double.parseDouble(kv.get("max_us")),
                serverTicks / hz, driverTicks / hz, others(busy, total, SERVER_CORE, serverTicks),
                others(busy, total, DRIVER_CORE, driverTicks), null);
    }

    /** The share of {@code core} that was busy with something other than the process pinned to it. */
    private static double others(long[] busy, long[] total, int core, long processTicks) {
        if (core >= busy.length || core >= total.length || total[core] <= 0) {
            return 0;
        }
        return Math.max(0, busy[core] - processTicks) / (double) total[core];
    }

    private static long[] longs(String csv) {
        return csv.isEmpty() ? new long[0] : Arrays.stream(csv.split(",")).mapToLong(Long::parseLong).toArray();
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
                throw new BenchMain.UsageException("tcp: unknown option or missing value: " + a
                        + " (see tcp --help)");
            }
            String v = args.get(++i);
            try {
                switch (a) {
                    case "--only" -> s.contenders = selectContenders(v);
                    case "--sizes" -> s.sizes = positiveInts(v);
                    case "--rounds" -> s.rounds = positive(Integer.parseInt(v), a);
                    case "--warmup" -> s.warmup = Double.parseDouble(v);
                    case "--duration" -> s.duration = Double.parseDouble(v);
                    case "--connections" -> s.connections = positive(Integer.parseInt(v), a);
                    case "--out" -> s.out = Path.of(v);
                    default -> throw new BenchMain.UsageException("tcp: unknown option " + a + " (see tcp --help)");
                }
            } catch (NumberFormatException e) {
                throw new BenchMain.UsageException("tcp: " + a + " needs a number, got '" + v + "'");
            }
        }
        s.applyDefaults();
        if (s.warmup < 0 || s.duration <= 0) {
            throw new BenchMain.UsageException("tcp: --warmup must be >= 0 and --duration > 0");
        }
        return s;
    }

    private static List<Contender> selectContenders(String csv) {
        List<Contender> chosen = new ArrayList<>();
        for (String name : csv.split(",")) {
            Contender found = CONTENDERS.stream().filter(c -> c.name().equals(name.trim())).findFirst()
                    .orElseThrow(() -> new BenchMain.UsageException("tcp: unknown contender '" + name.trim()
                            + "'; the contenders are: " + names(CONTENDERS)));
            if (!chosen.contains(found)) {
                chosen.add(found);
            }
        }
        // Keep the canonical order so tables from different runs line up.
        return CONTENDERS.stream().filter(chosen::contains).toList();
    }

    private static List<Integer> positiveInts(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String part : csv.split(",")) {
            out.add(positive(Integer.parseInt(part.trim()), "--sizes"));
        }
        return List.copyOf(out);
    }

    private static int positive(int value, String option) {
        if (value <= 0) {
            throw new BenchMain.UsageException("tcp: " + option + " must be positive");
        }
        return value;
    }

    /** Checked up front so a missing server module fails in a second, not after the Netty runs. */
    static String names(List<Contender> contenders) {
        return String.join(",", contenders.stream().map(Contender::name).toList());
    }

    private static String sizeLabels(List<Integer> sizes) {
        return String.join(",", sizes.stream().map(EchoReport::shortSize).toList());
    }
}
