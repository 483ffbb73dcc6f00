package dev.gannet.engine.nio;

import dev.gannet.transport.NativeSocketOptions;

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
import java.net.SocketException;
import java.nio.ByteBuffer;

/**
 * One loop's socket reads and writes as libc's {@code recv}, {@code send} and {@code sendmsg} on the descriptor,
 * through {@code java.lang.foreign}; {@link EpollPoller} says which sockets are ready.
 *
 * <p>Why not {@code SocketChannel.read/write}: those take a lock and do begin/end bookkeeping per call, and the JDK
 * issues {@code read}/{@code write}/{@code writev}, which pass through the VFS layer (file position, permission and
 * fsnotify hooks) before reaching the socket. The socket calls go straight to the socket layer. On keep-alive HTTP,
 * where every request costs one read and one write, that is a measurable share of the server's CPU.
 *
 * <p>Only the owning loop calls an instance (its scratch memory is not shared), and only on descriptors of open
 * channels: a connection stops using its descriptor before it closes the channel, so a reused number is never hit.
 * When native access or the {@code sun.nio.ch} export is missing, {@link #AVAILABLE} is false and connections use
 * their channels.
 */
final class SocketIo {
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int MSG_MORE = 0x8000;
    /** Buffers per gathering write; more are left for the next call. */
    static final int MAX_IOV = 64;
    /** struct msghdr on x86-64 and aarch64 Linux: name, namelen, iov, iovlen, control, controllen, flags. */
    private static final long MSGHDR_SIZE = 56;
    private static final long MSG_IOV = 16;
    private static final long MSG_IOVLEN = 24;

    /** Whether connections may use this class; otherwise they read and write through their channels. */
    static final boolean AVAILABLE;
    private static final MethodHandle RECV;
    private static final MethodHandle SEND;
    private static final MethodHandle SENDMSG;
    private static final MethodHandle STRERROR;
    private static final MethodHandle BUFFER_ADDRESS;
    private static final VarHandle ERRNO;
    /** Bytes of the call state an errno-capturing downcall writes; {@link #errno} reads it. */
    static final long CAPTURE_SIZE;

    static {
        MethodHandle recv = null, send = null, sendmsg = null, strerror = null, address = null;
        VarHandle errno = null;
        long captureSize = 0;
        boolean ok = false;
        if (NativeSocketOptions.isAvailable() && !Boolean.getBoolean("gannet.nio.channelIo")) {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                Linker.Option capture = Linker.Option.captureCallState("errno");
                // Pointers pass as 64-bit integers: the buffers' addresses are plain longs, so no segment is made.
                FunctionDescriptor io = FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
                recv = linker.downcallHandle(libc.find("recv").orElseThrow(), io, capture);
                send = linker.downcallHandle(libc.find("send").orElseThrow(), io, capture);
                sendmsg = linker.downcallHandle(libc.find("sendmsg").orElseThrow(), FunctionDescriptor.of(
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
                        capture);
                strerror = linker.downcallHandle(libc.find("strerror").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
                Class<?> directBuffer = Class.forName("sun.nio.ch.DirectBuffer");
                address = MethodHandles.lookup().findVirtual(directBuffer, "address", MethodType.methodType(long.class))
                        .asType(MethodType.methodType(long.class, ByteBuffer.class));
                MemoryLayout state = Linker.Option.captureStateLayout();
                errno = state.varHandle(MemoryLayout.PathElement.groupElement("errno"));
                captureSize = state.byteSize();
                ok = true;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                System.getLogger(SocketIo.class.getName()).log(System.Logger.Level.DEBUG,
                        "socket calls unavailable, using channel I/O: " + e);
            }
        }
        AVAILABLE = ok;
        RECV = recv;
        SEND = send;
        SENDMSG = sendmsg;
        STRERROR = strerror;
        BUFFER_ADDRESS = address;
        ERRNO = errno;
        CAPTURE_SIZE = captureSize;
    }

    private final MemorySegment capture;
    private final MemorySegment iov;
    private final MemorySegment msghdr;
    private final long msghdrAddress;

    /** Scratch memory for one loop, freed with {@code arena}. */
    SocketIo(Arena arena) {
        capture = arena.allocate(CAPTURE_SIZE);
        iov = arena.allocate(16L * MAX_IOV, 8);
        msghdr = arena.allocate(MSGHDR_SIZE, 8);
        msghdr.set(ValueLayout.JAVA_LONG, MSG_IOV, iov.address());
        msghdrAddress = msghdr.address();
    }

    /** Reads into {@code dst} (direct) from its position: bytes read, 0 if none are ready, -1 at end of input. */
    int read(int fd, ByteBuffer dst) throws IOException {
        int pos = dst.position();
        int room = dst.limit() - pos;
        if (room == 0) return 0;
        long n;
        try {
            n = (long) RECV.invokeExact(capture, fd, address(dst) + pos, (long) room, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (n > 0) {
            dst.position(pos + (int) n);
            return (int) n;
        }
        if (n == 0) return -1;
        return retryable("recv");
    }

    /** Writes {@code src} (direct) from its position: bytes written, 0 if the socket takes none now. */
    int write(int fd, ByteBuffer src) throws IOException {
        int pos = src.position();
        int len = src.limit() - pos;
        if (len == 0) return 0;
        long n;
        try {
            n = (long) SEND.invokeExact(capture, fd, address(src) + pos, (long) len, MSG_NOSIGNAL);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (n >= 0) {
            src.position(pos + (int) n);
            return (int) n;
        }
        return retryable("send");
    }

    /**
     * One gathering write of {@code count} direct buffers (at most {@link #MAX_IOV}), advancing their positions;
     * with {@code more}, as {@code MSG_MORE}: the kernel may hold a partial segment for the write that follows.
     */
    long write(int fd, ByteBuffer[] srcs, int offset, int count, boolean more) throws IOException {
        count = Math.min(count, MAX_IOV);
        for (int i = 0; i < count; i++) {
            ByteBuffer b = srcs[offset + i];
            iov.set(ValueLayout.JAVA_LONG, 16L * i, address(b) + b.position());
            iov.set(ValueLayout.JAVA_LONG, 16L * i + 8, b.remaining());
        }
        msghdr.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, count);
        long n;
        try {
            n = (long) SENDMSG.invokeExact(capture, fd, msghdrAddress, more ? MSG_NOSIGNAL | MSG_MORE : MSG_NOSIGNAL);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (n < 0) return retryable("sendmsg");
        long left = n;
        for (int i = 0; i < count && left > 0; i++) {
            ByteBuffer b = srcs[offset + i];
            int step = (int) Math.min(left, b.remaining());
            b.position(b.position() + step);
            left -= step;
        }
        return n;
    }

    private static long address(ByteBuffer b) {
        try {
            return (long) BUFFER_ADDRESS.invokeExact(b);
        } catch (Throwable t) {
            throw new IllegalArgumentException("not a direct buffer", t);
        }
    }

    /** The errno an errno-capturing downcall left in {@code capture}. */
    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** 0 for "try again later"; otherwise the failure as the JDK would report it (a SocketException). */
    private int retryable(String call) throws IOException {
        int errno = errno(capture);
        if (errno == EAGAIN || errno == EINTR) return 0;
        throw new SocketException(describe(errno) + " (" + call + ")");
    }

    static String describe(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static IOException unexpected(Throwable t) {
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error e) throw e;
        return new IOException(t);
    }
}
