package dev.gannet.engine.internal;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;

/**
 * Grows the process's descriptor table to its full size once, up front.
 *
 * <p>Why: Linux grows a process's file table by doubling as descriptors are opened (at 256, 512, 1,024, ...), and in
 * a multi-threaded process each growth waits for an RCU grace period ({@code synchronize_rcu} in
 * {@code expand_fdtable}). The thread that opens the descriptor — an accept, a connect — stalls for milliseconds
 * (up to 20 ms measured here), and every handshake queued behind it waits too. The table never shrinks, so taking
 * one descriptor number near the limit once, at startup, pays every growth before the first client arrives.
 * It costs a few bytes per possible descriptor (160 KB at 20,000).
 */
public final class FileTable {
    /** Past this the table's memory outweighs the stalls it saves. */
    private static final int MAX_RESERVED = 1 << 17;
    private static final int F_GETFD = 1;
    private static volatile boolean done;

    private FileTable() {
    }

    /** Best effort and idempotent: without native access, or on another OS, it does nothing. */
    public static synchronized void reserve() {
        if (done) return;
        done = true;
        // Without native access a downcall would print the JVM's restricted-method warning: skip instead, quietly
        // (the engines say once what the missing flag costs).
        if (!FileTable.class.getModule().isNativeAccessEnabled()) return;
        try {
            if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix)) return;
            long limit = Math.min(unix.getMaxFileDescriptorCount(), MAX_RESERVED);
            if (limit < 1024) return;
            Linker linker = Linker.nativeLinker();
            var libc = linker.defaultLookup();
            MethodHandle dup2 = linker.downcallHandle(libc.find("dup2").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle close = linker.downcallHandle(libc.find("close").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            MethodHandle fcntl = linker.downcallHandle(libc.find("fcntl").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                    Linker.Option.firstVariadicArg(2));
            int high = (int) limit - 1;
            // dup2 would silently close a descriptor already there: leave the table alone if that number is taken.
            if ((int) fcntl.invokeExact(high, F_GETFD) != -1) return;
            // Any open descriptor will do as the source; 0-2 are open in nearly every process.
            for (int fd = 0; fd <= 2; fd++) {
                if ((int) dup2.invokeExact(fd, high) == high) {
                    int ignored = (int) close.invokeExact(high);
                    return;
                }
            }
        } catch (Throwable t) {
            System.getLogger(FileTable.class.getName()).log(System.Logger.Level.DEBUG, "could not reserve the file table", t);
        }
    }
}
