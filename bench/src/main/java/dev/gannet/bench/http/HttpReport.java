package dev.gannet.bench.http;

import dev.gannet.bench.ReportFiles;
import dev.gannet.bench.Medians;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Turns the runs of {@link HttpBench} into the markdown that goes to stdout and results-http.md. */
final class HttpReport {

    static final String OURS = "gannet";

    private HttpReport() {}

    static String markdown(List<HttpRun> runs, HttpBench.Settings s) {
        StringBuilder md = new StringBuilder();
        md.append("## HTTP (`gannet bench http").append(s.quick ? " --quick" : "").append("`)\n\n");
        md.append(ReportFiles.environment()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Each server is its own JVM on core %d (`taskset -c %d`) with one event "
                        + "loop; wrk 4.1 runs one thread with %d connections on core %d. Warm-up %d s (a wrk run), "
                        + "measured %d s; %s Server CPU is utime+stime from /proc/PID/stat over the measured "
                        + "window, per million requests. Latency is wrk's, closed-loop, with wrk's own "
                        + "coordinated-omission correction (\"n/a\": wrk reported 0, see the Lua script); use the "
                        + "project's fixed-rate driver for latency claims. %s"
                        + "Errors are summed over the rounds: wrk's socket errors (connect, read, write, timeout) "
                        + "plus responses with status ≥ 400 (wrk's status errors).%n%n",
                HttpBench.SERVER_CORE, HttpBench.SERVER_CORE, s.connections, HttpBench.DRIVER_CORE, s.warmup,
                s.duration, s.rounds == 1
                        ? "1 round, so each figure is a single run (the full bench takes medians of 3)."
                        : s.rounds + " rounds, contenders interleaved within each workload and their order rotated "
                        + "between rounds; each figure is the median over the rounds, over the undisturbed ones when "
                        + "there are any (\"2/3 rounds\"; ⚠: every round was disturbed).",
                !s.workloads.contains(HttpWorkload.TLS) ? "" : String.format(Locale.ROOT, "TLS: one wrk run whose "
                        + "first %d+ s are the warm-up (with the %d handshakes) and the rest the measured window, "
                        + "after %d s of short connections that compile the handshake; its latency and errors cover "
                        + "the whole run. ", s.warmup + s.tlsExtraWarmup, s.connections, s.tlsPrewarm)));

        summary(md, runs, s);

