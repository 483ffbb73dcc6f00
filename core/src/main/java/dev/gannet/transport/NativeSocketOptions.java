package dev.gannet.transport;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.channels.NetworkChannel;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Linux TCP options the JDK does not offer, {@code TCP_FASTOPEN} and {@code TCP_DEFER_ACCEPT}, set with
 * libc's {@code setsockopt} through {@code java.lang.foreign}.
 *
 * <p>Two things are needed beyond Linux, and both are JVM flags:
 * <ul>
 *   <li>{@code --enable-native-access=ALL-UNNAMED}, to call libc;</li>
 *   <li>{@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}, to read a channel's file descriptor with
 *       {@code sun.nio.ch.SelChImpl#getFDVal()}. No public API exposes it, and the alternatives without a
 *       flag (matching {@code /proc/self/fd} entries by {@code getsockname}) cannot tell apart the listening
 *       sockets that SO_REUSEPORT binds to one address, and race with descriptors being closed and reused.</li>
 * </ul>
 * Without either, or off Linux, the options are skipped with one WARNING per process and nothing else
 * changes. Native access is checked up front, before any restricted method is called, so the JVM's own
 * restricted-method warning is never printed either.
 */
public final class NativeSocketOptions {

    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_DEFER_ACCEPT = 9;
    public static final int TCP_FASTOPEN = 23;

    private static final System.Logger LOG = System.getLogger(NativeSocketOptions.class.getName());
    private static final AtomicBoolean WARNED_UNAVAILABLE = new AtomicBoolean();
    private static final AtomicBoolean WARNED_FAILED = new AtomicBoolean();

    private NativeSocketOptions() {
    }

    /**
     * Sets TCP_FASTOPEN (when {@code options.fastOpenQueue() > 0}) and TCP_DEFER_ACCEPT (when
     * {@code options.deferAcceptSeconds() > 0}) on a bound listening socket.
     *
     * <p>Never throws for a platform or kernel problem: the server works without these options, so a failure
     * is logged (once per process) and reported through the result.
     *
     * @return true if every requested option was set (trivially so when none was requested); false if they
     *         were skipped or the kernel refused one, or the channel is closed or not a JDK socket channel
     * @throws NullPointerException if an argument is null (a bug in the caller, unlike the failures above)
     */
    public static boolean apply(NetworkChannel listening, SocketOptions options) {
        Objects.requireNonNull(listening, "listening");
        int fastOpenQueue = options.fastOpenQueue();
        int deferAcceptSeconds = options.deferAcceptSeconds();
        if (fastOpenQueue <= 0 && deferAcceptSeconds <= 0) return true;

        Libc libc = Holder.LIBC;
        if (libc == null) {
            if (WARNED_UNAVAILABLE.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "TCP_FASTOPEN and TCP_DEFER_ACCEPT skipped: " + Holder.UNAVAILABLE);
            }
            return false;
        }
        try {
            int fd = libc.fd(listening);
            if (fd < 0) return false;
            boolean ok = true;
            if (fastOpenQueue > 0) ok = set(libc, fd, TCP_FASTOPEN, "TCP_FASTOPEN", fastOpenQueue);
            if (deferAcceptSeconds > 0) ok &= set(libc, fd, TCP_DEFER_ACCEPT, "TCP_DEFER_ACCEPT", deferAcceptSeconds);
            return ok;
        } catch (Throwable t) {
            // Only a JDK whose internals changed gets here (getFDVal renamed, say); still not worth failing a bind.
            if (t instanceof Error e && !(e instanceof LinkageError)) throw e;
            if (WARNED_FAILED.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "TCP_FASTOPEN and TCP_DEFER_ACCEPT skipped", t);
            }
            return false;
        }
    }

    private static boolean set(Libc libc, int fd, int name, String optionName, int value) throws Throwable {
        int errno = libc.setInt(fd, IPPROTO_TCP, name, value);
        if (errno == 0) return true;
        if (WARNED_FAILED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "setsockopt(" + optionName + ", " + value + ") failed: " + errnoName(errno));
        }
        return false;
    }

    /** Reads an int socket option with getsockopt, for tests and diagnostics. */
    public static int getIntOption(NetworkChannel channel, int level, int name) throws IOException {
        Libc libc = Holder.LIBC;
        if (libc == null) throw new UnsupportedOperationException(Holder.UNAVAILABLE);
        try {
            int fd = libc.fd(channel);
            if (fd < 0) throw new java.nio.channels.ClosedChannelException();
            return libc.getInt(fd, level, name);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException(t);
        }
    }

    /** Whether {@link #apply} can set the options in this process: Linux, native access and the export. */
    public static boolean isAvailable() {
        return Holder.LIBC != null;
    }

    /** The channel's file descriptor, or -1 when it is closed, not a JDK socket channel, or this is unavailable. */
    public static int fd(NetworkChannel channel) {
        Libc libc = Holder.LIBC;
        if (libc == null) return -1;
        try {
            return libc.fd(channel);
        } catch (Throwable t) {
            return -1;
        }
    }

    /** Why {@link #isAvailable()} is false, or null. */
    public static String unavailableReason() {
        return Holder.UNAVAILABLE;
    }

    private static String errnoName(int errno) {
        String name = switch (errno) {
            case 1 -> "EPERM";
            case 9 -> "EBADF";
            case 14 -> "EFAULT";
            case 22 -> "EINVAL";
            case 88 -> "ENOTSOCK";
            case 92 -> "ENOPROTOOPT";
            case 95 -> "EOPNOTSUPP";
            default -> "errno";
        };
        return name + " (" + errno + ")";
    }

    /**
     * Linked on first use rather than when NativeSocketOptions loads, so that a process that never asks for
     * these options never touches the native linker.
     */
    private static final class Holder {
        static final Libc LIBC;
        static final String UNAVAILABLE;

        static {
            Libc libc = null;
            String reason = null;
            try {
                reason = precondition();
                if (reason == null) libc = Libc.link();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                reason = "cannot link setsockopt: " + e;
            }
            LIBC = libc;
            UNAVAILABLE = reason;
        }

        private static String precondition() {
            String os = System.getProperty("os.name", "");
            if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) return "not Linux (" + os + ")";
            Module self = NativeSocketOptions.class.getModule();
            String target = self.isNamed() ? self.getName() : "ALL-UNNAMED";
            // Both flags are named at once, so that whoever reads the single warning can fix it in one go.
            StringBuilder missing = new StringBuilder();
            if (!self.isNativeAccessEnabled()) missing.append(" --enable-native-access=").append(target);
            if (!Object.class.getModule().isExported("sun.nio.ch", self)) {
                missing.append(" --add-exports java.base/sun.nio.ch=").append(target);
            }
            return missing.isEmpty() ? null : "the JVM needs" + missing;
        }
    }

    private record Libc(Class<?> selChImpl, MethodHandle fdVal, MethodHandle setsockopt, MethodHandle getsockopt,
                        VarHandle errno, long captureSize) {

        static Libc link() throws ReflectiveOperationException {
            Class<?> selChImpl = Class.forName("sun.nio.ch.SelChImpl");
            // The full-power lookup, not publicLookup(): the latter ignores qualified exports such as ALL-UNNAMED.
            MethodHandle fdVal = MethodHandles.lookup()
                    .findVirtual(selChImpl, "getFDVal", MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, Object.class));

            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            Linker.Option errno = Linker.Option.captureCallState("errno");
            // int setsockopt(int fd, int level, int name, const void *value, socklen_t length)
            MethodHandle setsockopt = linker.downcallHandle(
                    libc.find("setsockopt").orElseThrow(() -> new UnsatisfiedLinkError("setsockopt")),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
                    errno);
            // int getsockopt(int fd, int level, int name, void *value, socklen_t *length)
            MethodHandle getsockopt = linker.downcallHandle(
                    libc.find("getsockopt").orElseThrow(() -> new UnsatisfiedLinkError("getsockopt")),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                    errno);
            MemoryLayout state = Linker.Option.captureStateLayout();
            VarHandle errnoHandle = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
            return new Libc(selChImpl, fdVal, setsockopt, getsockopt, errnoHandle, state.byteSize());
        }

        /** The descriptor, or -1 if the channel is closed or not one of the JDK's socket channels. */
        int fd(NetworkChannel channel) throws Throwable {
            if (!channel.isOpen() || !selChImpl.isInstance(channel)) return -1;
            return (int) fdVal.invokeExact((Object) channel);
        }

        /** 0, or the errno of the failure. */
        int setInt(int fd, int level, int name, int value) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment capture = arena.allocate(captureSize);
                MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
                v.set(ValueLayout.JAVA_INT, 0, value);
                int rc = (int) setsockopt.invokeExact(capture, fd, level, name, v, (int) ValueLayout.JAVA_INT.byteSize());
                return rc == 0 ? 0 : (int) errno.get(capture, 0L);
            }
        }

        int getInt(int fd, int level, int name) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment capture = arena.allocate(captureSize);
                MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
                MemorySegment length = arena.allocate(ValueLayout.JAVA_INT);
                length.set(ValueLayout.JAVA_INT, 0, (int) ValueLayout.JAVA_INT.byteSize());
                int rc = (int) getsockopt.invokeExact(capture, fd, level, name, v, length);
                if (rc != 0) throw new IOException("getsockopt(" + level + ", " + name + ") failed: "
                        + errnoName((int) errno.get(capture, 0L)));
                return v.get(ValueLayout.JAVA_INT, 0);
            }
        }
    }
}
