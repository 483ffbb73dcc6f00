package dev.gannet.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Starts the servers and drivers as separate, pinned JVMs and makes sure none outlives the orchestrator: every
 * child is tracked and killed by a shutdown hook, which runs on normal exit, on an exception and on Ctrl-C.
 */
public final class ChildProcesses {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildProcesses::killAll, "bench-kill-children"));
    }

    private ChildProcesses() {}

    /** The java binary of this JVM, so children run on exactly the same JDK. */
    public static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * The JVM flags {@code ./gannet serve} runs with: the launcher exports them as GANNET_JVM_FLAGS, so a
     * benchmarked server runs exactly as a user's does. The fallback copies the launcher for runs without it.
     */
    public static List<String> gannetFlags() {
        String fromLauncher = System.getenv("GANNET_JVM_FLAGS");
        if (fromLauncher != null && !fromLauncher.isBlank()) return List.of(fromLauncher.trim().split("\\s+"));
        return List.of("--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-XX:+UseParallelGC", "-XX:AutoBoxCacheMax=65536");
    }

    public static String classPath() {
        return System.getProperty("java.class.path");
    }

    /** Fails with a clear message when {@code taskset} (util-linux) is missing or there are too few cores. */
    public static void requirePinning(int cores) {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "taskset"))) {
                found = true;
                break;
            }
        }
        if (!found) {
            throw new BenchMain.UsageException("taskset is not on the PATH; the benchmark pins the server to core 0 "
                    + "and the driver to core 1 with it (Debian/Ubuntu: apt-get install util-linux)");
        }
        int available = Runtime.getRuntime().availableProcessors();
        if (available < cores) {
            throw new BenchMain.UsageException("this bench needs " + cores + " cores (server on core 0, driver on "
                    + "core 1) but this JVM may use only " + available);
        }
    }

    /** {@code taskset -c <core> java <jvmFlags> -cp <this class path> <mainClass> <args>}. */
    public static List<String> pinnedJava(int core, List<String> jvmFlags, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("taskset");
        cmd.add("-c");
        cmd.add(Integer.toString(core));
        cmd.add(javaBinary());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** Starts a tracked child; stdout and stderr go to {@code log}, or to a pipe when {@code log} is null. */
    public static Process start(List<String> command, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (log != null) {
            Files.createDirectories(log.toAbsolutePath().getParent());
            pb.redirectOutput(log.toFile());
        }
        Process p = pb.start();
        LIVE.add(p);
        return p;
    }

    /** SIGTERM, then SIGKILL after {@code grace}; also kills anything the child started. */
    public static void stop(Process p, Duration grace) {
        List<ProcessHandle> descendants = p.descendants().toList();
        p.destroy();
        try {
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        descendants.forEach(ProcessHandle::destroyForcibly);
        LIVE.remove(p);
    }

    public static void killAll() {
        for (Process p : LIVE) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        LIVE.clear();
    }

    /**
     * The pid whose /proc/PID/stat holds the server's CPU time. taskset execs the command, so it is normally the
     * child's own pid; should a wrapper stay in between, the JVM is its descendant.
     */
    public static long javaPid(Process p) {
        String cmd = p.info().command().orElse("");
        if (cmd.endsWith("/taskset")) {
            return p.descendants().findFirst().map(ProcessHandle::pid).orElse(p.pid());
        }
        return p.pid();
    }

    /** A port that was free a moment ago; each server gets a fresh one so no run sees another's TIME_WAIT. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Polls a connect to the loopback port until the server accepts, it dies, or {@code timeout} passes. */
    public static void awaitListening(int port, Duration timeout, Process server, Path log) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        while (true) {
            if (!server.isAlive()) {
                throw new IOException("server exited with code " + server.exitValue() + " before listening; "
                        + "its output (" + log + "):\n" + tail(log, 20));
            }
            try (SocketChannel ch = SocketChannel.open()) {
                ch.connect(address);
                return;
            } catch (IOException refused) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("server did not accept on port " + port + " within " + timeout.toSeconds()
                            + " s; its output (" + log + "):\n" + tail(log, 20));
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the server");
            }
        }
    }

    /** The last {@code lines} lines of a log, indented, for error messages. */
    public static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
            return last.isEmpty() ? "    (empty)" : "    " + String.join("\n    ", last);
        } catch (IOException e) {
            return "    (unreadable: " + e.getMessage() + ")";
        }
    }

    /** bench/target: the directory holding the bench jar (or target/classes when run from an IDE or Maven). */
    public static Path targetDir() {
        try {
            Path where = Path.of(ChildProcesses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path parent = where.toAbsolutePath().getParent();
            if (parent != null) return parent;
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // Unusual class loader: fall back to the layout the launcher uses.
        }
        return Path.of("bench", "target");
    }

    /**
     * Checked up front so that a missing server module fails in a second, not after the peers' runs.
     *
     * @param peersOnly the {@code --only} value that runs just the peers, for the message
     */
    public static void requireOnClassPath(String mainClass, String peersOnly) {
        if (ChildProcesses.class.getClassLoader().getResource(mainClass.replace('.', '/') + ".class") == null) {
            throw new BenchMain.UsageException("the Gannet server main " + mainClass + " is not on the class path "
                    + "(build it: ./mvnw -pl bench -am package); to run only the peers: --only " + peersOnly);
        }
    }
}
