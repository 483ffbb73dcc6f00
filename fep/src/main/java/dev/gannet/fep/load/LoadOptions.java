package dev.gannet.fep.load;

import dev.gannet.tls.TlsConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code gannet fep load}'s options: its help and the parser that turns them into a {@link LoadDriver.Config}. */
public final class LoadOptions {
    private LoadOptions() {}

    public static final String HELP = """
            usage: gannet fep load --port P [options]
              The latency load driver: logs members on to a gateway, sends NewOrders and measures the round trip.
              --host H                 the gateway's host (default 127.0.0.1)
              --port P                 the gateway's port (required)
              --sessions N             member sessions (default 1), named <prefix>1..N, session ids from
              --member-prefix M          --first-session-id K (default 1), all with --credential C
              --credential C
              --members m1:c1[:sid],.. the members instead, each with its credential (and session id)
              --rate R                 orders a second, all sessions (0: as fast as the window allows)
              --window W               orders outstanding per session at rate 0
              --duration S, --warmup S seconds measured, and unmeasured before that
              --drain S                seconds to wait for the answers outstanding at the end
              --destination D          the institution code orders go to (default 1)
              --account A, --symbol S  the orders' account and symbol
              --heartbeat-ms MS        the heartbeat interval declared in Logon
              --engine E               nio, vthread, ...
              --tls [--tls-trust PEM | --tls-insecure]
              --quiet                  no progress lines
              --debug                  stack traces with errors
            Exit status: 0 when every order was answered, 1 when some were not or the gateway could not be reached,
            2 for a usage error.
            """;

    private static final java.util.Set<String> VALUED = java.util.Set.of("--host", "--port", "--sessions",
            "--member-prefix", "--credential", "--first-session-id", "--members", "--rate", "--window", "--duration",
            "--warmup", "--destination", "--engine", "--heartbeat-ms", "--drain", "--account", "--symbol",
            "--tls-trust");

    /** The options to a configuration; an IllegalArgumentException names the option that is wrong. */
    public static LoadDriver.Config parse(String[] args) {
        LoadDriver.Config.Builder b = LoadDriver.Config.builder();
        int sessions = 1;
        String prefix = "M", credential = "secret";
        long firstSessionId = 1;
        String memberList = null;
        boolean tls = false, insecure = false, portSet = false;
        Path trust = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--tls" -> { tls = true; continue; }
                case "--tls-insecure" -> { tls = true; insecure = true; continue; }
                case "--quiet" -> { b.progress(null); continue; }
                default -> { }
            }
            if (!VALUED.contains(a)) {
                throw new IllegalArgumentException(a.startsWith("-") ? "unknown option " + a : "unexpected argument '" + a + "'");
            }
            if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
            String v = args[++i];
            try {
                switch (a) {
                    case "--host" -> b.host(v);
                    case "--port" -> { b.port(Integer.parseInt(v)); portSet = true; }
                    case "--sessions" -> sessions = Integer.parseInt(v);
                    case "--member-prefix" -> prefix = v;
                    case "--credential" -> credential = v;
                    case "--first-session-id" -> firstSessionId = Long.parseLong(v);
                    case "--members" -> memberList = v;
                    case "--rate" -> b.rate(Integer.parseInt(v));
                    case "--window" -> b.window(Integer.parseInt(v));
                    case "--duration" -> b.duration(seconds(v));
                    case "--warmup" -> b.warmup(seconds(v));
                    case "--destination" -> b.destination(Integer.parseInt(v));
                    case "--engine" -> b.engine(v);
                    case "--heartbeat-ms" -> b.heartbeatMs(Integer.parseInt(v));
                    case "--drain" -> b.drain(seconds(v));
                    case "--account" -> b.account(v);
                    case "--symbol" -> b.symbol(v);
                    case "--tls-trust" -> { tls = true; trust = Path.of(v); }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(a + ": expected a number, got '" + v + "'");
            }
        }
        if (!portSet) throw new IllegalArgumentException("--port is required");
        b.members(memberList != null ? members(memberList, firstSessionId)
                : LoadDriver.Member.numbered(prefix, credential, sessions, firstSessionId));
        if (tls) {
            if (insecure) b.tls(TlsConfig.builder().insecureTrustAll().build());
            else if (trust != null) b.tls(TlsConfig.client(trust));
            else b.tls(TlsConfig.client());
        }
        return b.build();
    }

    /** {@code m1:c1[:sessionId],m2:c2[:sessionId]}; session ids default to {@code first}, {@code first + 1}, ... by position. */
    static List<LoadDriver.Member> members(String v, long first) {
        List<LoadDriver.Member> l = new ArrayList<>();
        String[] parts = v.split(",");
        for (int i = 0; i < parts.length; i++) {
            String[] f = parts[i].split(":");
            if (f.length < 2 || f.length > 3) throw new IllegalArgumentException("member '" + parts[i] + "' is not id:credential[:sessionId]");
            l.add(new LoadDriver.Member(f[0], f[1], f.length == 3 ? Long.parseLong(f[2]) : first + i));
        }
        return l;
    }

    private static Duration seconds(String v) {
        return Duration.ofNanos(Math.round(Double.parseDouble(v) * 1e9));
    }
}
