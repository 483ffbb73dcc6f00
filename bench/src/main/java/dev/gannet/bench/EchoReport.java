package dev.gannet.bench;

import dev.gannet.bench.TcpEchoBench.Contender;
import dev.gannet.bench.TcpEchoBench.Run;
import dev.gannet.bench.TcpEchoBench.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Turns the runs of {@link TcpEchoBench} into the markdown that goes to stdout and results-tcp.md. */
final class EchoReport {

    /** The pair the issue asks to compare: Gannet's default engine against the fastest tuned peer. */
    static final String OURS = "gannet-nio";
    static final String PEER = "netty-epoll";

    private EchoReport() {}

    static String markdown(List<Run> runs, Settings s) {
        StringBuilder md = new StringBuilder();
        md.append("## TCP echo (`gannet bench tcp").append(s.quick ? " --quick" : "").append("`)\n\n");
        md.append(ReportFiles.environment()).append("\n\n");
        md.append(String.format(Locale.ROOT, "Each server is its own JVM on core %d (`taskset -c %d`) with one "
                        + "event loop; the driver is one JDK-NIO thread in a JVM on core %d. %d persistent "
                        + "connections, closed loop (send one message, wait for the whole echo, send the next). "
                        + "Warm-up %s s, measured %s s; %s Server CPU is utime+stime "
                        + "from /proc/PID/stat over the measured window. Each run waits for both cores to be quiet "
                        + "first, and a run disturbed by other load is repeated once (within a time budget), "
                        + "keeping the less disturbed attempt.%n%n",
                TcpEchoBench.SERVER_CORE, TcpEchoBench.SERVER_CORE, TcpEchoBench.DRIVER_CORE, s.connections,
                trim(s.warmup), trim(s.duration), s.rounds == 1
                        ? "1 round, so each figure is a single run (the full bench takes medians of 3)."
                        : s.rounds + " rounds, contenders interleaved within each; each figure is the median over "
                        + "the rounds, over the undisturbed ones only when there are any (\"2/3 rounds\"; ⚠: "
                        + "every round was disturbed, see every run)."));

        for (int size : s.sizes) {
            md.append("### ").append(longSize(size)).append(" messages\n\n");
            md.append("| contender | msgs/s | server CPU-s per M msgs | p50 µs | p99 µs |\n");
            md.append("|---|---:|---:|---:|---:|\n");
            for (Contender c : s.contenders) {
                Pick p = pick(runs, c.name(), size);
                if (p.runs().isEmpty()) {
                    md.append("| ").append(c.name()).append(" | failed | — | — | — |\n");
                    continue;
                }
                String label = c.name() + (p.runs().size() < p.of() ? " (" + p.runs().size() + "/" + p.of()
                        + " rounds)" : "") + (p.disturbed() ? " ⚠" : "");
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %s |%n", label,
                        grouped(Medians.of(p.runs(), Run::rate)), Medians.of(p.runs(), Run::cpuPerMillion),
                        grouped(Medians.of(p.runs(), Run::p50Us)), grouped(Medians.of(p.runs(), Run::p99Us))));
            }
            md.append('\n');
            ratio(runs, size).ifPresent(line -> md.append(line).append("\n\n"));
        }
        long disturbed = runs.stream().filter(Run::disturbed).count();
        if (disturbed > 0) {
            md.append(String.format(Locale.ROOT, "**Warning:** in %d of %d runs other processes or the hypervisor "
                            + "took %.0f%% or more of the server's or the driver's core (the \"others\" column of every run); "
                            + "those figures measure the machine's load as much as the servers. Rerun on a quiet "
                            + "machine.%n%n", disturbed, runs.size(), 100 * TcpEchoBench.DISTURBED));
        }

        md.append("<details><summary>Every run</summary>\n\n");
        md.append("Server core and driver core are CPU-seconds per second of the measured window. A driver near "
                + "100% limits msgs/s for everyone; server CPU per message still separates the servers then. "
                + "Others: the share of core " + TcpEchoBench.SERVER_CORE + " / core " + TcpEchoBench.DRIVER_CORE
                + " that went to anything else (other processes, hypervisor steal).\n\n");
        md.append("| contender | size | round | msgs/s | CPU-s per M | server core | driver core | others "
                + "| p50 µs | p99 µs | p99.9 µs | max µs |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Run> failures = new ArrayList<>();
        for (Run r : runs) {
            if (!r.ok()) {
                failures.add(r);
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | failed | | | | | | | | |%n",
                        r.contender(), shortSize(r.size()), r.round()));
                continue;
            }
            md.append(String.format(Locale.ROOT,
                    "| %s | %s | %d | %s | %.2f | %.0f%% | %.0f%% | %s | %s | %s | %s | %s |%n",
                    r.contender(), shortSize(r.size()), r.round(), grouped(r.rate()), r.cpuPerMillion(),
                    100 * r.serverCpuSeconds() / r.seconds(), 100 * r.driverCpuSeconds() / r.seconds(),
                    others(r), grouped(r.p50Us()), grouped(r.p99Us()), grouped(r.p999Us()), grouped(r.maxUs())));
        }
        md.append("\n</details>\n");

        if (!failures.isEmpty()) {
            md.append("\n### Failures\n\n");
            for (Run r : failures) {
                md.append("- ").append(r.contender()).append(' ').append(shortSize(r.size())).append(" round ")
                        .append(r.round()).append(":\n\n```\n").append(r.failure()).append("\n```\n");
            }
        }
        return md.toString();
    }

    /** The comparison line under each table, when both sides have results. */
    /** The comparisons the goals are read from, each when both sides ran. */
    private static Optional<String> ratio(List<Run> runs, int size) {
        List<String> lines = new ArrayList<>();
        compare(runs, size, OURS, PEER, "Gannet nio vs Netty epoll").ifPresent(lines::add);
        compare(runs, size, "gannet-io_uring", OURS, "Gannet io_uring vs Gannet nio").ifPresent(lines::add);
        compare(runs, size, "gannet-io_uring", "netty-io_uring", "Gannet io_uring vs Netty io_uring")
                .ifPresent(lines::add);
        return lines.isEmpty() ? Optional.empty() : Optional.of(String.join("\n\n", lines));
    }

    private static Optional<String> compare(List<Run> runs, int size, String a, String b, String label) {
        List<Run> ours = pick(runs, a, size).runs();
        List<Run> peer = pick(runs, b, size).runs();
        if (ours.isEmpty() || peer.isEmpty()) {
            return Optional.empty();
        }
        double rate = Medians.of(ours, Run::rate) / Medians.of(peer, Run::rate);
        double cpu = Medians.of(ours, Run::cpuPerMillion) / Medians.of(peer, Run::cpuPerMillion);
        return Optional.of(String.format(Locale.ROOT,
                "%s: msgs/s ratio %.2f× (higher is better), server CPU per message ratio %.2f× (lower is better).",
                label, rate, cpu));
    }

    /** One line for stderr after each run. */
    static String progress(Run r) {
        return String.format(Locale.ROOT, "%s msgs/s, %.2f CPU-s/M, p50 %s µs, p99 %s µs, server core %.0f%%, "
                        + "driver core %.0f%%%s", grouped(r.rate()), r.cpuPerMillion(), grouped(r.p50Us()),
                grouped(r.p99Us()), 100 * r.serverCpuSeconds() / r.seconds(),
                100 * r.driverCpuSeconds() / r.seconds(),
                r.disturbed() ? String.format(Locale.ROOT, " — DISTURBED: others took %.0f%% of core %d, %.0f%% "
                        + "of core %d", 100 * r.othersOnServerCore(), TcpEchoBench.SERVER_CORE,
                        100 * r.othersOnDriverCore(), TcpEchoBench.DRIVER_CORE) : "");
    }

    /** "others" for both pinned cores, e.g. {@code 2% / 71%}, with a mark when the run counts as disturbed. */
    private static String others(Run r) {
        return String.format(Locale.ROOT, "%.0f%% / %.0f%%%s", 100 * r.othersOnServerCore(),
                100 * r.othersOnDriverCore(), r.disturbed() ? " ⚠" : "");
    }

    /** The runs a table row is made of; {@code of} counts all rounds, failed ones included. */
    record Pick(List<Run> runs, boolean disturbed, int of) {}

    /**
     * The successful runs of one contender and size, without the disturbed ones when at least one is clean: a
     * round in which another process held half the core says little about the server, and keeping it would let
     * the machine's load, not the server, pick the median.
     */
    static Pick pick(List<Run> runs, String contender, int size) {
        List<Run> mine = runs.stream().filter(r -> r.size() == size && r.contender().equals(contender)).toList();
        List<Run> ok = mine.stream().filter(Run::ok).toList();
        List<Run> clean = ok.stream().filter(r -> !r.disturbed()).toList();
        return clean.isEmpty() ? new Pick(ok, !ok.isEmpty(), mine.size()) : new Pick(clean, false, mine.size());
    }

    static String shortSize(int bytes) {
        return bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + "KB" : bytes + "B";
    }

    static String longSize(int bytes) {
        return bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KB" : bytes + " B";
    }

    private static String grouped(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String trim(double seconds) {
        return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
    }
}
