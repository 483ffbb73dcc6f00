package dev.gannet.fep.journal;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link JournalKillTest}: appends {@code n} records in each direction, says "ready" and
 * waits to be killed, never closing the journal.
 */
public final class KillTarget {
    private KillTarget() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        FsyncPolicy policy = FsyncPolicy.valueOf(args[2]);
        Journal journal = Journal.open(file, policy, Journal.DEFAULT_GROUP_INTERVAL, 64 * 1024);
        for (long seq = 1; seq <= n; seq++) {
            journal.append(Journal.IN, seq, Frames.frame(Journal.IN, seq));
            journal.append(Journal.OUT, seq, Frames.frame(Journal.OUT, seq));
        }
        System.out.println("ready " + journal.appendedPosition());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
