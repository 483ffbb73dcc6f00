package dev.gannet.bench.ws;

import dev.gannet.bench.Bench;
import dev.gannet.bench.BenchMain;
import dev.gannet.bench.ChildProcesses;
import dev.gannet.bench.ProcStat;
import dev.gannet.bench.QuietCores;
import dev.gannet.bench.ReportFiles;
import dev.gannet.bench.peers.ws.NettyWsServer;
import dev.gannet.bench.peers.ws.VertxWsServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Histogram;

/**
 * {@code ws [--quick]}: WebSocket servers side by side, each a JVM pinned to core 0 with one event loop, loaded by
 * {@link WsLoad} processes pinned to core 1. Per contender, in one run:
 * <ol>
 *   <li>N connections to {@code /ws} (at most 256 handshakes in flight per load process): how many upgrade, and the
 *       upgrade latency from connect start to the 101;</li>
 *   <li>after 2 s idle: the server's RSS and heap (after GC) growth, per connection;</li>
 *   <li>echo: some of those connections send a 32-byte text each in a closed loop; round trip p50/p99;</li>
 *   <li>broadcast: N fresh connections on {@code /broadcast}, and the orchestrator publishes 32-byte messages with
 *       at most a few broadcasts outstanding (a broadcast is complete when every subscriber has it), for a fixed
 *       time; deliveries per second, and every subscriber's sequence is checked for loss.</li>
 * </ol>
 * The server's CPU time (utime + stime, every thread) is read around each phase.
 */
public final class WsBench implements Bench {

    /** A server to measure; {@code upgradeOnly} for the floor, which serves the connect phase and nothing else. */
    record Contender(String name, List<String> jvmFlags, String mainClass, List<String> args, boolean upgradeOnly) {
        Contender(String name, List<String> jvmFlags, String mainClass, List<String> args) {
            this(name, jvmFlags, mainClass, args, false);
        }

        List<String> argsFor(int port) {
            return args.stream().map(a -> a.equals("{port}") ? Integer.toString(port) : a).toList();
        }
    }

