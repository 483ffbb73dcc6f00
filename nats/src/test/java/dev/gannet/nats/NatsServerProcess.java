package dev.gannet.nats;

import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real {@code nats-server} for the tests, on free ports, with its monitoring endpoint. In CI ({@code CI=true}) a
 * missing binary fails the test ({@code .ci/run} installs it); elsewhere the test is skipped with the reason.
 */
final class NatsServerProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    final int port;
    final int monitorPort;
    final int clusterPort;
    private final List<String> extraArgs;
    private final Path log;
    private Process process;

    private NatsServerProcess(int port, int monitorPort, int clusterPort, List<String> extraArgs) throws IOException {
        this.port = port;
        this.monitorPort = monitorPort;
        this.clusterPort = clusterPort;
        this.extraArgs = extraArgs;
        this.log = Files.createTempFile("nats-server-" + port, ".log");
    }

    /** The nats-server binary, or a failed/skipped test. */
    static String binary() {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)));
        dirs.add("/usr/sbin");
        dirs.add("/usr/local/bin");
        for (String dir : dirs) {
            Path p = Path.of(dir, "nats-server");
            if (Files.isExecutable(p)) return p.toString();
        }
        String why = "nats-server is not installed (Debian: apt-get install nats-server)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why + "; .ci/run should have installed it");
        Assumptions.abort(why);
        return null;
    }

    /** One standalone server, started and ready. */
    static NatsServerProcess start() throws Exception {
        binary();
        for (int attempt = 1; ; attempt++) {
            NatsServerProcess s = new NatsServerProcess(freePort(), freePort(), 0, List.of());
            try {
                s.launch();
                return s;
            } catch (PortTaken e) {
                s.close();
                if (attempt == 5) throw e;
            }
        }
    }

    /** {@code n} servers in one cluster, each with routes to all the others, started and with their routes up. */
    static List<NatsServerProcess> cluster(int n) throws Exception {
        binary();
        for (int attempt = 1; ; attempt++) {
            try {
                return tryCluster(n);
            } catch (PortTaken e) {
                if (attempt == 5) throw e;
            }
        }
    }

    private static List<NatsServerProcess> tryCluster(int n) throws Exception {
        int[] cports = new int[n];
        for (int i = 0; i < n; i++) cports[i] = freePort();
        List<NatsServerProcess> servers = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                List<String> routes = new ArrayList<>();
                for (int k = 0; k < n; k++) if (k != i) routes.add("nats://127.0.0.1:" + cports[k]);
                List<String> args = List.of("--cluster_name", "gannet-test", "--cluster", "nats://127.0.0.1:" + cports[i],
                        "--routes", String.join(",", routes), "--name", "n" + i);
                NatsServerProcess s = new NatsServerProcess(freePort(), freePort(), cports[i], args);
                servers.add(s);
                s.launch();
            }
            for (NatsServerProcess s : servers) {
                await(Duration.ofSeconds(15), () -> s.json("/routez").path("num_routes").asInt() >= n - 1,
                        () -> "routes of server " + s.port + ": " + s.logTail());
            }
            return servers;
        } catch (Throwable t) {
            servers.forEach(NatsServerProcess::close);
            throw t;
        }
    }

    /** A port was taken between choosing it and the server binding it: try again with others. */
    static final class PortTaken extends AssertionError {
        PortTaken(String message) {
            super(message);
        }
    }

    String url() {
        return "nats://127.0.0.1:" + port;
    }

    /** Starts the process (again, on the same ports, after {@link #kill()}) and waits until it serves. */
    void launch() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary(), "-a", "127.0.0.1", "-p", Integer.toString(port),
                "-m", Integer.toString(monitorPort)));
        cmd.addAll(extraArgs);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await(Duration.ofSeconds(10), () -> {
            if (!process.isAlive()) {
                String tail = logTail();
                String why = "nats-server exited " + process.exitValue() + ":\n" + tail;
                throw tail.contains("address already in use") ? new PortTaken(why) : new AssertionError(why);
            }
            return json("/varz").path("port").asInt() == port;
        }, () -> "nats-server on " + port + " to answer /varz:\n" + logTail());
    }

    /** Kills the process at once (SIGKILL): clients see the connection drop, as on a crash. */
    void kill() throws InterruptedException {
        if (process == null) return;
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        process = null;
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(log);
        } catch (IOException ignored) {
            // a temp file
        }
    }

    /** The server's subscriptions on exactly {@code subject} (local clients, and in a cluster remote ones too). */
    int subscriptions(String subject) {
        int n = 0;
        for (JsonNode s : json("/subsz?subs=1&limit=100000&test=" + subject).path("subscriptions_list")) {
            if (s.path("subject").asString().equals(subject)) n++;
        }
        return n;
    }

    /**
     * Interest in exactly {@code subject} as this cluster member sees it: its own clients' subscriptions plus what each
     * route says its server has ({@code /subsz} lists local subscriptions only).
     */
    int clusterSubscriptions(String subject) {
        int n = subscriptions(subject);
        for (JsonNode r : json("/routez?subs=1").path("routes")) {
            for (JsonNode s : r.path("subscriptions_list")) if (s.asString().equals(subject)) n++;
        }
        return n;
    }

    /** The subjects subscribed by the client connection named {@code name}. */
    List<String> subjectsOf(String name) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : json("/connz?subs=1&limit=100000").path("connections")) {
            if (!c.path("name").asString().equals(name)) continue;
            for (JsonNode s : c.path("subscriptions_list")) out.add(s.asString());
        }
        return out;
    }

    JsonNode json(String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException(path + " answered " + r.statusCode());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * A port that was free a moment ago, chosen below Linux's ephemeral range (32768 and up) so that the tests' own
     * client connections cannot take it before the server binds it (and after a kill, before it binds it again).
     */
    static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < 100; i++) {
            int port = r.nextInt(20_000, 32_000);
            try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Polls {@code condition} (exceptions count as false) until true, or fails after {@code timeout}. */
    static void await(Duration timeout, BooleanSupplier condition, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) return;
                last = null;
            } catch (AssertionError e) {
                throw e;
            } catch (RuntimeException e) {
                last = e;
            }
            Thread.sleep(20);
        }
        AssertionError e = new AssertionError("timed out waiting for " + what.get());
        if (last != null) e.initCause(last);
        throw e;
    }
}
