package dev.gannet.engine.nio;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Warns when an event loop spends longer than its threshold in one turn: some handler is blocking it, and every
 * other connection of that loop waits. One daemon thread watches every loop of the process; it prints the loop's
 * stack once per blocked episode, which points at the blocking code. A loop only writes a volatile timestamp per
 * turn, so watching costs it nothing else.
 */
final class BlockedLoopDetector {
    private static final System.Logger LOG = System.getLogger("dev.gannet.engine.BlockedLoop");
    private static final Set<NioLoop> LOOPS = ConcurrentHashMap.newKeySet();
    private static volatile Thread watcher;

    private BlockedLoopDetector() {
    }

    static void watch(NioLoop loop) {
        if (loop.blockedWarningNanos <= 0) return;
        LOOPS.add(loop);
        if (watcher == null) {
            synchronized (BlockedLoopDetector.class) {
                if (watcher == null) watcher = Thread.ofPlatform().daemon(true).name("gannet-blocked-loop-detector").start(BlockedLoopDetector::run);
            }
        }
    }

    /** The loops being watched (for tests). */
    static Set<NioLoop> watched() {
        return Set.copyOf(LOOPS);
    }

    static void unwatch(NioLoop loop) {
        LOOPS.remove(loop);
    }

    private static void run() {
        while (true) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (NioLoop loop : LOOPS) {
                long since = loop.busySince;
                if (since == 0 || now - since < loop.blockedWarningNanos || loop.reportedBusySince == since) continue;
                loop.reportedBusySince = since;
                loop.blockedWarnings++;
                StringBuilder sb = new StringBuilder("event loop ").append(loop.threadName()).append(" has been blocked for ")
                        .append((now - since) / 1_000_000).append(" ms; its other connections wait. Move blocking work to a "
                                + "virtual thread (a blocking route). Where it is now:");
                for (StackTraceElement e : loop.stackTrace()) sb.append("\n\tat ").append(e);
                LOG.log(System.Logger.Level.WARNING, sb.toString());
            }
        }
    }
}
