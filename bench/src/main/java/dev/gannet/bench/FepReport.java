package dev.gannet.bench;

import dev.gannet.bench.FepBench.Contender;
import dev.gannet.bench.FepBench.Run;
import dev.gannet.bench.FepBench.Settings;
import dev.gannet.bench.FepBench.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Turns the runs of {@link FepBench} into the markdown that goes to stdout and results-fep.md. */
final class FepReport {

    private FepReport() {}

    static String markdown(List<Run> runs, Settings s) {
        StringBuilder md = new StringBuilder();
        md.append("## FEP order → ack round trips (`gannet bench fep").append(s.quick ? " --quick" : "")
                .append("`)\n\n");
        md.append(ReportFiles.environment()).append("\n\n");
        md.append(String.format(Locale.ROOT, "The load driver (`gannet fep load`) sends NewOrders on %d member "
                        + "sessions and times each to its ack (ExecutionReport NEW): driver → gateway → simulator "
                        + "(`gannet fep exchange`, fill ratio %s) → gateway → driver. The gateway (`gannet fep "
                        + "gateway`, the launcher's JVM flags, engine %s, one event loop, a fresh journal per run on "
                        + "%s) or the Netty relay (epoll, one loop, frames forwarded as they are: no session layer, "
                        + "no journal) runs on core %d; the driver and the simulator share core %d. Max throughput: "
                        + "%d orders outstanding per session. Fixed rates: a schedule over all sessions, latency "
                        + "from each order's intended send time (coordinated omission corrected). Warm-up %s s, "
                        + "measured %s s; %s Server CPU is utime+stime from /proc/PID/stat of the gateway (or "
                        + "relay) over the driver's measured window, per round trip.%n%n",
                s.sessions, trim(s.fillRatio), s.engine, journalDisk(), FepBench.SERVER_CORE,
                FepBench.DRIVER_CORE, s.window, trim(s.warmup), trim(s.duration), s.rounds == 1
                        ? "1 round, so each figure is a single run."
                        : s.rounds + " rounds, contenders interleaved within each; each figure is the median over "
                        + "the rounds (over the undisturbed ones when there are any; ⚠: every round was "
                        + "disturbed)."));

        for (Workload w : s.workloads) {
            md.append("### ").append(capitalized(w.label())).append("\n\n");
            md.append("| contender | round trips/s | p50 µs | p99 µs | p99.9 µs | server CPU µs per round trip |\n");
            md.append("|---|---:|---:|---:|---:|---:|\n");
            for (Contender c : s.contenders) {
                Pick p = pick(runs, c.name(), w);
                if (p.runs().isEmpty()) {
                    md.append("| ").append(c.name()).append(" | failed | — | — | — | — |\n");
                    continue;
                }
                String label = c.name() + (p.runs().size() < p.of() ? " (" + p.runs().size() + "/" + p.of()
                        + " rounds)" : "") + (p.disturbed() ? " ⚠" : "")
                        + (p.runs().stream().anyMatch(r -> !r.notes().isEmpty()) ? " ¹" : "");
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", label,
                        grouped(Medians.of(p.runs(), Run::rtps)), us(Medians.of(p.runs(), Run::p50Us)),
                        us(Medians.of(p.runs(), Run::p99Us)), us(Medians.of(p.runs(), Run::p999Us)),
                        cpu(Medians.of(p.runs(), Run::cpuUsPerRoundTrip))));
            }
            md.append('\n');
            List<String> ratios = new ArrayList<>();
            for (String gw : List.of(FepBench.GATEWAY_FSYNC_NONE, FepBench.GATEWAY_FSYNC_GROUP)) {
                compare(runs, w, gw, FepBench.RELAY).ifPresent(ratios::add);
            }
            if (!ratios.isEmpty()) md.append(String.join("\n\n", ratios)).append("\n\n");
        }
        if (runs.stream().anyMatch(r -> r.ok() && !r.notes().isEmpty())) {
            md.append("¹ Something to look at in this contender's run(s): see Notes below.\n\n");
        }
        long disturbed = runs.stream().filter(Run::disturbed).count();
        if (disturbed > 0) {
            md.append(String.format(Locale.ROOT, "**Warning:** in %d of %d runs other processes or the hypervisor "
                            + "took %.0f%% or more of core %d or core %d (the \"others\" column of every run); those figures "
                            + "measure the machine's load as much as the contenders. Rerun on a quiet machine.%n%n",
                    disturbed, runs.size(), 100 * FepBench.DISTURBED, FepBench.SERVER_CORE, FepBench.DRIVER_CORE));
        }

        md.append("<details><summary>Every run</summary>\n\n");
        md.append("Core 0 is the gateway's (or relay's) CPU-seconds per second of the measured window, core 1 the "
                + "driver's plus the simulator's: core 1 near 100% means the load side, not the contender, set "
                + "the max throughput (CPU per round trip still compares the contenders then). Others: the share of "
                + "core 0 / core 1 that went to anything else. Sent, acked and rejects count the whole run, warm-up "
                + "included.\n\n");
        md.append("| contender | workload | round | round trips/s | CPU µs/rt | core 0 | core 1 | others | p50 µs "
                + "| p99 µs | p99.9 µs | max µs | sent | acked | rejects |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        List<Run> failures = new ArrayList<>();
        List<Run> noted = new ArrayList<>();
        for (Run r : runs) {
            if (!r.ok()) {
                failures.add(r);
                md.append(String.format(Locale.ROOT, "| %s | %s | %d | failed | | | | | | | | | | | |%n",
                        r.contender(), r.workload().key(), r.round()));
                continue;
            }
            if (!r.notes().isEmpty()) noted.add(r);
            md.append(String.format(Locale.ROOT,
                    "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %,d | %,d | %,d |%n",
                    r.contender(), r.workload().key(), r.round(), grouped(r.rtps()), cpu(r.cpuUsPerRoundTrip()),
                    percent(r.serverCpu() / r.cpuWindow()), percent(r.core1Cpu() / r.cpuWindow()), others(r),
                    us(r.p50Us()), us(r.p99Us()), us(r.p999Us()), us(r.maxUs()), r.sent(), r.acked(), r.rejects()));
        }
        md.append("\n</details>\n");

        if (!noted.isEmpty()) {
            md.append("\n### Notes\n\n");
            for (Run r : noted) {
                md.append("- ").append(r.contender()).append(' ').append(r.workload().key()).append(" round ")
                        .append(r.round()).append(": ").append(r.notes()).append('\n');
            }
        }
        if (!failures.isEmpty()) {
            md.append("\n### Failures\n\n");
            for (Run r : failures) {
                md.append("- ").append(r.contender()).append(' ').append(r.workload().key()).append(" round ")
                        .append(r.round()).append(":\n\n```\n").append(r.failure()).append("\n```\n");
            }
        }
        return md.toString();
    }

    private static java.util.Optional<String> compare(List<Run> runs, Workload w, String a, String b) {
        List<Run> ours = pick(runs, a, w).runs();
        List<Run> peer = pick(runs, b, w).runs();
        if (ours.isEmpty() || peer.isEmpty()) return java.util.Optional.empty();
        double rate = Medians.of(ours, Run::rtps) / Medians.of(peer, Run::rtps);
        double cpu = Medians.of(ours, Run::cpuUsPerRoundTrip) / Medians.of(peer, Run::cpuUsPerRoundTrip);
        return java.util.Optional.of(String.format(Locale.ROOT, "%s / %s: round trips/s %.2f×, server CPU per "
                + "round trip %s.", a, b, rate, Double.isNaN(cpu) ? "—" : String.format(Locale.ROOT, "%.2f×", cpu)));
    }

    /** One line for stderr after each run. */
    static String progress(Run r) {
        return String.format(Locale.ROOT, "%s rt/s, %s CPU µs/rt, p50 %s µs, p99 %s µs, core 0 %s, core 1 %s%s%s",
                grouped(r.rtps()), cpu(r.cpuUsPerRoundTrip()), us(r.p50Us()), us(r.p99Us()),
                percent(r.serverCpu() / r.cpuWindow()), percent(r.core1Cpu() / r.cpuWindow()),
                r.disturbed() ? String.format(Locale.ROOT, " — DISTURBED: others took %.0f%% of core %d, %.0f%% "
                                + "of core %d", 100 * r.othersCore0(), FepBench.SERVER_CORE, 100 * r.othersCore1(),
                        FepBench.DRIVER_CORE) : "",
                r.notes().isEmpty() ? "" : " — " + r.notes());
    }

    private static String others(Run r) {
        return String.format(Locale.ROOT, "%.0f%% / %.0f%%%s", 100 * r.othersCore0(), 100 * r.othersCore1(),
                r.disturbed() ? " ⚠" : "");
    }

    /** The runs a table row is made of; {@code of} counts all rounds, failed ones included. */
    record Pick(List<Run> runs, boolean disturbed, int of) {}

    /** The successful runs of one contender and workload, without the disturbed ones when one is clean. */
    static Pick pick(List<Run> runs, String contender, Workload w) {
        List<Run> mine = runs.stream().filter(r -> r.workload().equals(w) && r.contender().equals(contender))
                .toList();
        List<Run> ok = mine.stream().filter(Run::ok).toList();
        List<Run> clean = ok.stream().filter(r -> !r.disturbed()).toList();
        return clean.isEmpty() ? new Pick(ok, !ok.isEmpty(), mine.size()) : new Pick(clean, false, mine.size());
    }

    private static String grouped(double value) {
        return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%,.0f", value);
    }

    /** Latencies: one decimal below 100 µs, whole microseconds (grouped) above. */
    private static String us(double value) {
        if (Double.isNaN(value)) return "—";
        return value < 100 ? String.format(Locale.ROOT, "%.1f", value) : grouped(value);
    }

    private static String cpu(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "—" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static String percent(double share) {
        return Double.isNaN(share) || Double.isInfinite(share) ? "—"
                : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The file system the journals went to (the temporary directory's), as {@code /dev/vda ext4}. */
    private static String journalDisk() {
        try {
            var store = Files.getFileStore(Path.of(System.getProperty("java.io.tmpdir")));
            return "`" + System.getProperty("java.io.tmpdir") + "` (" + store.type() + ")";
        } catch (IOException | RuntimeException e) {
            return "`" + System.getProperty("java.io.tmpdir") + "`";
        }
    }
}
