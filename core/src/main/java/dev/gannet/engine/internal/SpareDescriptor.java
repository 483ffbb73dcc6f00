package dev.gannet.engine.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One descriptor held in reserve for when the process runs out (EMFILE, ENFILE). An accept that fails for want of a
 * descriptor leaves the client in the listen queue, and the listener stays ready: a loop would spin on it, and the
 * client would wait for its connect to time out. With the spare given back, the acceptor can take those clients and
 * close them at once (they see an orderly end instead of a hang), then take the spare again.
 *
 * <p>Shared by every server of the process; thread-safe.
 */
public final class SpareDescriptor {
    private static final Path DEV_NULL = Path.of("/dev/null");
    /** How many queued clients one refusal pass takes, so that one listener cannot hold its thread for long. */
    private static final int MAX_REFUSED_PER_PASS = 256;
    private static FileChannel spare;

    private SpareDescriptor() {
    }

    /** Takes the spare descriptor if it is not held; best effort. */
    public static synchronized void reserve() {
        if (spare != null) return;
        try {
            spare = FileChannel.open(DEV_NULL, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            spare = null;
        }
    }

    /**
     * Out of descriptors: gives the spare back, accepts and closes the clients waiting on {@code listener} (without
     * blocking), and takes the spare again. Returns how many were refused; 0 when there was no spare to give back
     * (the caller should then pause its accepts).
     */
    public static synchronized int refuseQueued(ServerSocketChannel listener) {
        if (spare == null) {
            reserve();
            return 0;
        }
        int refused = 0;
        try {
            spare.close();
        } catch (IOException ignored) {
            // closed either way
        }
        spare = null;
        boolean blocking = listener.isBlocking();
        try {
            if (blocking) listener.configureBlocking(false);
            for (; refused < MAX_REFUSED_PER_PASS; refused++) {
                SocketChannel ch = listener.accept();
                if (ch == null) break;
                ch.close();
            }
        } catch (IOException e) {
            // still out of descriptors, or the listener closed: what was refused so far counts
        } finally {
            if (blocking) {
                try {
                    listener.configureBlocking(true);
                } catch (IOException | RuntimeException ignored) {
                    // a closed listener: nothing left to restore
                }
            }
            reserve();
        }
        return refused;
    }

    /** Whether an accept failure means the process or system ran out of descriptors. */
    public static boolean isOutOfDescriptors(String message) {
        return message != null && (message.contains("Too many open files") || message.contains("EMFILE")
                || message.contains("ENFILE"));
    }
}
