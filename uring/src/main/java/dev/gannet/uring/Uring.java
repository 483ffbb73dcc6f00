package dev.gannet.uring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this JVM on this kernel can run the io_uring engine, decided once: libc linked with native access (and
 * the {@code sun.nio.ch} export, to read a listening channel's descriptor), the
 * sysctl {@code kernel.io_uring_disabled} not set against us, a ring that opens (seccomp and old kernels fail
 * here), the extended wait argument, and every opcode the engine uses.
 */
public final class Uring {
    /** Opcodes the engine cannot do without. */
    private static final int[] REQUIRED = {Ring.OP_NOP, Ring.OP_ACCEPT, Ring.OP_RECV, Ring.OP_SEND, Ring.OP_SENDMSG,
            Ring.OP_ASYNC_CANCEL, Ring.OP_CONNECT, Ring.OP_READ, Ring.OP_SHUTDOWN, Ring.OP_POLL_ADD};

    private static final String REASON = check();

    private Uring() {
    }

    /** Null when the engine can run; otherwise one line saying why not. */
    public static String unavailableReason() {
        return REASON;
    }

    public static boolean isAvailable() {
        return REASON == null;
    }

    private static String check() {
        if (Native.UNAVAILABLE != null) return Native.UNAVAILABLE;
        if (Sockets.unavailableReason() != null) return Sockets.unavailableReason();
        // The listening sockets are the JDK's (all listen options work as on nio); the ring needs their descriptors.
        if (!dev.gannet.transport.NativeSocketOptions.isAvailable()) {
            return dev.gannet.transport.NativeSocketOptions.unavailableReason();
        }
        try {
            String disabled = Files.readString(Path.of("/proc/sys/kernel/io_uring_disabled")).trim();
            if (disabled.equals("2")) return "io_uring is disabled (kernel.io_uring_disabled = 2)";
        } catch (IOException | RuntimeException ignored) {
            // older kernels have no such sysctl; opening a ring below is the real test
        }
        try (Ring r = Ring.open(8, 2, Ring.SETUP_SINGLE_ISSUER | Ring.SETUP_DEFER_TASKRUN)) {
            if ((r.features & Ring.FEAT_EXT_ARG) == 0) return "the kernel lacks IORING_FEAT_EXT_ARG (needs 5.11+)";
            if ((r.features & Ring.FEAT_NODROP) == 0) return "the kernel lacks IORING_FEAT_NODROP (needs 5.5+)";
            for (int op : REQUIRED) {
                if (!r.supports(op)) return "the kernel lacks io_uring opcode " + op;
            }
            try (BufferRing ignored = new BufferRing(r, 0, 2, 64)) {
                return null;
            } catch (IOException e) {
                return "the kernel lacks provided buffer rings (needs 5.19+): " + e.getMessage();
            }
        } catch (IOException | RuntimeException e) {
            return "io_uring_setup failed: " + e.getMessage();
        }
    }
}
