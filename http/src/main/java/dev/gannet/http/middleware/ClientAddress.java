package dev.gannet.http.middleware;

import dev.gannet.http.Request;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The address of the client behind trusted reverse proxies. Not middleware itself: {@link AccessLog} and
 * {@link RateLimit} (or a handler) call {@link #resolve(Request)}.
 *
 * <p>With no trusted proxies (the default) it is the TCP peer's address and forwarding headers are ignored, since
 * any client can send them. When the peer is a trusted proxy, the forwarding header is read right to left, the
 * entries nearest us first (those were written by our own proxies): trusted hops are skipped and the first address
 * that is not trusted is the client. Entries further left were written by whoever came before, client included, so
 * they are never believed.
 *
 * <p>Only the first header line is read until {@code Request} can return every value of a header: the proxies in
 * front must append to one {@code X-Forwarded-For} line (nginx's {@code $proxy_add_x_forwarded_for} does), not add
 * a second line, or a client could place its own line first.
 */
public final class ClientAddress {
    /** Which forwarding header the proxies write. Only one is read: a client could forge the other. */
    public enum Header {
        /** {@code X-Forwarded-For: client, proxy1, proxy2} */
        X_FORWARDED_FOR("X-Forwarded-For"),
        /** {@code Forwarded: for=client, for=proxy1} (RFC 7239) */
        FORWARDED("Forwarded");

        final String headerName;

        Header(String headerName) {
            this.headerName = headerName;
        }
    }

    /**
     * @param trustedProxies addresses or CIDR blocks of our own proxies, IPv4 or IPv6 ({@code 10.0.0.0/8},
     *                       {@code 192.0.2.7}, {@code fd00::/8}); empty means the peer address only
     * @param header         the forwarding header the proxies write
     * @param maxHops        entries read at most, right to left; bounds the work a long header can cause
     */
    public record Config(List<String> trustedProxies, Header header, int maxHops) {
        public static final Header DEFAULT_HEADER = Header.X_FORWARDED_FOR;
        public static final int DEFAULT_MAX_HOPS = 16;

        public Config {
            trustedProxies = List.copyOf(trustedProxies);
            Objects.requireNonNull(header, "header");
            if (maxHops < 1) throw new IllegalArgumentException("maxHops must be >= 1");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private List<String> trustedProxies = List.of();
            private Header header = DEFAULT_HEADER;
            private int maxHops = DEFAULT_MAX_HOPS;

            public Builder trustedProxies(List<String> v) { trustedProxies = v; return this; }
            public Builder trustedProxies(String... v) { trustedProxies = List.of(v); return this; }
            public Builder header(Header v) { header = v; return this; }
            public Builder maxHops(int v) { maxHops = v; return this; }

            public Config build() {
                return new Config(trustedProxies, header, maxHops);
            }
        }
    }

    private static final ClientAddress PEER = new ClientAddress(Config.builder().build());

    private final Net[] trusted;
    private final Config config;

    private ClientAddress(Config config) {
        this.config = config;
        List<Net> nets = new ArrayList<>();
        for (String s : config.trustedProxies()) nets.add(Net.parse(s));
        this.trusted = nets.toArray(new Net[0]);
    }

    /** The TCP peer's address; forwarding headers ignored. */
    public static ClientAddress peer() {
        return PEER;
    }

    /** Trusts these proxies (addresses or CIDR blocks) and reads {@code X-Forwarded-For} from them. */
    public static ClientAddress trusting(String... proxies) {
        return create(Config.builder().trustedProxies(proxies).build());
    }

    public static ClientAddress create(Config config) {
        return new ClientAddress(config);
    }

    public Config config() {
        return config;
    }

    /** The client's address as text ({@code 203.0.113.7}, {@code 2001:db8:0:0:0:0:0:1}); {@code -} when unknown. */
    public String resolve(Request req) {
        SocketAddress sa = req.remoteAddress();
        if (!(sa instanceof InetSocketAddress isa) || isa.getAddress() == null) return sa == null ? "-" : sa.toString();
        InetAddress peer = isa.getAddress();
        if (trusted.length == 0 || !isTrusted(peer)) return peer.getHostAddress();
        return resolve(peer, req.header(config.header().headerName)).getHostAddress();
    }

    /** The client given a trusted peer and the value of the forwarding header (null when absent). */
    InetAddress resolve(InetAddress peer, String header) {
        if (header == null || header.isEmpty()) return peer;
        List<String> hops = config.header() == Header.FORWARDED ? forwardedFor(header) : split(header);
        InetAddress nearest = peer;
        int stop = Math.max(0, hops.size() - config.maxHops());
        for (int i = hops.size() - 1; i >= stop; i--) {
            InetAddress a = parseNode(hops.get(i));
            // A trusted proxy wrote something we cannot use ("unknown", an obfuscated name): the last address we can
            // vouch for is that proxy's own, so the answer is the nearest trusted hop, never an entry further left.
            if (a == null) return nearest;
            if (!isTrusted(a)) return a;
            nearest = a;
        }
        return nearest;
    }

    boolean isTrusted(InetAddress a) {
        byte[] b = normalize(a).getAddress();
        for (Net n : trusted) if (n.contains(b)) return true;
        return false;
    }

    private static List<String> split(String header) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= header.length(); i++) {
            if (i == header.length() || header.charAt(i) == ',') {
                out.add(header.substring(start, i).trim());
                start = i + 1;
            }
        }
        return out;
    }

    /** The {@code for=} value of each element of a {@code Forwarded} header, "" for an element without one. */
    static List<String> forwardedFor(String header) {
        List<String> out = new ArrayList<>();
        String found = "";
        boolean quoted = false;
        int pairStart = 0;
        for (int i = 0; i <= header.length(); i++) {
            char c = i == header.length() ? ',' : header.charAt(i);
            if (c == '"') quoted = !quoted;
            if (quoted || (c != ';' && c != ',')) continue;
            String pair = header.substring(pairStart, i).trim();
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("for")) found = pair.substring(eq + 1).trim();
            pairStart = i + 1;
            if (c == ',') {
                out.add(found);
                found = "";
            }
        }
        return out;
    }

    /** An address literal as proxies write it, with optional quotes, brackets and port; null if it is none. */
    static InetAddress parseNode(String s) {
        if (s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"') s = s.substring(1, s.length() - 1);
        if (s.isEmpty() || s.length() > 64) return null;
        String literal;
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 0) return null;
            literal = s.substring(1, close);
            if (literal.indexOf(':') < 0) return null;
        } else {
            int colon = s.indexOf(':');
            // One colon is IPv4 with a port; more is a bare IPv6 address.
            literal = colon >= 0 && colon == s.lastIndexOf(':') ? s.substring(0, colon) : s;
        }
        // A zone id would make the parser look up a network interface; a forwarded client never needs one.
        if (literal.indexOf('%') >= 0) return null;
        try {
            // ofLiteral never goes to DNS, unlike getByName: a header must not make us resolve names.
            return normalize(InetAddress.ofLiteral(literal));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** An IPv4-mapped IPv6 address as the IPv4 address it is, so one IPv4 CIDR covers both spellings. */
    static InetAddress normalize(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) mapped = b[i] == 0;
            if (mapped) {
                try {
                    return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (java.net.UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return a;
    }

    /** An address block: the first {@code bits} bits of {@code prefix}. */
    record Net(byte[] prefix, int bits) {
        static Net parse(String spec) {
            String s = spec.trim();
            int slash = s.indexOf('/');
            InetAddress a;
            try {
                a = normalize(InetAddress.ofLiteral(slash < 0 ? s : s.substring(0, slash)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not an IP address or CIDR block: " + spec);
            }
            byte[] b = a.getAddress();
            int max = b.length * 8;
            int bits = max;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(s.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad prefix length in " + spec);
                }
                // "::ffff:10.0.0.0/104" came in as IPv6 bits but was normalized to IPv4.
                if (b.length == 4 && s.substring(0, slash).indexOf(':') >= 0) bits -= 96;
                if (bits < 0 || bits > max) throw new IllegalArgumentException("bad prefix length in " + spec);
            }
            return new Net(b, bits);
        }

        boolean contains(byte[] addr) {
            if (addr.length != prefix.length) return false;
            int full = bits / 8;
            for (int i = 0; i < full; i++) if (addr[i] != prefix[i]) return false;
            int rest = bits % 8;
            if (rest == 0) return true;
            int mask = (0xff << (8 - rest)) & 0xff;
            return (addr[full] & mask) == (prefix[full] & mask);
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(prefix).getHostAddress().toLowerCase(Locale.ROOT) + "/" + bits;
            } catch (java.net.UnknownHostException e) {
                return "?/" + bits;
            }
        }
    }
}
