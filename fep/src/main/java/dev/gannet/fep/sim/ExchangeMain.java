package dev.gannet.fep.sim;

import dev.gannet.tls.TlsConfig;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code gannet fep exchange}: the simulator's command line. Errors are thrown for the caller to report. */
public final class ExchangeMain {
    private ExchangeMain() {}

    public static final String HELP = """
            usage: gannet fep exchange [options]
              The institution simulator: takes the gateway's upstream sessions and answers every request at once
              (docs/fep-protocol.md, "The simulator").
              --host H               address to listen on (default 0.0.0.0)
              --port P               session port (default 9100; 0 picks a free one)
              --control-port P       line-based control port (default: none): drop | delay <ms> | skip <n> |
                                     garbage | reject on|off | refuse <REASON>|off | stats | help | quit
              --engine E             nio, vthread, auto, ... (default nio)
              --threads N            event loops (default 1; 0: one per core)
              --source CODE          the institution code put in every reply (default 1)
              --fill-ratio 0..1      share of orders filled after their ack (default 1)
              --market-price PX      fill price of a market order, units of 1e-4 (default 1000000)
              --transfer-limit AMT   largest FundTransfer amount accepted, units of 1e-4
              --members m1:c1,...    member ids and credentials accepted (default GATEWAY:secret)
              --tls                  TLS on the session port, with a self-signed certificate
              --debug                stack traces with errors
            """;

    private static final java.util.Set<String> VALUED = java.util.Set.of("--host", "--port", "--engine", "--threads",
            "--control-port", "--source", "--fill-ratio", "--market-price", "--transfer-limit", "--members");

    /** The options to a configuration; an IllegalArgumentException names the option that is wrong. */
    public static Exchange.Config parse(String[] args) {
        Exchange.Config.Builder b = Exchange.Config.builder().controlPort(-1);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--tls")) {
                b.tls(TlsConfig.selfSigned("localhost"));
                continue;
            }
            if (!VALUED.contains(a)) {
                throw new IllegalArgumentException(a.startsWith("-") ? "unknown option " + a : "unexpected argument '" + a + "'");
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            try {
                switch (a) {
                    case "--host" -> b.host(v);
                    case "--port" -> b.port(Integer.parseInt(v));
                    case "--engine" -> b.engine(v);
                    case "--threads" -> b.threads(Integer.parseInt(v));
                    case "--control-port" -> b.controlPort(Integer.parseInt(v));
                    case "--source" -> b.source(Integer.parseInt(v));
                    case "--fill-ratio" -> b.fillRatio(Double.parseDouble(v));
                    case "--market-price" -> b.marketPrice(Long.parseLong(v));
                    case "--transfer-limit" -> b.transferLimit(Long.parseLong(v));
                    case "--members" -> b.members(pairs(v));
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + ": expected a number, got '" + v + "'");
            }
        }
        return b.build();
    }

    /** {@code m1:secret1,m2:secret2} to a map. */
    static Map<String, String> pairs(String v) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String p : v.split(",")) {
            int colon = p.indexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("member '" + p + "' is not id:credential");
            m.put(p.substring(0, colon), p.substring(colon + 1));
        }
        return m;
    }

    /** Runs the simulator until the process is stopped; a port it cannot take is an IOException naming it. */
    public static int run(Exchange.Config config) throws IOException {
        Exchange x;
        try {
            x = new Exchange(config);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + config.host() + ":" + config.port()
                    + (config.controlPort() > 0 ? " (control port " + config.controlPort() + ")" : "") + ": "
                    + e.getMessage() + " (choose another with --port / --control-port)", e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(x::close, "exchange-shutdown"));
        System.out.println("exchange listening on " + config.host() + ":" + x.port() + " engine " + x.server().engine()
                + " source " + config.source() + (x.controlPort() >= 0 ? " control port " + x.controlPort() : "")
                + (config.tls() != null ? " tls" : ""));
        x.server().terminationFuture().join();
        return 0;
    }
}