    /** A heap small enough that the heap figures mean something, large enough for 19k connections of any peer. */
    static final String HEAP = "-Xmx1g";
    static final List<String> NETTY_FLAGS = List.of("-XX:+UseParallelGC", HEAP, "-Dio.netty.buffer.checkBounds=false",
            "-Dio.netty.buffer.checkAccessible=false", "-Dio.netty.leakDetection.level=disabled",
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");
    /** The performance guide's Vert.x flags (as bench http's, but with WebSockets left on). */
    static final List<String> VERTX_FLAGS = List.of("-XX:+UseParallelGC", HEAP, "-Dvertx.disableMetrics=true",
            "-Dvertx.threadChecks=false", "-Dvertx.disableContextTimings=true",
            "-Dvertx.disableHttpHeadersValidation=true", "-Dio.netty.buffer.checkBounds=false",
            "-Dio.netty.buffer.checkAccessible=false", "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow");
    /** The load tool runs Gannet's client on the nio engine, which wants what `./gannet serve` gets. */
    static final List<String> LOAD_FLAGS = List.of("-XX:+UseParallelGC", "-Xmx512m", "--enable-native-access=ALL-UNNAMED",
            "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED");
    static final List<String> PROBE_FLAGS = List.of("-XX:+UseParallelGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "--enable-native-access=ALL-UNNAMED");

    static final List<Contender> CONTENDERS = List.of(gannet("nio"), gannet("io_uring"),
            new Contender("netty", NETTY_FLAGS, NettyWsServer.class.getName(), List.of("--port", "{port}")),
            new Contender("vertx", VERTX_FLAGS, VertxWsServer.class.getName(), List.of("--port", "{port}")),
            new Contender("floor", List.of("-XX:+UseParallelGC", HEAP, "--enable-native-access=ALL-UNNAMED"),
                    dev.gannet.bench.peers.ws.FloorWsServer.class.getName(), List.of("--port", "{port}"), true));

    private static Contender gannet(String engine) {
        // The flags `./gannet serve` runs with, plus the same heap cap as the others.
        List<String> flags = new ArrayList<>(ChildProcesses.gannetFlags());
        flags.add(HEAP);
        return new Contender("gannet-" + engine, List.copyOf(flags), GannetWsServer.class.getName(),
                List.of("--engine", engine, "--port", "{port}"));
    }

    /** The server may hold 20,000 files; a few go to the JVM itself. */
    static final int MAX_CONNECTIONS = 19_000;
    /** Sockets per load process: well under its own 20,000 files, and 19k spread over 4 processes. */
    static final int PER_LOAD_PROCESS = 6_000;

    static final class Settings {
        boolean quick;
        int connections;
        int echoConnections;
        double echoWarmup;
        double echoSeconds;
        double broadcastSeconds;
        /**
         * Broadcasts outstanding at most. Enough that a read batch on the server carries several, so each socket
         * gets a burst in one write, as it would from a busy room; bounded, so output queues stay small.
         */
        int window = 64;
        /** Handshakes each load process keeps in flight: 64 loads the server; 1 measures an upgrade's own latency. */
        int handshakesInFlight = 64;
        List<Contender> contenders = CONTENDERS;
        Path out;
    }

    /** One contender's figures; NaN where a phase did not run; {@code failure} null when everything ran. */
    record Result(String contender, int connections, int connected, int connectFailed, double upgradeP50Ms,
                  double upgradeP99Ms, double aloneP50Ms, double aloneP99Ms, double connectCpuSeconds, long rssBefore, long rssAfter, long heapBefore,
                  long heapAfter, int echoConnections, long echoMsgs, double echoSeconds, double echoP50Ms,
                  double echoP99Ms, double echoCpuSeconds, int subscribers, long published, long completed,
                  double broadcastSeconds, long delivered, long gaps, double fanoutP50Ms, double broadcastCpuSeconds,
                  double othersServerCore, double othersLoadCore, List<String> notes, String failure) {
    }

    private int nextSource = ThreadLocalRandom.current().nextInt(0, 5000);

    @Override
    public String name() {
        return "ws";
    }

    @Override
    public String summary() {
        return "WebSocket: 10k connections, upgrade latency, memory/conn, echo, broadcast fan-out [--quick]";
    }

    @Override
    public void usage(PrintStream out) {
        out.println("usage: gannet bench ws [--quick] [--connections N] [--echo-connections K] [--only a,b] [--out FILE]");
        out.println("  Each server is a JVM on core " + QuietCores.SERVER_CORE + " with one event loop; the load is "
                + "WsLoad JVMs on core " + QuietCores.DRIVER_CORE + ",");
        out.println("  at most " + PER_LOAD_PROCESS + " sockets each, each from its own 127.0.x.y source address.");
        out.println("  --connections N        connections held (default 10000, --quick 2000; at most " + MAX_CONNECTIONS
                + ")");
        out.println("  --echo-connections K   connections in the echo closed loop (default 1000, --quick 500)");
        out.println("  --only a,b             contenders: " + names(CONTENDERS));
        out.println("  --out FILE             the report (default: bench/target/results-ws.md)");
        out.println("  A default run takes about 30 s per contender (2 minutes for all), --quick about 20 s per contender.");
    }

    @Override
    public int run(List<String> args) throws Exception {
        Settings s = parse(args);
        ChildProcesses.requirePinning(QuietCores.DRIVER_CORE + 1);
        Path targetDir = ChildProcesses.targetDir();
        Path out = s.out != null ? s.out : targetDir.resolve("results-ws.md");
        Path logDir = targetDir.resolve("bench-logs").resolve("ws");
        Files.createDirectories(logDir);
        System.err.printf(Locale.ROOT, "ws: %s, %,d connections (%d load process%s), echo on %,d; logs in %s%n",
                names(s.contenders), s.connections, loadProcesses(s.connections),
                loadProcesses(s.connections) == 1 ? "" : "es", s.echoConnections, logDir);
        QuietCores quiet = new QuietCores(Duration.ofSeconds(s.quick ? 20 : 60), Duration.ofMillis(500));
        List<Result> results = new ArrayList<>();
        int i = 0;
        for (Contender c : s.contenders) {
            long waited = quiet.await();
            System.err.printf("[%d/%d] %s%s ...%n", ++i, s.contenders.size(), c.name(),
                    waited >= 1000 ? " (waited " + waited / 1000 + " s for quiet cores)" : "");
            Result r = new Measurement(c, s, logDir).run();
            System.err.println("  " + (r.failure() == null ? WsReport.progress(r) : "FAILED: " + r.failure()));
            results.add(r);
        }
        long failed = results.stream().filter(r -> r.failure() != null).count();
        return ReportFiles.publish(WsReport.markdown(results, s), out, failed, results.size(), "failed", logDir);
    }

    static int loadProcesses(int connections) {
        return Math.max(1, (connections + PER_LOAD_PROCESS - 1) / PER_LOAD_PROCESS);
    }

    /** A loopback source address not used yet in this run (127/8 is all loopback), so no run meets TIME_WAITs. */
    private synchronized String nextSourceAddress() {
        int k = nextSource++;
        return "127.0." + (1 + k / 250) + "." + (2 + k % 250);
    }

    /** One contender's run; never throws: what failed is recorded in the result and the bench goes on. */
    private final class Measurement {
        final Contender c;
        final Settings s;
        final Path logDir;
        final List<String> notes = new ArrayList<>();
        final Map<String, Object> f = new HashMap<>();
        LineChild server;
        List<LineChild> loads = List.of();
        /** The largest share of core 0 (1) that went to anything but the server (load) in a measured window. */
        double othersServer = Double.NaN;
        double othersLoad = Double.NaN;
        long pid;
        int port;

        Measurement(Contender c, Settings s, Path logDir) {
            this.c = c;
            this.s = s;
            this.logDir = logDir;
        }

        Result run() {
            String failure = null;
            try {
                port = serverPort();
                server = new LineChild(ChildProcesses.pinnedJava(QuietCores.SERVER_CORE, c.jvmFlags(), c.mainClass(),
                        c.argsFor(port)), logDir.resolve(c.name() + "-server.log"));
                ChildProcesses.awaitListening(port, Duration.ofSeconds(30), server.process(), server.log());
                pid = server.pid();
                if (c.upgradeOnly()) {
                    upgradesAlone();
                    connectAndIdle();
                    return result(null);
                }
                warmUp();
                upgradesAlone();
                connectAndIdle();
                echo();
                stopLoads();
                awaitClosed();
                broadcast();
                if (!server.process().isAlive()) throw new IOException("the server exited during the run");
            } catch (IOException | RuntimeException e) {
                failure = String.valueOf(e.getMessage() != null ? e.getMessage() : e.toString());
                if (server != null && !server.process().isAlive()) {
                    failure += "\n  the server exited with code " + server.process().exitValue() + ":\n"
                            + ChildProcesses.tail(server.log(), 15);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted";
            } finally {
                stopLoads();
                if (server != null) server.stop(Duration.ofSeconds(3));
            }
            return result(failure);
        }

        /** Classes loaded and the handshake, echo and publish paths compiled before memory is first measured. */
        void warmUp() throws IOException {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
            byte[] bytes = new byte[WsLoad.MESSAGE_SIZE];
            for (int i = 0; i < 300; i++) {
                try (WsClient ws = WsClient.connect(address, "/ws")) {
                    ws.sendText("warm-up " + i);
                    if (ws.readMessage() == null) throw new IOException("warm-up: /ws closed instead of echoing");
                    ws.send(WsFrames.BINARY, bytes);
                    if (ws.readMessage() == null) throw new IOException("warm-up: /ws closed instead of echoing");
                }
            }
            for (int i = 0; i < 20; i++) {
                try (WsClient ws = WsClient.connect(address, "/broadcast")) {
                    pause(20); // the subscription may be made on the server's loop after the 101
                    for (int k = 0; k < 10; k++) {
                        ws.sendText("warm-up " + k);
                        if (ws.readMessage() == null) throw new IOException("warm-up: /broadcast closed");
                    }
                }
            }
            pause(500);
        }

        /**
         * An upgrade's own latency: {@link UpgradeProbe}, one blocking handshake at a time from one JVM on core 1.
         * It runs with one C1 compiler thread: the load processes' C2 threads, sharing core 1, put milliseconds of
         * their own into a p99 (the floor contender shows the same tail), which this phase leaves out.
         */
        void upgradesAlone() throws IOException, InterruptedException {
            List<String> args = List.of("--port", Integer.toString(port), "--count", s.quick ? "1000" : "3000",
                    "--warm", "10000", "--reserve");
            Process p = ChildProcesses.start(ChildProcesses.pinnedJava(QuietCores.DRIVER_CORE, PROBE_FLAGS,
                    UpgradeProbe.class.getName(), args), logDir.resolve(c.name() + "-probe.log"));
            if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("the upgrade probe did not finish in 120 s");
            }
            for (String line : Files.readAllLines(logDir.resolve(c.name() + "-probe.log"), StandardCharsets.UTF_8)) {
                var m = java.util.regex.Pattern.compile("p50 (\\d+) us, p99 (\\d+) us").matcher(line);
                if (line.startsWith("upgrade:") && m.find()) {
                    f.put("aloneP50", Long.parseLong(m.group(1)) / 1e3);
                    f.put("aloneP99", Long.parseLong(m.group(2)) / 1e3);
                    return;
                }
            }
            notes.add("upgrade probe: no result (see " + c.name() + "-probe.log)");
        }

        void connectAndIdle() throws IOException, InterruptedException {
            long heap0 = heap();
            long rss0 = rssBytes();
            long t0 = ProcStat.cpuTicks(pid);
            loads = startLoads("/ws");
            int ok = 0;
            int failed = 0;
            Histogram upgrade = new Histogram(60_000_000L, 3);
            for (LineChild l : loads) {
                Map<String, String> kv = kv(l.await("CONNECTED ", connectTimeout()));
                ok += Integer.parseInt(kv.get("ok"));
                failed += Integer.parseInt(kv.get("failed"));
                upgrade.add(WsLoad.decode(kv.get("hist")));
                failureLines(l);
            }
            f.put("connectCpu", seconds(ProcStat.cpuTicks(pid) - t0));
            f.put("connected", ok);
            f.put("connectFailed", failed);
            f.put("upgradeP50", upgrade.getTotalCount() == 0 ? Double.NaN : upgrade.getValueAtPercentile(50) / 1e3);
            f.put("upgradeP99", upgrade.getTotalCount() == 0 ? Double.NaN : upgrade.getValueAtPercentile(99) / 1e3);
            f.put("rssBefore", rss0);
            f.put("heapBefore", heap0);
            pause(2000);
            f.put("heapAfter", heap());
            f.put("rssAfter", rssBytes());
        }

        void echo() throws IOException, InterruptedException {
            int k = Math.min(s.echoConnections, (int) f.get("connected"));
            int[] share = split(k, loads.size());
            for (int i = 0; i < loads.size(); i++) {
                loads.get(i).send("echo " + share[i] + " " + s.echoWarmup + " " + s.echoSeconds);
            }
            pause((long) (s.echoWarmup * 1000));
            Window w = new Window();
            long t0 = ProcStat.cpuTicks(pid);
            long msgs = 0;
            Histogram rtt = new Histogram(60_000_000L, 3);
            Duration limit = Duration.ofSeconds((long) (s.echoSeconds + 30));
            for (LineChild l : loads) {
                Map<String, String> kv = kv(l.await("ECHO ", limit));
                msgs += Long.parseLong(kv.get("msgs"));
                rtt.add(WsLoad.decode(kv.get("hist")));
                if (!kv.get("outstanding").equals("0")) {
                    notes.add("echo: " + kv.get("outstanding") + " messages of one load process were never answered");
                }
            }
            f.put("echoCpu", seconds(ProcStat.cpuTicks(pid) - t0));
            w.close();
            f.put("echoConnections", k);
            f.put("echoMsgs", msgs);
            f.put("echoP50", rtt.getTotalCount() == 0 ? Double.NaN : rtt.getValueAtPercentile(50) / 1e3);
            f.put("echoP99", rtt.getTotalCount() == 0 ? Double.NaN : rtt.getValueAtPercentile(99) / 1e3);
        }

        void broadcast() throws IOException, InterruptedException {
            loads = startLoads("/broadcast");
            int ok = 0;
            for (LineChild l : loads) {
                ok += Integer.parseInt(kv(l.await("CONNECTED ", connectTimeout())).get("ok"));
                failureLines(l);
            }
            if (ok < s.connections) notes.add("broadcast: " + (s.connections - ok) + " subscribers did not connect");
            Broadcast b = new Broadcast(loads, s.window);
            int subscribers = 0;
            for (LineChild l : loads) {
                l.send("bcast");
                subscribers += Integer.parseInt(kv(l.await("BCAST ", Duration.ofSeconds(30))).get("expected"));
            }
            f.put("subscribers", subscribers);
            try (WsClient publisher = WsClient.connect(new InetSocketAddress("127.0.0.1", port), "/broadcast")) {
                // The publisher is in the room too: what comes back to it is read and dropped.
                Thread drain = new Thread(() -> {
                    try {
                        while (publisher.readMessage() != null) {
                            // dropped
                        }
                    } catch (IOException e) {
                        // closed at the end
                    }
                }, "publisher-drain");
                drain.setDaemon(true);
                drain.start();
                pause(1000); // subscriptions made on the server's loop after each 101 have settled
                Window w = new Window();
                long t0 = ProcStat.cpuTicks(pid);
                b.run(publisher, s.broadcastSeconds);
                f.put("broadcastCpu", seconds(ProcStat.cpuTicks(pid) - t0));
                w.close();
            }
            long received = 0;
            long gaps = 0;
            for (LineChild l : loads) {
                l.send("bstat");
                Map<String, String> kv = kv(l.await("BSTAT ", Duration.ofSeconds(30)));
                received += Long.parseLong(kv.get("received"));
                gaps += Long.parseLong(kv.get("gaps"));
            }
            f.put("published", b.published);
            f.put("completed", b.completed);
            f.put("broadcastSeconds", b.seconds);
            f.put("delivered", received);
            f.put("gaps", gaps);
            f.put("fanoutP50", b.fanout.getTotalCount() == 0 ? Double.NaN : b.fanout.getValueAtPercentile(50) / 1e3);
            if (b.stalled) notes.add("broadcast: no broadcast completed for " + Broadcast.STALL_SECONDS
                    + " s; stopped early");
        }

        /**
         * Waits (up to 15 s) until the server has closed the echo phase's sockets, so that with 19,000 connections
         * the broadcast phase's do not meet the old ones under the server's 20,000-file limit.
         */
        void awaitClosed() throws IOException {
            Path fds = Path.of("/proc", Long.toString(pid), "fd");
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (System.nanoTime() < deadline) {
                try (var list = Files.list(fds)) {
                    if (list.count() < 1000) return;
                }
                pause(200);
            }
            notes.add("the server still held 1000 or more files 15 s after the /ws connections closed");
        }

        List<LineChild> startLoads(String path) throws IOException {
            int[] share = split(s.connections, loadProcesses(s.connections));
            List<LineChild> started = new ArrayList<>();
            loads = started; // so that a failure below still stops the ones already started
            for (int i = 0; i < share.length; i++) {
                String source = nextSourceAddress();
                List<String> args = List.of("--port", Integer.toString(port), "--path", path, "--connections",
                        Integer.toString(share[i]), "--source", source, "--concurrency",
                        Integer.toString(s.handshakesInFlight));
                String stem = c.name() + "-" + path.substring(1) + "-load" + i;
                started.add(new LineChild(ChildProcesses.pinnedJava(QuietCores.DRIVER_CORE, LOAD_FLAGS,
                        WsLoad.class.getName(), args), logDir.resolve(stem + ".log")));
            }
            return started;
        }

        void stopLoads() {
            for (LineChild l : loads) l.stop(Duration.ofSeconds(5));
            loads = List.of();
        }

        /**
         * A measured window: how much of the two pinned cores went to other work (this machine is shared). The
         * orchestrator, unpinned, counts as other work; it does little (the broadcast's publisher).
         */
        final class Window {
            final long[][] cores = ProcStat.cpuTimes();
            final long serverTicks = ProcStat.cpuTicks(pid);
            final long loadTicks = loadTicks();

            Window() throws IOException {}

            void close() throws IOException {
                long[][] now = ProcStat.cpuTimes();
                double server = QuietCores.others(cores, now, QuietCores.SERVER_CORE,
                        ProcStat.cpuTicks(pid) - serverTicks);
                double load = QuietCores.others(cores, now, QuietCores.DRIVER_CORE, loadTicks() - loadTicks);
                othersServer = Double.isNaN(othersServer) ? server : Math.max(othersServer, server);
                othersLoad = Double.isNaN(othersLoad) ? load : Math.max(othersLoad, load);
            }

            long loadTicks() throws IOException {
                long sum = 0;
                for (LineChild l : loads) sum += ProcStat.cpuTicks(l.pid());
                return sum;
            }
        }

        Duration connectTimeout() {
            return Duration.ofSeconds(60 + s.connections / 200);
        }

        /** The load tool's FAIL lines (a count and a reason each) go to the report's notes. */
        void failureLines(LineChild l) {
            try {
                for (String line : Files.readAllLines(l.log(), StandardCharsets.UTF_8)) {
                    if (line.startsWith("FAIL ")) notes.add(l.log().getFileName() + ": " + line.substring(5));
                }
            } catch (IOException e) {
                // The counts are in the table anyway.
            }
        }

        long heap() throws IOException, InterruptedException {
            server.send("heap");
            return Long.parseLong(server.await("HEAP ", Duration.ofSeconds(60)).split(" ")[1]);
        }

        long rssBytes() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
            throw new IOException("no VmRSS for pid " + pid);
        }

        Result result(String failure) {
            return new Result(c.name(), s.connections, i("connected"), i("connectFailed"), d("upgradeP50"),
                    d("upgradeP99"), d("aloneP50"), d("aloneP99"), d("connectCpu"), l("rssBefore"), l("rssAfter"), l("heapBefore"), l("heapAfter"),
                    i("echoConnections"), l("echoMsgs"), s.echoSeconds, d("echoP50"), d("echoP99"), d("echoCpu"),
                    i("subscribers"), l("published"), l("completed"), d("broadcastSeconds"), l("delivered"),
                    l("gaps"), d("fanoutP50"), d("broadcastCpu"), othersServer, othersLoad, List.copyOf(notes), failure);
        }

        private int i(String k) {
            return f.get(k) instanceof Number n ? n.intValue() : -1;
        }

        private long l(String k) {
            return f.get(k) instanceof Number n ? n.longValue() : -1;
        }

        private double d(String k) {
            return f.get(k) instanceof Number n ? n.doubleValue() : Double.NaN;
        }
    }

    /**
     * A free port below the ephemeral range (32768 and up): tens of thousands of client sockets of an earlier run
     * sit in TIME_WAIT on ephemeral ports, and a wildcard listener cannot bind a port one of them holds.
     */
    static int serverPort() throws IOException {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(20_000, 32_000);
            try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
                probe.setReuseAddress(false);
                probe.bind(new InetSocketAddress(p));
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        return ChildProcesses.freePort();
    }

    /** {@code total} spread over {@code parts} as evenly as possible. */
    static int[] split(int total, int parts) {
        int[] r = new int[parts];
        for (int i = 0; i < parts; i++) r[i] = total / parts + (i < total % parts ? 1 : 0);
        return r;
    }

    static double seconds(long ticks) {
        return ticks / (double) ProcStat.clockTicksPerSecond();
    }

    static Map<String, String> kv(String line) {
        Map<String, String> m = new HashMap<>();
        for (String token : line.trim().split("\\s+")) {
            int eq = token.indexOf('=');
            if (eq > 0) m.put(token.substring(0, eq), token.substring(eq + 1));
        }
        return m;
    }

    static void pause(long millis) throws java.io.InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        }
    }

    static Settings parse(List<String> args) {
        Settings s = new Settings();
        s.quick = args.contains("--quick");
        Integer connections = null;
        Integer echo = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--quick")) continue;
            if (i + 1 >= args.size()) throw new BenchMain.UsageException("ws: unknown option or missing value: " + a);
            String v = args.get(++i);
            try {
                switch (a) {
                    case "--connections" -> connections = Integer.parseInt(v);
                    case "--echo-connections" -> echo = Integer.parseInt(v);
                    case "--only" -> s.contenders = select(v);
                    case "--window" -> s.window = Integer.parseInt(v);
                    case "--in-flight" -> s.handshakesInFlight = Integer.parseInt(v);
                    case "--out" -> s.out = Path.of(v);
                    default -> throw new BenchMain.UsageException("ws: unknown option " + a + " (see ws --help)");
                }
            } catch (NumberFormatException e) {
                throw new BenchMain.UsageException("ws: " + a + " needs a number, got '" + v + "'");
            }
        }
        s.connections = connections != null ? connections : s.quick ? 2000 : 10_000;
        if (s.connections < 1) throw new BenchMain.UsageException("ws: --connections must be positive");
        if (s.connections > MAX_CONNECTIONS) {
            System.err.println("ws: --connections " + s.connections + " clamped to " + MAX_CONNECTIONS
                    + " (a process may hold at most 20,000 files here)");
            s.connections = MAX_CONNECTIONS;
        }
        s.echoConnections = Math.min(s.connections, echo != null ? Math.max(1, echo) : s.quick ? 500 : 1000);
        s.echoWarmup = s.quick ? 1 : 2;
        s.echoSeconds = s.quick ? 3 : 5;
        s.broadcastSeconds = s.quick ? 3 : 5;
        return s;
    }

    private static List<Contender> select(String csv) {
        List<String> wanted = new ArrayList<>();
        for (String name : csv.split(",")) {
            String n = name.trim();
            if (CONTENDERS.stream().noneMatch(c -> c.name().equals(n))) {
                throw new BenchMain.UsageException("ws: unknown contender '" + n + "'; the contenders are: "
                        + names(CONTENDERS));
            }
            wanted.add(n);
        }
        // The canonical order, so that tables from different runs line up.
        return CONTENDERS.stream().filter(c -> wanted.contains(c.name())).toList();
    }

    static String names(List<Contender> contenders) {
        return String.join(",", contenders.stream().map(Contender::name).toList());
    }
}
