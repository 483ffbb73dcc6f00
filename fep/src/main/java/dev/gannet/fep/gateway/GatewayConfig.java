package dev.gannet.fep.gateway;

import dev.gannet.fep.journal.FsyncPolicy;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.tls.TlsConfig;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The gateway's configuration: where it listens, its members, its upstream institutions, the journal and the
 * limits. Read from a properties file ({@link #load}); {@code fep/gateway.properties} is the annotated sample.
 *
 * @param listen             the member-facing address
 * @param engine             the transport engine (nio or io_uring: the gateway runs on one event loop)
 * @param members            who may log on; a member's session number (1..32767) tags the correlation ids the
 *                           gateway sends upstream, so replies find their member even across restarts
 * @param upstreams          the institutions, each with the message types and the destination code routed to it
 * @param journalDir         one journal file per session
 * @param fsync              when the journal forces its writes to disk
 * @param groupCommit        the longest a GROUP fsync waits
 * @param throttlePerSecond  application messages a second per member session; 0 for no limit
 * @param queuePerUpstream   frames held for an upstream while it is down; beyond it, Reject(QUEUE_FULL)
 * @param rejectWhenDown     true: Reject(UPSTREAM_UNAVAILABLE) at once while an upstream is down, instead of queueing
 * @param logonsPerSecond    logon attempts a second from one address, beyond which Logout(LOGON_FLOOD)
 * @param tls                TLS for the member side, or null; with {@code ClientAuth.NEED}, mutual TLS
 * @param queueTimeout       how long a request may wait in the queue of an upstream that is not logged on; then
 *                           Reject(UPSTREAM_UNAVAILABLE) (property {@code limits.queueTimeoutMillis})
 */
public record GatewayConfig(
        InetSocketAddress listen,
        String engine,
        List<Member> members,
        List<Upstream> upstreams,
        Path journalDir,
        FsyncPolicy fsync,
        Duration groupCommit,
        int throttlePerSecond,
        int queuePerUpstream,
        boolean rejectWhenDown,
        int logonsPerSecond,
        TlsConfig tls,
        Duration queueTimeout) {

    public static final String DEFAULT_LISTEN = "0.0.0.0:9400";
    public static final int DEFAULT_THROTTLE_PER_SECOND = 50_000;
    public static final int DEFAULT_QUEUE_PER_UPSTREAM = 10_000;
    public static final int DEFAULT_LOGONS_PER_SECOND = 20;
    /** Long enough to ride out an institution's restart, short enough that a member is not left guessing. */
    public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(5);

    /** A member firm: its id in Logon, its credential and its session number. */
    public record Member(String id, String credential, long sessionId) {
        public Member {
            checkText("member id", id, MsgType.Logon.MEMBER_ID_LENGTH);
            checkText("credential", credential, MsgType.Logon.CREDENTIAL_LENGTH);
            if (sessionId <= 0 || sessionId > 0x7fff) {
                throw new IllegalArgumentException("member " + id + ": session must be 1..32767 (its tag keeps ids below 2^63)");
            }
        }
    }

    /** An institution the gateway logs on to, as member {@code memberId}; {@code tls} null for plain TCP. */
    public record Upstream(String name, InetSocketAddress address, int destination, List<Integer> types,
                           String memberId, String credential, long sessionId, TlsConfig tls) {
        public Upstream {
            if (destination <= 0 || destination > 0xffff) {
                throw new IllegalArgumentException("upstream " + name + ": destination must be 1..65535");
            }
            for (int t : types) {
                if (!MsgType.isRoutedRequest(t)) {
                    throw new IllegalArgumentException("upstream " + name + ": " + MsgType.name(t) + " is not routed");
                }
            }
            checkText("upstream member id", memberId, MsgType.Logon.MEMBER_ID_LENGTH);
            checkText("upstream credential", credential, MsgType.Logon.CREDENTIAL_LENGTH);
            types = List.copyOf(types);
        }

        /** The same institution at another address (the command line's {@code --upstream NAME=HOST:PORT}). */
        public Upstream withAddress(InetSocketAddress a) {
            return new Upstream(name, a, destination, types, memberId, credential, sessionId, tls);
        }
    }

    public GatewayConfig {
        members = List.copyOf(members);
        upstreams = List.copyOf(upstreams);
        if (members.isEmpty()) throw new IllegalArgumentException("no members configured");
        if (members.stream().map(Member::sessionId).distinct().count() != members.size()) {
            throw new IllegalArgumentException("member session numbers must be unique");
        }
        if (!engine.equals("nio") && !engine.equals("io_uring") && !engine.equals("auto")) {
            throw new IllegalArgumentException("engine must be nio, io_uring or auto: the gateway runs on one loop");
        }
        if (queuePerUpstream < 0 || throttlePerSecond < 0 || logonsPerSecond <= 0) {
            throw new IllegalArgumentException("limits must be >= 0 (logonsPerSecond > 0)");
        }
        if (queueTimeout == null || queueTimeout.isNegative() || queueTimeout.isZero()) {
            throw new IllegalArgumentException("limits.queueTimeoutMillis must be > 0");
        }
        java.util.Objects.requireNonNull(listen, "listen");
        java.util.Objects.requireNonNull(journalDir, "journalDir");
        java.util.Objects.requireNonNull(fsync, "fsync");
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().listen(listen).engine(engine).members(members).upstreams(upstreams).journalDir(journalDir)
                .fsync(fsync).groupCommit(groupCommit).throttlePerSecond(throttlePerSecond)
                .queuePerUpstream(queuePerUpstream).rejectWhenDown(rejectWhenDown).logonsPerSecond(logonsPerSecond)
                .tls(tls).queueTimeout(queueTimeout);
    }

    /** Every field but members, upstreams and the journal directory has a default (the sample file's). */
    public static final class Builder {
        private InetSocketAddress listen = address(DEFAULT_LISTEN, "listen");
        private String engine = "nio";
        private List<Member> members = List.of();
        private List<Upstream> upstreams = List.of();
        private Path journalDir;
        private FsyncPolicy fsync = FsyncPolicy.NONE;
        private Duration groupCommit = Duration.ofMillis(1);
        private int throttlePerSecond = DEFAULT_THROTTLE_PER_SECOND;
        private int queuePerUpstream = DEFAULT_QUEUE_PER_UPSTREAM;
        private boolean rejectWhenDown;
        private int logonsPerSecond = DEFAULT_LOGONS_PER_SECOND;
        private TlsConfig tls;
        private Duration queueTimeout = DEFAULT_QUEUE_TIMEOUT;

        public Builder listen(InetSocketAddress v) { listen = v; return this; }
        public Builder engine(String v) { engine = v; return this; }
        public Builder members(List<Member> v) { members = v; return this; }
        public Builder upstreams(List<Upstream> v) { upstreams = v; return this; }
        public Builder journalDir(Path v) { journalDir = v; return this; }
        public Builder fsync(FsyncPolicy v) { fsync = v; return this; }
        public Builder groupCommit(Duration v) { groupCommit = v; return this; }
        public Builder throttlePerSecond(int v) { throttlePerSecond = v; return this; }
        public Builder queuePerUpstream(int v) { queuePerUpstream = v; return this; }
        public Builder rejectWhenDown(boolean v) { rejectWhenDown = v; return this; }
        public Builder logonsPerSecond(int v) { logonsPerSecond = v; return this; }
        public Builder tls(TlsConfig v) { tls = v; return this; }
        public Builder queueTimeout(Duration v) { queueTimeout = v; return this; }

        /** Points the upstream called {@code name} at {@code address}; an unknown name is an error. */
        public Builder upstreamAddress(String name, InetSocketAddress address) {
            List<Upstream> l = new ArrayList<>();
            boolean found = false;
            for (Upstream u : upstreams) {
                found |= u.name().equals(name);
                l.add(u.name().equals(name) ? u.withAddress(address) : u);
            }
            if (!found) {
                throw new IllegalArgumentException("no upstream named '" + name + "' in the configuration (it has "
                        + upstreams.stream().map(Upstream::name).toList() + ")");
            }
            upstreams = l;
            return this;
        }

        public GatewayConfig build() {
            return new GatewayConfig(listen, engine, members, upstreams, journalDir, fsync, groupCommit,
                    throttlePerSecond, queuePerUpstream, rejectWhenDown, logonsPerSecond, tls, queueTimeout);
        }
    }

    private static void checkText(String what, String v, int width) {
        if (v == null || v.isEmpty() || v.length() > width || !v.chars().allMatch(c -> c >= 0x20 && c <= 0x7e)) {
            throw new IllegalArgumentException(what + " must be 1.." + width + " printable ASCII characters: " + v);
        }
    }

    /** Reads a properties file; every error names the key. */
    public static GatewayConfig load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return parse(p, file.toAbsolutePath().getParent());
    }

    static GatewayConfig parse(Properties p, Path base) {
        Map<String, Map<String, String>> members = groups(p, "member.");
        Map<String, Map<String, String>> upstreams = groups(p, "upstream.");
        List<Member> ms = new ArrayList<>();
        for (var e : members.entrySet()) {
            Map<String, String> m = e.getValue();
            ms.add(new Member(e.getKey(), need(m, "member." + e.getKey(), "credential"),
                    number(need(m, "member." + e.getKey(), "session"), "member." + e.getKey() + ".session")));
        }
        List<Upstream> us = new ArrayList<>();
        for (var e : upstreams.entrySet()) {
            String key = "upstream." + e.getKey();
            Map<String, String> u = e.getValue();
            List<Integer> types = new ArrayList<>();
            for (String t : need(u, key, "types").split(",")) types.add(type(t.trim(), key + ".types"));
            us.add(new Upstream(e.getKey(), address(need(u, key, "address"), key + ".address"),
                    (int) number(need(u, key, "destination"), key + ".destination"), types,
                    need(u, key, "member"), need(u, key, "credential"),
                    number(need(u, key, "session"), key + ".session"), upstreamTls(u, key, base)));
        }
        Path dir = Path.of(p.getProperty("journal.dir", "fep-journal"));
        if (!dir.isAbsolute() && base != null) dir = base.resolve(dir);
        return new GatewayConfig(
                address(p.getProperty("listen", DEFAULT_LISTEN), "listen"),
                p.getProperty("engine", "nio"),
                ms, us, dir,
                fsync(p.getProperty("journal.fsync", "none")),
                Duration.ofMillis(number(p, "journal.groupCommitMillis", 1)),
                (int) number(p, "limits.throttlePerSecond", DEFAULT_THROTTLE_PER_SECOND),
                (int) number(p, "limits.queuePerUpstream", DEFAULT_QUEUE_PER_UPSTREAM),
                Boolean.parseBoolean(p.getProperty("limits.rejectWhenUpstreamDown", "false").trim()),
                (int) number(p, "limits.logonsPerSecond", DEFAULT_LOGONS_PER_SECOND),
                memberTls(p, base),
                Duration.ofMillis(number(p, "limits.queueTimeoutMillis", DEFAULT_QUEUE_TIMEOUT.toMillis())));
    }

    private static long number(Properties p, String key, long otherwise) {
        String v = p.getProperty(key);
        return v == null ? otherwise : number(v.trim(), key);
    }

    private static long number(String v, String key) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": expected a whole number, got '" + v + "'");
        }
    }

    private static FsyncPolicy fsync(String v) {
        try {
            return FsyncPolicy.valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("journal.fsync: expected none, group or every, got '" + v + "'");
        }
    }

    /**
     * {@code tls.cert} + {@code tls.key} (PEM) turn TLS on for members; {@code tls.clientAuth = need} with
     * {@code tls.trust} (the CAs that sign member certificates) makes it mutual.
     */
    private static TlsConfig memberTls(Properties p, Path base) {
        String cert = p.getProperty("tls.cert");
        if (cert == null) return null;
        String key = p.getProperty("tls.key");
        if (key == null) throw new IllegalArgumentException("tls.key is missing (tls.cert is set)");
        TlsConfig.Builder b = TlsConfig.builder().certificate(file(cert, base), file(key, base))
                .clientAuth(TlsConfig.ClientAuth.valueOf(p.getProperty("tls.clientAuth", "none").toUpperCase(Locale.ROOT)));
        String trust = p.getProperty("tls.trust");
        if (trust != null) b.trustCertificates(file(trust, base));
        return b.build();
    }

    /**
     * {@code upstream.X.tls = true} connects with TLS, trusting {@code tls.trust} (PEM) or the JDK's CAs;
     * {@code tls.cert} + {@code tls.key} present a client certificate for mutual TLS.
     */
    private static TlsConfig upstreamTls(Map<String, String> u, String key, Path base) {
        if (!Boolean.parseBoolean(u.getOrDefault("tls", "false"))) return null;
        TlsConfig.Builder b = TlsConfig.builder();
        if (u.containsKey("tls.trust")) b.trustCertificates(file(u.get("tls.trust"), base));
        if (u.containsKey("tls.cert")) {
            if (!u.containsKey("tls.key")) throw new IllegalArgumentException(key + ".tls.key is missing");
            b.certificate(file(u.get("tls.cert"), base), file(u.get("tls.key"), base));
        }
        return b.build();
    }

    private static Path file(String name, Path base) {
        Path f = Path.of(name);
        return f.isAbsolute() || base == null ? f : base.resolve(f);
    }

    /** {@code prefix.NAME.key = value} → NAME → key → value, names sorted. */
    private static Map<String, Map<String, String>> groups(Properties p, String prefix) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String k : new TreeSet<>(p.stringPropertyNames())) {
            if (!k.startsWith(prefix)) continue;
            String rest = k.substring(prefix.length());
            int dot = rest.indexOf('.');
            if (dot <= 0) throw new IllegalArgumentException(k + ": expected " + prefix + "NAME.key");
            out.computeIfAbsent(rest.substring(0, dot), x -> new LinkedHashMap<>())
                    .put(rest.substring(dot + 1), p.getProperty(k).trim());
        }
        return out;
    }

    private static String need(Map<String, String> m, String key, String field) {
        String v = m.get(field);
        if (v == null || v.isEmpty()) throw new IllegalArgumentException(key + "." + field + " is missing");
        return v;
    }

    /** {@code HOST:PORT} as an address, not resolved yet; {@code key} names the setting or flag in errors. */
    public static InetSocketAddress address(String v, String key) {
        v = v.trim();
        int colon = v.lastIndexOf(':');
        long port = colon <= 0 ? -1 : parsePort(v.substring(colon + 1));
        if (port < 0 || port > 65535) throw new IllegalArgumentException(key + ": expected HOST:PORT, got '" + v + "'");
        String host = v.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new InetSocketAddress(host, (int) port);
    }

    private static long parsePort(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int type(String name, String key) {
        for (int t = 0; t < MsgType.LIMIT; t++) {
            if (MsgType.known(t) && MsgType.name(t).equalsIgnoreCase(name)) return t;
        }
        throw new IllegalArgumentException(key + ": unknown message type " + name);
    }
}
