package dev.gannet.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The line {@code serve} prints once it listens: an address a browser (or {@code curl}) can open as printed, e.g.
 * {@code gannet: http server on http://localhost:8080/ (engine io_uring, auto: available on this kernel, 2 loops,
 * all interfaces)}.
 */
final class StartupLine {
    private StartupLine() {
    }

    /**
     * @param loops the event-loop count, or 0 for an engine without loops (vthread)
     * @param auto  why {@code auto} chose the engine, or null when it was named
     */
    static String of(String mode, boolean tls, InetSocketAddress bound, String engine, String auto, int loops) {
        boolean http = mode.equals("http");
        String where = http ? url(bound, tls) : host(bound.getAddress()) + ":" + bound.getPort();
        String what = http ? (tls ? "https" : "http") : mode + (tls ? " (TLS)" : "");
        StringBuilder line = new StringBuilder("gannet: ").append(what).append(" server on ").append(where)
                .append(" (engine ").append(engine);
        if (auto != null) line.append(", auto: ").append(auto);
        if (loops > 0) line.append(", ").append(loops).append(loops == 1 ? " loop" : " loops");
        if (bound.getAddress().isAnyLocalAddress()) line.append(", all interfaces");
        return line.append(')').toString();
    }

    /** {@code http://localhost:8080/} for a wildcard bind, {@code https://[::1]:8443/} for an IPv6 one. */
    static String url(InetSocketAddress bound, boolean tls) {
        return (tls ? "https://" : "http://") + host(bound.getAddress()) + ":" + bound.getPort() + "/";
    }

    /**
     * The host part of a URL: {@code localhost} for the wildcard (it reaches every interface, and a browser cannot
     * open {@code 0.0.0.0} everywhere), IPv6 literals in brackets and in their short form.
     */
    static String host(InetAddress a) {
        if (a.isAnyLocalAddress()) return "localhost";
        if (a instanceof Inet6Address v6) {
            String scope = v6.getScopeId() != 0 ? "%25" + v6.getScopeId() : "";
            return "[" + shortV6(v6.getAddress()) + scope + "]";
        }
        return a.getHostAddress();
    }

    /** RFC 5952: lower-case hex, no leading zeros, the longest run (two or more) of zero groups as "::". */
    static String shortV6(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') s.append(':');
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
