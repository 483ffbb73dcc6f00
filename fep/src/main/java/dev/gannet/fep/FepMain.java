package dev.gannet.fep;

import dev.gannet.fep.gateway.Gateway;
import dev.gannet.fep.gateway.GatewayConfig;
import dev.gannet.fep.load.LoadDriver;
import dev.gannet.fep.load.LoadOptions;
import dev.gannet.fep.sim.ExchangeMain;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code gannet fep gateway|exchange|load ...}: the gateway, the institution simulator and the load driver.
 *
 * <p>Every command reads its options first, then runs. {@code -h}/{@code --help} prints the command's help to
 * stdout (exit 0). An error in the options or the configuration file is one line on stderr, saying what is wrong
 * and where to look, with exit 2; an error while running (a port taken, a gateway not there) one line with exit 1.
 * {@code --debug} adds the stack trace.
 */
public final class FepMain {
    private FepMain() {}

    static final String USAGE = """
            usage: gannet fep gateway --config FILE [options]   the gateway (sample: fep/gateway.properties)
                   gannet fep exchange [options]                 the institution simulator
                   gannet fep load --port P [options]            the latency load driver
            Each takes --help; --debug shows stack traces with errors.
            """;

    static final String GATEWAY_HELP = """
            usage: gannet fep gateway --config FILE [--listen HOST:PORT] [--upstream NAME=HOST:PORT ...]
              The FEP gateway: members log on to it; it routes their requests to the upstream institutions of its
              configuration file (annotated sample: fep/gateway.properties; protocol: docs/fep-protocol.md).
              -c, --config FILE            the configuration file (required)
              --listen HOST:PORT           listen here instead of the file's `listen`, e.g. to run beside another
                                           gateway (use another journal.dir too: a journal has one writer)
              --upstream NAME=HOST:PORT    connect to upstream NAME here instead of its upstream.NAME.address;
                                           may be given once per upstream
              --debug                      stack traces with errors
            SIGTERM (Ctrl-C) logs members out with Logout(SHUTTING_DOWN), then stops.
            """;

    /** What a command does once its options are read. */
    private interface Command {
        Callable<Integer> parse(String[] args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs {@code gannet fep ARGS}; returns the exit status (a gateway or simulator returns when stopped). */
    static int run(String[] argv) {
        List<String> list = new ArrayList<>(Arrays.asList(argv));
        boolean debug = list.remove("--debug");
        if (list.isEmpty()) {
            System.err.print(USAGE);
            return 2;
        }
        String name = list.get(0);
        if (name.equals("-h") || name.equals("--help")) {
            System.out.print(USAGE);
            return 0;
        }
        String[] rest = list.subList(1, list.size()).toArray(String[]::new);
        String help;
        Command command;
        switch (name) {
            case "gateway" -> { help = GATEWAY_HELP; command = FepMain::gateway; }
            case "exchange" -> { help = ExchangeMain.HELP; command = a -> { var c = ExchangeMain.parse(a); return () -> ExchangeMain.run(c); }; }
            case "load" -> { help = LoadOptions.HELP; command = FepMain::load; }
            default -> {
                System.err.println("gannet fep: unknown command '" + name + "' (gateway, exchange or load; see gannet fep --help)");
                return 2;
            }
        }
        if (list.contains("-h") || list.contains("--help")) {
            System.out.print(help);
            return 0;
        }
        String prefix = "gannet fep " + name + ": ";
        Callable<Integer> body;
        try {
            body = command.parse(rest);
        } catch (IllegalArgumentException e) {
            fail(System.err, prefix + e.getMessage() + " (see gannet fep " + name + " --help)", e, debug);
            return 2;
        }
        try {
            return body.call();
        } catch (Exception e) {
            fail(System.err, prefix + message(e), e, debug);
            return 1;
        }
    }

    private static void fail(PrintStream err, String line, Throwable e, boolean debug) {
        err.println(line);
        if (debug) e.printStackTrace(err);
    }

    /** The exception's own message, or its type when it has none (never a trace). */
    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static Callable<Integer> gateway(String[] args) {
        Path file = null;
        String listen = null;
        List<String> upstreams = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!List.of("-c", "--config", "--listen", "--upstream").contains(a)) {
                throw new IllegalArgumentException(a.startsWith("-") ? "unknown option " + a : "unexpected argument '" + a + "'");
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            switch (a) {
                case "-c", "--config" -> file = Path.of(v);
                case "--listen" -> listen = v;
                case "--upstream" -> upstreams.add(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        if (file == null) throw new IllegalArgumentException("--config FILE is required (sample: fep/gateway.properties)");
        GatewayConfig.Builder b = load(file).toBuilder();
        if (listen != null) b.listen(GatewayConfig.address(listen, "--listen"));
        for (String u : upstreams) {
            int eq = u.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--upstream: expected NAME=HOST:PORT, got '" + u + "'");
            b.upstreamAddress(u.substring(0, eq), GatewayConfig.address(u.substring(eq + 1), "--upstream " + u.substring(0, eq)));
        }
        GatewayConfig config = b.build();
        return () -> runGateway(config);
    }

    /** The configuration file, or an IllegalArgumentException that names it once and says what is wrong. */
    private static GatewayConfig load(Path file) {
        try {
            return GatewayConfig.load(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("config file " + file + " not found; an annotated sample is fep/gateway.properties");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("config file " + file + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException("config file " + file + " cannot be read: " + message(e));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage());
        }
    }

    private static int runGateway(GatewayConfig cfg) throws Exception {
        Gateway gateway = new Gateway(cfg);
        try {
            gateway.start();
        } catch (IOException e) {
            gateway.close();
            if (rootCause(e) instanceof BindException b) {
                throw new IOException("cannot listen on " + cfg.listen().getHostString() + ":" + cfg.listen().getPort()
                        + ": " + message(b) + " (another gateway there? choose another address with --listen HOST:PORT)", e);
            }
            throw e;
        }
        System.out.println("fep gateway listening on " + gateway.server().localAddress() + ", " + cfg.members().size()
                + " members, " + cfg.upstreams().size() + " upstreams, journal " + cfg.journalDir() + " (fsync "
                + cfg.fsync().name().toLowerCase(Locale.ROOT) + ")");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("fep gateway stopping:\n" + gateway.status());
            gateway.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            if (t instanceof BindException) return t;
            t = t.getCause();
        }
        return t;
    }

    private static Callable<Integer> load(String[] args) {
        LoadDriver.Config config = LoadOptions.parse(args);
        return () -> {
            LoadDriver.Result r = new LoadDriver(config).run();
            System.out.println(r.report());
            return r.sent() == r.acked() + r.rejects() ? 0 : 1;
        };
    }
}
