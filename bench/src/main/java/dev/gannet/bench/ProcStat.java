package dev.gannet.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** CPU time of a process from Linux's /proc, which counts every thread (GC and JIT included) and exited ones. */
public final class ProcStat {

    private static volatile int clockTicks;

    private ProcStat() {}

    /** utime + stime of process {@code pid}, in clock ticks (see {@link #clockTicksPerSecond()}). */
    public static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // Field 2 (the command name) is in parentheses and may itself hold spaces or ')', so count fields
        // from the last ')': what follows starts with field 3 (state).
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IOException("unexpected /proc/" + pid + "/stat: " + stat);
        }
        String[] fields = stat.substring(close + 2).trim().split(" ");
        long utime = Long.parseLong(fields[14 - 3]);
        long stime = Long.parseLong(fields[15 - 3]);
        return utime + stime;
    }

    /**
     * Busy and total clock ticks of each CPU from /proc/stat: {@code [cpu][0]} busy (user, nice, system, irq,
     * softirq, steal), {@code [cpu][1]} busy plus idle and iowait. Comparing a core's busy time with the time of
     * the process pinned to it shows how much other processes, or the hypervisor, took from that core.
     */
    public static long[][] cpuTimes() throws IOException {
        List<long[]> cpus = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)) {
            if (!line.startsWith("cpu") || line.startsWith("cpu ")) {
                continue;
            }
            String[] f = line.trim().split("\\s+");
            int cpu = Integer.parseInt(f[0].substring(3));
            long busy = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                // Columns: user nice system idle iowait irq softirq steal (guest time is already in user).
                if (i == 4 || i == 5) {
                    idle += v;
                } else {
                    busy += v;
                }
            }
            while (cpus.size() <= cpu) {
                cpus.add(new long[2]);
            }
            cpus.set(cpu, new long[] {busy, busy + idle});
        }
        return cpus.toArray(long[][]::new);
    }

    /** The kernel's USER_HZ as {@code getconf CLK_TCK} reports it; 100 on every mainstream Linux. */
    public static int clockTicksPerSecond() {
        int t = clockTicks;
        if (t == 0) {
            t = 100;
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                if (p.waitFor() == 0 && out.matches("[0-9]+")) {
                    t = Integer.parseInt(out);
                }
            } catch (IOException e) {
                // getconf missing: keep the Linux default.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            clockTicks = t;
        }
        return t;
    }
}
