package dev.gannet.uring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The few libc entry points the ring itself needs: {@code syscall} (glibc has no io_uring wrappers), {@code mmap},
 * {@code munmap} and {@code close}. Results follow the kernel's convention: a negative value is {@code -errno}.
 *
 * <p>Everything is linked when this class initialises; {@link #UNAVAILABLE} says why that failed, or is null. The
 * checks that need no restricted call (Linux, native access) come first, so a JVM without
 * {@code --enable-native-access} never prints its restricted-method warning.
 */
final class Native {
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EBUSY = 16;
    static final int EINVAL = 22;
    static final int ENOSYS = 38;
    static final int ETIME = 62;
    static final int ECANCELED = 125;

    static final long SYS_IO_URING_SETUP;
    static final long SYS_IO_URING_ENTER;
    static final long SYS_IO_URING_REGISTER;

    /** Why io_uring cannot be used from this JVM, or null. */
    static final String UNAVAILABLE;
    private static final MethodHandle SYSCALL;
    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle CLOSE;
    private static final VarHandle ERRNO;
    /** sun.nio.ch.DirectBuffer#address, when the JVM exports sun.nio.ch to us; else null. */
    private static final MethodHandle BUFFER_ADDRESS = directBufferAddress();
    private static final long CAPTURE_SIZE;
    /** One errno capture area per thread: each loop makes its calls with its own. */
    private static final ThreadLocal<MemorySegment> CAPTURE;

    static {
        String arch = System.getProperty("os.arch", "");
        // io_uring's numbers are the same in the generic table (aarch64) and on x86-64.
        SYS_IO_URING_SETUP = 425;
        SYS_IO_URING_ENTER = 426;
        SYS_IO_URING_REGISTER = 427;
        String reason = null;
        MethodHandle syscall = null, mmap = null, munmap = null, close = null;
        VarHandle errno = null;
        long captureSize = 0;
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            reason = "not Linux (" + os + ")";
        } else if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            reason = "unsupported architecture " + arch;
        } else if (!Native.class.getModule().isNativeAccessEnabled()) {
            Module m = Native.class.getModule();
            reason = "the JVM needs --enable-native-access=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option capture = Linker.Option.captureCallState("errno");
                ValueLayout j = ValueLayout.JAVA_LONG;
                // long syscall(long number, ...): six long arguments cover every call made here.
                syscall = linker.downcallHandle(libc.find("syscall").orElseThrow(),
                        FunctionDescriptor.of(j, j, j, j, j, j, j, j), Linker.Option.firstVariadicArg(1), capture);
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(), FunctionDescriptor.of(j, j, j,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, j), capture);
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, j, j));
                close = linker.downcallHandle(libc.find("close").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), capture);
                MemoryLayout state = Linker.Option.captureStateLayout();
                errno = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
                captureSize = state.byteSize();
            } catch (RuntimeException | LinkageError e) {
                reason = "cannot link libc: " + e;
            }
        }
        UNAVAILABLE = reason;
        SYSCALL = syscall;
        MMAP = mmap;
        MUNMAP = munmap;
        CLOSE = close;
        ERRNO = errno;
        CAPTURE_SIZE = captureSize;
        long size = captureSize;
        CAPTURE = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(size, 8));
    }

    private Native() {
    }

    private static MethodHandle directBufferAddress() {
        try {
            Class<?> c = Class.forName("sun.nio.ch.DirectBuffer");
            if (!Object.class.getModule().isExported("sun.nio.ch", Native.class.getModule())) return null;
            return java.lang.invoke.MethodHandles.lookup()
                    .findVirtual(c, "address", java.lang.invoke.MethodType.methodType(long.class))
                    .asType(java.lang.invoke.MethodType.methodType(long.class, java.nio.ByteBuffer.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** {@code syscall(number, a..f)}: the result, or {@code -errno}. */
    static long syscall(long number, long a, long b, long c, long d, long e, long f) {
        MemorySegment capture = CAPTURE.get();
        try {
            long rc = (long) SYSCALL.invokeExact(capture, number, a, b, c, d, e, f);
            return rc == -1 ? -(int) ERRNO.get(capture, 0L) : rc;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Maps {@code length} bytes of the ring {@code fd} at {@code offset}, shared and populated. */
    static MemorySegment mmap(int fd, long offset, long length) throws IOException {
        MemorySegment capture = CAPTURE.get();
        long addr;
        try {
            // PROT_READ|PROT_WRITE, MAP_SHARED|MAP_POPULATE
            addr = (long) MMAP.invokeExact(capture, 0L, length, 3, 0x01 | 0x8000, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (addr == -1) throw error("mmap", (int) ERRNO.get(capture, 0L));
        return MemorySegment.ofAddress(addr).reinterpret(length);
    }

    static void munmap(MemorySegment mapped) {
        try {
            int ignored = (int) MUNMAP.invokeExact(mapped.address(), mapped.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Closes a descriptor; errors are ignored (Linux releases the descriptor even when close reports one). */
    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(CAPTURE.get(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The native address of a direct buffer's first byte (not its position). */
    static long address(java.nio.ByteBuffer direct) {
        if (BUFFER_ADDRESS != null) {
            try {
                return (long) BUFFER_ADDRESS.invokeExact(direct);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        }
        // Without the sun.nio.ch export: correct, but makes a segment per call.
        return MemorySegment.ofBuffer(direct).address() - direct.position();
    }

    /** The exception for a failed call: {@code call} and the C library's text for {@code errno}. */
    static IOException error(String call, int errno) {
        return Sockets.exception(call, errno);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
