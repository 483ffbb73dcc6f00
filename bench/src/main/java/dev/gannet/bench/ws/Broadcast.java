package dev.gannet.bench.ws;

import java.io.IOException;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The broadcast phase's publisher side: sends the numbered messages on one connection with at most {@code window}
 * broadcasts outstanding, where a broadcast is complete when every load process has reported (DONE) that all its
 * subscribers got it. The window keeps the server busy without letting its output queues grow without bound, so
 * the rate measured is what the server sustains, not what it buffers.
 */
final class Broadcast {
    static final int STALL_SECONDS = 10;
    /** As many messages as a load process tracks. */
    private static final int MAX = 1 << 20;
    private static final String PAD = "-".repeat(WsLoad.MESSAGE_SIZE - 11);

    private final int processes;
    private final int window;
    private final int[] doneBy = new int[MAX];
    private final long[] publishedAt = new long[MAX];
    final Histogram fanout = new Histogram(60_000_000L, 3);
    long published;
    long completed;
    double seconds;
    boolean stalled;
    private long started;
    private long lastCompletion;

    Broadcast(List<LineChild> loads, int window) {
        this.processes = loads.size();
        this.window = window;
        for (LineChild l : loads) l.onDone(this::done);
    }

    /** A load process has message {@code seqText} on all its sockets (called from its reader thread). */
    private synchronized void done(String seqText) {
        int seq = Integer.parseInt(seqText.trim());
        if (seq < 0 || seq >= MAX || ++doneBy[seq] != processes) return;
        long now = System.nanoTime();
        completed++;
        lastCompletion = now;
        fanout.recordValue(Math.max(1, (now - publishedAt[seq]) / 1000));
        notifyAll();
    }

    /** Publishes for {@code duration} seconds, then waits for the outstanding broadcasts to complete. */
    void run(WsClient publisher, double duration) throws IOException, InterruptedException {
        long stall = STALL_SECONDS * 1_000_000_000L;
        synchronized (this) {
            started = System.nanoTime();
            lastCompletion = started;
        }
        long end = started + (long) (duration * 1e9);
        while (System.nanoTime() < end && published < MAX) {
            synchronized (this) {
                while (published - completed >= window) {
                    if (System.nanoTime() - lastCompletion > stall) {
                        stalled = true;
                        break;
                    }
                    wait(100);
                }
                if (stalled) break;
                publishedAt[(int) published] = System.nanoTime();
            }
            publisher.sendText(String.format("b%010d", published) + PAD);
            published++;
        }
        synchronized (this) {
            while (completed < published && !stalled) {
                if (System.nanoTime() - lastCompletion > stall) {
                    stalled = true;
                    break;
                }
                wait(100);
            }
            seconds = (lastCompletion - started) / 1e9;
        }
    }
}
