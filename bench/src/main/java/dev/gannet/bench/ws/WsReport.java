package dev.gannet.bench.ws;

import dev.gannet.bench.ReportFiles;
import java.util.List;
import java.util.Locale;

/** The ws bench's report: two tables (connections and memory; traffic), the notes, the failures, the method. */
final class WsReport {
    private WsReport() {}

    static String progress(WsBench.Result r) {
        return String.format(Locale.ROOT, "%,d/%,d connected, upgrade p99 %s ms, %s B RSS/conn, echo %s msg/s p99 %s ms,"
                        + " broadcast %s deliveries/s, lost %s",
                r.connected(), r.connections(), num(r.upgradeP99Ms(), 2), perConn(r.rssAfter(), r.rssBefore(), r),
                rate(r.echoMsgs(), r.echoSeconds()), num(r.echoP99Ms(), 2), deliveries(r), lost(r));
    }

    static String markdown(List<WsBench.Result> results, WsBench.Settings s) {
        StringBuilder b = new StringBuilder();
        b.append("# WebSocket: connections, memory, echo, broadcast\n\n");
        b.append(ReportFiles.environment()).append("\n\n");
        b.append(String.format(Locale.ROOT, "%,d connections held (%d load process%s on core 1, at most %d handshakes "
                        + "in flight each); server on core 0, one event loop, -Xmx1g.%s%n%n",
                s.connections, WsBench.loadProcesses(s.connections), WsBench.loadProcesses(s.connections) == 1 ? ""
                        : "es", s.handshakesInFlight, s.quick ? " Quick run: short phases." : ""));

        b.append("## Connections and idle memory\n\n");
        b.append("| contender | connected | upgrade p50 / p99 alone (ms) | upgrade p50 (ms) | upgrade p99 (ms) "
                + "| RSS / conn (B) | heap / conn (B) | server CPU for the upgrades (s) |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        for (WsBench.Result r : results) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %s / %s | %s | %s | %s | %s | %s |%n", r.contender(),
                    r.connected() < 0 ? "–" : String.format(Locale.ROOT, "%,d / %,d", r.connected(), r.connections()),
                    num(r.aloneP50Ms(), 2), num(r.aloneP99Ms(), 2), num(r.upgradeP50Ms(), 2), num(r.upgradeP99Ms(), 2), perConn(r.rssAfter(), r.rssBefore(), r),
                    perConn(r.heapAfter(), r.heapBefore(), r), num(r.connectCpuSeconds(), 2)));
        }
        b.append("\n## Traffic\n\n");
        b.append("| contender | echo msg/s | echo p50 (ms) | echo p99 (ms) | echo CPU s / M msgs "
                + "| broadcast deliveries/s | broadcast to all p50 (ms) | lost | broadcast CPU s / M deliveries "
                + "| others on core 0 / 1 |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (WsBench.Result r : results) {
            double deliveredInWindow = (double) r.subscribers() * r.completed();
            b.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", r.contender(),
                    rate(r.echoMsgs(), r.echoSeconds()), num(r.echoP50Ms(), 2), num(r.echoP99Ms(), 2),
                    r.echoMsgs() > 0 ? num(r.echoCpuSeconds() / r.echoMsgs() * 1e6, 2) : "–",
                    deliveries(r), num(r.fanoutP50Ms(), 1), lost(r),
                    deliveredInWindow > 0 ? num(r.broadcastCpuSeconds() / deliveredInWindow * 1e6, 2) : "–",
                    Double.isNaN(r.othersServerCore()) ? "–" : String.format(Locale.ROOT, "%.0f%% / %.0f%%",
                            r.othersServerCore() * 100, r.othersLoadCore() * 100)));
        }

        b.append("\n## How\n\n");
        b.append(String.format(Locale.ROOT, """
                - Upgrade alone: UpgradeProbe on core 1, one blocking handshake at a time (3,000 after 10,000 warm-up
                  ones), its JVM with one C1 compiler thread so that its own compiling stays out of the p99.
                - Upgrade latency: from the start of the TCP connect to the 101 (whose Sec-WebSocket-Accept is checked),
                  each load process keeping %d handshakes in flight. Connected = upgraded of attempted.
                - Memory: RSS (/proc VmRSS) and heap used (after System.gc(), asked over the server's stdin) after a
                  warm-up of 300 short connections, then again after all connections were open and idle for 2 s; the
                  growth divided by the connections. RSS includes heap pages the young generation touched meanwhile.
                - Echo: %,d of the open /ws connections each send a 32-byte text and the next one when the echo is back
                  (closed loop: latency = queueing at the rate the pair sustains), %.0f s warm-up, %.0f s measured.
                - Broadcast: %,d fresh connections on /broadcast in one room; the orchestrator publishes 32-byte texts on
                  one more connection, keeping at most %d broadcasts outstanding (complete = every subscriber has it), for
                  %.0f s. Deliveries/s = subscribers x completed broadcasts / time to the last completion. Each subscriber
                  checks its sequence: lost = a gap in it, or a broadcast still missing at the end.
                - Server CPU: utime + stime of the server process (all threads) over each phase.
                - Others on core 0 / 1: the largest share of the server's (load's) core that went to other processes
                  during the echo or broadcast window. This machine is shared: a run with much of it measured the
                  machine as much as the server, and only ratios inside one run mean anything.
                """, s.handshakesInFlight, s.echoConnections, s.echoWarmup, s.echoSeconds, s.connections,
                s.window, s.broadcastSeconds));

        boolean anyNotes = results.stream().anyMatch(r -> !r.notes().isEmpty());
        if (anyNotes) {
            b.append("\n## Notes\n\n");
            for (WsBench.Result r : results) {
                for (String n : r.notes()) b.append("- ").append(r.contender()).append(": ").append(n).append('\n');
            }
        }
        boolean anyFailed = results.stream().anyMatch(r -> r.failure() != null);
        if (anyFailed) {
            b.append("\n## Failures\n\n");
            for (WsBench.Result r : results) {
                if (r.failure() != null) {
                    b.append("- ").append(r.contender()).append(": ").append(r.failure().replace("\n", "\n  "))
                            .append('\n');
                }
            }
        }
        return b.toString();
    }

    private static String deliveries(WsBench.Result r) {
        if (r.completed() <= 0 || !(r.broadcastSeconds() > 0)) return "–";
        return String.format(Locale.ROOT, "%,.0f", r.subscribers() * (double) r.completed() / r.broadcastSeconds());
    }

    /** Deliveries that did not happen: every published message was due to every subscriber. */
    private static String lost(WsBench.Result r) {
        if (r.published() < 0 || r.delivered() < 0) return "–";
        long expected = r.subscribers() * r.published();
        long lost = Math.max(0, expected - r.delivered());
        return lost == 0 ? "0" : String.format(Locale.ROOT, "%,d of %,d", lost, expected);
    }

    private static String perConn(long after, long before, WsBench.Result r) {
        if (after < 0 || before < 0 || r.connected() <= 0) return "–";
        return String.format(Locale.ROOT, "%,.0f", (after - before) / (double) r.connected());
    }

    private static String rate(long count, double seconds) {
        return count > 0 && seconds > 0 ? String.format(Locale.ROOT, "%,.0f", count / seconds) : "–";
    }

    private static String num(double v, int decimals) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }
}