        for (HttpWorkload w : s.workloads) {
            md.append("### ").append(w.key).append("\n\n")
                    .append(w.description.replace("{depth}", Integer.toString(s.depth))).append(".\n\n");
            md.append("| contender | requests/s | server CPU-s per M req | p50 ms | p99 ms | errors |\n");
            md.append("|---|---:|---:|---:|---:|---|\n");
            for (HttpContender c : s.contenders) {
                Pick p = pick(runs, c.name(), w);
                if (p.runs().isEmpty()) {
                    md.append("| ").append(c.name()).append(" | failed | — | — | — | — |\n");
                    continue;
                }
                String label = c.name() + (p.runs().size() < p.of() ? " (" + p.runs().size() + "/" + p.of()
                        + " rounds)" : "") + (p.disturbed() ? " ⚠" : "");
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %s | %s |%n", label,
                        grouped(Medians.of(p.runs(), HttpRun::rate)), Medians.of(p.runs(), HttpRun::cpuPerMillion),
                        millis(Medians.of(p.runs(), r -> r.wrk().p50Us())),
                        millis(Medians.of(p.runs(), r -> r.wrk().p99Us())), errors(p.runs())));
            }
            md.append('\n');
            ratio(runs, w, s).ifPresent(line -> md.append(line).append("\n\n"));
        }

        long disturbed = runs.stream().filter(HttpRun::disturbed).count();
        if (disturbed > 0) {
            md.append(String.format(Locale.ROOT, "**Warning:** in %d of %d runs other processes or the hypervisor "
                            + "took %.0f%% or more of the server's or wrk's core (the \"others\" column of every run); those "
                            + "figures measure the machine's load as much as the servers.%n%n", disturbed,
                    runs.size(), 100 * HttpBench.DISTURBED));
        }

        md.append("<details><summary>Every run</summary>\n\n");
        md.append("Server core and wrk core: CPU-seconds per second of the measured window. wrk near 100% limits "
                + "requests/s for everyone; server CPU per request still separates the servers then. Others: the "
                + "share of core " + HttpBench.SERVER_CORE + " / core " + HttpBench.DRIVER_CORE
                + " that went to anything else.\n\n");
        md.append("| workload | contender | round | requests/s | CPU-s per M | server core | wrk core | others "
                + "| p50 ms | p90 ms | p99 ms | max ms | errors |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (HttpRun r : runs) {
            if (!r.ok()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | failed | | | | | | | | | |%n", r.workload().key,
                        r.contender(), r.round()));
                continue;
            }
            md.append(String.format(Locale.ROOT,
                    "| %s | %s | %d | %s | %.2f | %.0f%% | %.0f%% | %s | %s | %s | %s | %s | %s |%n",
                    r.workload().key, r.contender(), r.round(), grouped(r.rate()), r.cpuPerMillion(),
                    100 * r.serverCoreShare(), 100 * r.wrkCoreShare(), others(r), millis(r.wrk().p50Us()),
                    millis(r.wrk().p90Us()), millis(r.wrk().p99Us()), millis(r.wrk().maxUs()),
                    errors(List.of(r))));
        }
        md.append("\n</details>\n");

        // One entry per distinct reason: a server that cannot start fails the same way in every round.
        Map<String, List<String>> failures = new LinkedHashMap<>();
        for (HttpRun r : runs) {
            if (!r.ok()) {
                failures.computeIfAbsent(r.contender() + "\n" + r.failure(), k -> new ArrayList<>())
                        .add(r.workload().key + " r" + r.round());
            }
        }
        if (!failures.isEmpty()) {
            md.append("\n### Failures\n\n");
            for (Map.Entry<String, List<String>> e : failures.entrySet()) {
                int nl = e.getKey().indexOf('\n');
                md.append("- ").append(e.getKey(), 0, nl).append(" (").append(String.join(", ", e.getValue()))
                        .append("):\n\n```\n").append(e.getKey().substring(nl + 1)).append("\n```\n");
            }
        }
        return md.toString();
    }

    /** The headline: per workload, Gannet's CPU per request against the most frugal peer's. */
    private static void summary(StringBuilder md, List<HttpRun> runs, HttpBench.Settings s) {
        for (HttpContender c : s.contenders) {
            if (c.gannet()) summary(md, runs, s, c.name());
        }
    }

    private static void summary(StringBuilder md, List<HttpRun> runs, HttpBench.Settings s, String ours) {
        md.append("### ").append(ours.equals(OURS) ? "Gannet (nio)" : ours).append(" against the best peer\n\n");
        md.append("The best peer is the one with the least server CPU per request on that workload. Ratios below 1 "
                + "favour Gannet for CPU; above 1 favour it for requests/s.\n\n");
        md.append("| workload | gannet req/s | gannet CPU-s/M | best peer | peer req/s | peer CPU-s/M "
                + "| CPU per request ratio | req/s ratio |\n");
        md.append("|---|---:|---:|---|---:|---:|---:|---:|\n");
        for (HttpWorkload w : s.workloads) {
            List<HttpRun> mine = pick(runs, ours, w).runs();
            Optional<String> best = bestPeer(runs, w, s);
            if (mine.isEmpty() || best.isEmpty()) {
                md.append("| ").append(w.key).append(" | ")
                        .append(mine.isEmpty() ? "failed" : grouped(Medians.of(mine, HttpRun::rate)))
                        .append(" | | ").append(best.orElse("—")).append(" | | | — | — |\n");
                continue;
            }
            List<HttpRun> peer = pick(runs, best.get(), w).runs();
            double ourCpu = Medians.of(mine, HttpRun::cpuPerMillion);
            double peerCpu = Medians.of(peer, HttpRun::cpuPerMillion);
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %s | %.2f | **%.2f×** | %.2f× |%n", w.key,
                    grouped(Medians.of(mine, HttpRun::rate)), ourCpu, best.get(), grouped(Medians.of(peer, HttpRun::rate)),
                    peerCpu, ourCpu / peerCpu, Medians.of(mine, HttpRun::rate) / Medians.of(peer, HttpRun::rate)));
        }
        md.append('\n');
    }

    /** The comparison line under each workload's table, when both sides have results. */
    private static Optional<String> ratio(List<HttpRun> runs, HttpWorkload w, HttpBench.Settings s) {
        List<HttpRun> ours = pick(runs, OURS, w).runs();
        Optional<String> best = bestPeer(runs, w, s);
        if (ours.isEmpty() || best.isEmpty()) {
            return Optional.empty();
        }
        List<HttpRun> peer = pick(runs, best.get(), w).runs();
        return Optional.of(String.format(Locale.ROOT,
                "Gannet CPU per request / best peer's (%s): **%.2f×** (lower is better); requests/s ratio %.2f×.",
                best.get(), Medians.of(ours, HttpRun::cpuPerMillion) / Medians.of(peer, HttpRun::cpuPerMillion),
                Medians.of(ours, HttpRun::rate) / Medians.of(peer, HttpRun::rate)));
    }

    private static Optional<String> bestPeer(List<HttpRun> runs, HttpWorkload w, HttpBench.Settings s) {
        return s.contenders.stream()
                .filter(c -> !c.gannet())
                .map(HttpContender::name)
                .filter(n -> !pick(runs, n, w).runs().isEmpty())
                .min(Comparator.comparingDouble(n -> Medians.of(pick(runs, n, w).runs(), HttpRun::cpuPerMillion)));
    }

    /** One line for stderr after each run. */
    static String progress(HttpRun r) {
        return String.format(Locale.ROOT, "%s req/s, %.2f CPU-s/M, p50 %s ms, p99 %s ms, errors %s, server core "
                        + "%.0f%%, wrk core %.0f%%%s", grouped(r.rate()), r.cpuPerMillion(), millis(r.wrk().p50Us()),
                millis(r.wrk().p99Us()), errors(List.of(r)), 100 * r.serverCoreShare(), 100 * r.wrkCoreShare(),
                r.disturbed() ? String.format(Locale.ROOT, " — DISTURBED: others took %.0f%% of core %d, %.0f%% of "
                        + "core %d", 100 * r.othersOnServerCore(), HttpBench.SERVER_CORE,
                        100 * r.othersOnDriverCore(), HttpBench.DRIVER_CORE) : "");
    }

    /** The total, with its non-zero parts named: {@code 0}, or e.g. {@code 312 (read 300, status 12)}. */
    static String errors(List<HttpRun> runs) {
        long connect = 0;
        long read = 0;
        long write = 0;
        long timeout = 0;
        long status = 0;
        for (HttpRun r : runs) {
            connect += r.wrk().connect();
            read += r.wrk().read();
            write += r.wrk().write();
            timeout += r.wrk().timeout();
            status += r.wrk().status();
        }
        long total = connect + read + write + timeout + status;
        if (total == 0) {
            return "0";
        }
        List<String> parts = new ArrayList<>();
        String[] names = {"connect", "read", "write", "timeout", "status ≥ 400"};
        long[] values = {connect, read, write, timeout, status};
        for (int i = 0; i < names.length; i++) {
            if (values[i] > 0) {
                parts.add(names[i] + " " + grouped(values[i]));
            }
        }
        return grouped(total) + " (" + String.join(", ", parts) + ")";
    }

    private static String others(HttpRun r) {
        return String.format(Locale.ROOT, "%.0f%% / %.0f%%%s", 100 * r.othersOnServerCore(),
                100 * r.othersOnDriverCore(), r.disturbed() ? " ⚠" : "");
    }

    /** The runs a table row is made of; {@code of} counts all rounds, failed ones included. */
    record Pick(List<HttpRun> runs, boolean disturbed, int of) {}

    /**
     * The successful runs of one contender and workload, without the disturbed ones when at least one is clean:
     * keeping a round in which another process held half a core would let the machine pick the median.
     */
    static Pick pick(List<HttpRun> runs, String contender, HttpWorkload w) {
        List<HttpRun> mine = runs.stream().filter(r -> r.workload() == w && r.contender().equals(contender)).toList();
        List<HttpRun> ok = mine.stream().filter(HttpRun::ok).toList();
        List<HttpRun> clean = ok.stream().filter(r -> !r.disturbed()).toList();
        return clean.isEmpty() ? new Pick(ok, !ok.isEmpty(), mine.size()) : new Pick(clean, false, mine.size());
    }

    private static String grouped(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String millis(double micros) {
        if (Double.isNaN(micros)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, micros >= 100_000 ? "%,.0f" : "%.2f", micros / 1000);
    }
}
