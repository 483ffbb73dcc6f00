package dev.gannet.server;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.tls.SelfSignedCertificate;
import dev.gannet.tls.TlsConfig;
import dev.gannet.transport.Action;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TcpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code gannet serve}: the ready server. Until the HTTP layer lands it is a TCP echo server. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Gannet.Version.class,
        description = "Start the server (HTTP/1.1 by default). Every flag also reads an environment variable.",
        showDefaultValues = true)
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "${env:PORT:-8080}", converter = CliValues.Port.class,
            description = "port, 0 for any free one (env PORT)")
    int port;

    @Option(names = "--host", defaultValue = "${env:HOST:-0.0.0.0}", description = "address to bind (env HOST)")
    String host;

    @Option(names = "--engine", defaultValue = "${env:GANNET_ENGINE:-auto}", converter = CliValues.Engine.class, description = "nio, vthread, io_uring or auto: io_uring where the kernel allows, else nio (env GANNET_ENGINE)")
    String engine;

    @Option(names = "--threads", defaultValue = "${env:GANNET_THREADS:-0}", converter = CliValues.Threads.class,
            description = "event loops, 0 for one per core; ignored by vthread (env GANNET_THREADS)")
    int threads;

    @Option(names = "--reuse-port", defaultValue = "${env:GANNET_REUSE_PORT:-false}",
            description = "one listening socket per loop with SO_REUSEPORT (env GANNET_REUSE_PORT)")
    boolean reusePort;

    @Option(names = "--mode", defaultValue = "${env:GANNET_MODE:-http}", converter = CliValues.Mode.class, description = "what to serve: http, or echo (raw TCP) (env GANNET_MODE)")
    String mode;

    @Option(names = "--static", defaultValue = "${env:GANNET_STATIC}", description = "a directory to serve at /static/ (env GANNET_STATIC)")
    java.nio.file.Path staticDir;

    @Option(names = "--debug", defaultValue = "${env:GANNET_DEBUG:-false}", description = "log every request (access log with request ids), and print the stack trace of an error (env GANNET_DEBUG)")
    boolean debug;

    @Option(names = "--bench-routes", defaultValue = "${env:GANNET_BENCH_ROUTES:-false}",
            description = "add the benchmark's extra routes /bench/1k and /bench/sleep (env GANNET_BENCH_ROUTES)")
    boolean benchRoutes;

    @Option(names = "--tls", defaultValue = "${env:GANNET_TLS:-false}",
            description = "serve TLS; without --tls-cert/--tls-key a self-signed development certificate is made (env GANNET_TLS)")
    boolean tls;

    @Option(names = "--tls-cert", defaultValue = "${env:GANNET_TLS_CERT}", description = "PEM certificate chain (env GANNET_TLS_CERT)")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-key", defaultValue = "${env:GANNET_TLS_KEY}", description = "PEM private key, PKCS#8 or PKCS#1/SEC1 (env GANNET_TLS_KEY)")
    java.nio.file.Path tlsKey;

    @Option(names = "--shutdown-timeout", defaultValue = "${env:GANNET_SHUTDOWN_TIMEOUT:-30s}",
            converter = CliValues.DurationValue.class,
            description = "graceful shutdown deadline, e.g. 30s or 500ms (env GANNET_SHUTDOWN_TIMEOUT)")
    Duration shutdownTimeout;

    @Option(names = "--readiness-grace", defaultValue = "${env:GANNET_READINESS_GRACE:-0s}",
            converter = CliValues.DurationValue.class,
            description = "on shutdown, keep serving this long with /health/ready answering 503 before draining, "
                    + "e.g. 5s (env GANNET_READINESS_GRACE)")
    Duration readinessGrace;

    @Option(names = "--nats", defaultValue = "${env:NATS_URL}", converter = CliValues.NatsUrls.class,
            description = "NATS server URL(s), comma-separated (nats://host:4222): WebSocket topics reach the subscribers of every node on it (env NATS_URL)")
    String nats;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw CliErrors.runtime("cannot resolve the host '" + host + "'; give --host an IP address or a name this "
                    + "machine resolves (0.0.0.0 for every interface)", null);
        }
        if (staticDir != null && !java.nio.file.Files.isDirectory(staticDir)) {
            throw CliErrors.runtime("--static " + staticDir + ": " + (java.nio.file.Files.exists(staticDir)
                    ? "not a directory" : "no such directory") + "; give a directory to serve at /static/", null);
        }
        TlsConfig tlsConfig = tlsConfig();
        ServerConfig config = ServerConfig.builder()
                .address(address)
                .engine(engine)
                .threads(threads)
                .reusePort(reusePort)
                .shutdownTimeout(shutdownTimeout)
                .readinessGrace(readinessGrace)
                .tls(tlsConfig)
                .build();
        Server server;
        dev.gannet.nats.NatsFanout fanout = null;
        if (mode.equals("echo")) {
            server = TcpServer.start(config, new EchoHandler());
        } else {
            var holder = new java.util.concurrent.atomic.AtomicReference<Server>();
            HttpServer app = HttpServer.create(HttpConfig.builder().server(config).build());
            if (debug) app.use(dev.gannet.http.middleware.RequestId.create()).use(dev.gannet.http.middleware.AccessLog.create());
            DemoRoutes.install(app, holder, benchRoutes);
            if (staticDir != null) app.get("/static/*", dev.gannet.http.StaticFiles.of(staticDir));
            if (nats != null && !nats.isBlank()) {
                // Before start: sockets must not subscribe to topics that are not yet fanned out.
                fanout = dev.gannet.nats.NatsFanout.connect(nats);
                try {
                    app.topics().fanout(fanout);
                } catch (java.io.UncheckedIOException e) {
                    // Only here is it known that the failure was the NATS connection and which flag set it.
                    throw CliErrors.runtime("cannot connect to NATS at " + nats + "; start a NATS server there or "
                            + "fix --nats (env NATS_URL)", e);
                }
                System.out.println("gannet: WebSocket topics fan out over NATS " + fanout.config().servers()
                        + " (node " + fanout.config().nodeId() + ")");
            }
            server = app.start();
            holder.set(server);
        }
        dev.gannet.nats.NatsFanout natsFanout = fanout;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("gannet: shutting down gracefully (deadline " + config.shutdownTimeout().toMillis() + " ms)");
            server.shutdownGracefully(config.shutdownTimeout()).join();
            if (natsFanout != null) natsFanout.close(); // after the sockets: their last publishes still go out
        }, "gannet-shutdown"));
        System.out.println(StartupLine.of(mode, tlsConfig != null, server.localAddress(), server.engine(),
                engine.equals("auto") ? dev.gannet.engine.Engines.autoChoice() : null,
                server.engine().equals("vthread") ? 0 : config.loopCount()));
        // The loops are daemon threads: keep the JVM up until the server stops (SIGTERM runs the hook above).
        server.terminationFuture().join();
        return 0;
    }

    private TlsConfig tlsConfig() throws java.io.IOException {
        if (tlsCert != null || tlsKey != null) {
            if (tlsCert == null || tlsKey == null) {
                throw CliErrors.usage("--tls-cert and --tls-key go together: give both (or --tls alone for a "
                        + "self-signed development certificate)");
            }
            requireFile(tlsCert, "--tls-cert", "the PEM certificate chain");
            requireFile(tlsKey, "--tls-key", "the PEM private key");
            try {
                return TlsConfig.server(tlsCert, tlsKey);
            } catch (IllegalArgumentException e) {
                // The reader's message names the file and the fault (no PEM block, a key of another certificate).
                throw CliErrors.runtime(e.getMessage() + "; --tls-cert takes a PEM certificate chain (leaf first), "
                        + "--tls-key its PEM private key", e);
            }
        }
        if (!tls) return null;
        // A development certificate, written out so that clients can be told to trust it (curl --cacert).
        SelfSignedCertificate dev = SelfSignedCertificate.generate("localhost");
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("gannet-dev-tls");
        dev.writePem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        System.out.println("gannet: TLS with a self-signed development certificate for localhost: " + dir.resolve("cert.pem"));
        return TlsConfig.server(dir.resolve("cert.pem"), dir.resolve("key.pem"));
    }

    private static void requireFile(java.nio.file.Path file, String flag, String what) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw CliErrors.runtime(flag + " " + file + ": " + (java.nio.file.Files.exists(file) ? "not a file"
                    : "no such file") + "; give " + what, null);
        }
        if (!java.nio.file.Files.isReadable(file)) {
            throw CliErrors.runtime(flag + " " + file + ": cannot be read (permission denied); give " + what
                    + " in a file this user can read", null);
        }
    }

    /** Writes back what it reads. */
    static final class EchoHandler implements Handler {
        @Override
        public Action onData(dev.gannet.transport.Connection c, java.nio.ByteBuffer in) {
            c.write(in);
            return Action.KEEP;
        }
    }
}
