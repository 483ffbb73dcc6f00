package dev.gannet.uring;

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
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.channels.NetworkChannel;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * The few libc socket calls the io_uring engine makes outside the ring: creating and configuring sockets,
 * reading their addresses, encoding {@code sockaddr} structs for ring CONNECT and ACCEPT, and eventfd wakeups.
 *
 * <p><b>Why {@code java.lang.foreign}.</b> The engine drives raw file descriptors that the JDK's channels do not
 * own, so it needs libc directly; FFM gives that without a JNI library to build, ship and load per platform.
 * Every call is a downcall handle linked once, on first use, and {@code errno} is captured by the linker right
 * after the call returns ({@code captureCallState}), because the JVM itself may call libc and overwrite
 * {@code errno} before Java code could read it.
 *
 * <p><b>Threading.</b> Every method is safe to call from any thread, platform or virtual, concurrently. The
 * captured {@code errno} goes to a small segment owned by the calling thread, so concurrent failures never see
 * each other's error; temporary structs live in a confined arena per call. {@link #eventfdWrite} and
 * {@link #eventfdRead}, which sit on the engine's wakeup path, allocate nothing per call.
 *
 * <p><b>Errors.</b> A failed call throws an {@link IOException} naming the call and carrying the C library's
 * text for the error ({@code strerror}); {@link #exception} picks the subclass, and the engine uses it for ring
 * completions too (a negative {@code res} is {@code -errno}).
 *
 * <p><b>Availability.</b> Linux on x86-64, aarch64 or riscv64 (the constants below are those ABIs' values), with
 * native access enabled for this module ({@code --enable-native-access}). Native access is checked before any
 * restricted method is touched, so the JVM's own warning is never printed. When {@link #isAvailable()} is false
 * the calls throw {@link UnsupportedOperationException} with {@link #unavailableReason()}.
 */
public final class Sockets {

    // errno values (Linux, asm-generic)
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int EINVAL = 22;
    public static final int EPIPE = 32;
    public static final int ETIME = 62;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EALREADY = 114;
    public static final int EINPROGRESS = 115;
    public static final int ECANCELED = 125;

    // socket(2) and friends
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_NONBLOCK = 04000;
    public static final int SOCK_CLOEXEC = 02000000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_REUSEADDR = 2;
    public static final int SO_ERROR = 4;
    public static final int SO_SNDBUF = 7;
    public static final int SO_RCVBUF = 8;
    public static final int SO_KEEPALIVE = 9;
    public static final int SO_LINGER = 13;
    public static final int SO_REUSEPORT = 15;
    public static final int IPPROTO_TCP = 6;
    public static final int TCP_NODELAY = 1;
    public static final int IPPROTO_IPV6 = 41;
    public static final int IPV6_V6ONLY = 26;
    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    public static final int EFD_NONBLOCK = 04000;
    public static final int EFD_CLOEXEC = 02000000;

    /** The size of {@code struct sockaddr_storage}: enough for any address the kernel hands back. */
    public static final int SOCKADDR_MAX = 128;

    // Socket errnos without a public constant, named for the exception mapping.
    private static final int ENOTSOCK = 88;
    private static final int EADDRINUSE = 98;
    private static final int EADDRNOTAVAIL = 99;
    private static final int ENETUNREACH = 101;
    private static final int ENOTCONN = 107;
    private static final int EHOSTUNREACH = 113;

    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int SOCKADDR_IN6_SIZE = 28;

    // sockaddr fields may sit at any offset of a caller's buffer, so the layouts do not insist on alignment.
    private static final ValueLayout.OfShort U16_NATIVE = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort U16_NET = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt U32_NATIVE = ValueLayout.JAVA_INT_UNALIGNED;

    private static final Set<String> ARCHES = Set.of("amd64", "x86_64", "aarch64", "riscv64");

    private Sockets() {
    }

    /** Whether the calls work in this process: Linux, a supported architecture, native access, linked. */
    public static boolean isAvailable() {
        return Libc.UNAVAILABLE == null;
    }

    /** Why {@link #isAvailable()} is false, or null when it is true. */
    public static String unavailableReason() {
        return Libc.UNAVAILABLE;
    }

    // ---------------------------------------------------------------- sockets

    /** {@code socket(2)}; returns the new descriptor. */
    public static int socket(int family, int type, int protocol) throws IOException {
        MemorySegment state = Scratch.get().capture;
        int fd;
        try {
            fd = (int) Libc.SOCKET.invokeExact(state, family, type, protocol);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (fd < 0) throw exception("socket", errno(state));
        return fd;
    }

    /** {@code setsockopt(2)} with an int value. */
    public static void setInt(int fd, int level, int name, int value) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            v.set(ValueLayout.JAVA_INT, 0, value);
            setsockopt(fd, level, name, v);
        }
    }

    /** {@code getsockopt(2)} of an int value. */
    public static int getInt(int fd, int level, int name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int) v.byteSize());
            MemorySegment state = Scratch.get().capture;
            int rc;
            try {
                rc = (int) Libc.GETSOCKOPT.invokeExact(state, fd, level, name, v, len);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (rc != 0) throw exception("getsockopt", errno(state));
            return v.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Sets {@code SO_LINGER}: {@code struct linger { int l_onoff; int l_linger; }}. */
    public static void setLinger(int fd, boolean on, int seconds) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment linger = arena.allocate(8, 4);
            linger.set(ValueLayout.JAVA_INT, 0, on ? 1 : 0);
            linger.set(ValueLayout.JAVA_INT, 4, seconds);
            setsockopt(fd, SOL_SOCKET, SO_LINGER, linger);
        }
    }

    private static void setsockopt(int fd, int level, int name, MemorySegment value) throws IOException {
        MemorySegment state = Scratch.get().capture;
        int rc;
        try {
            rc = (int) Libc.SETSOCKOPT.invokeExact(state, fd, level, name, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (rc != 0) throw exception("setsockopt", errno(state));
    }

    /** The address the socket is bound to, from {@code getsockname(2)}. */
    public static InetSocketAddress localAddress(int fd) throws IOException {
        return address("getsockname", Libc.GETSOCKNAME, fd);
    }

    /** The address the socket is connected to, from {@code getpeername(2)}. */
    public static InetSocketAddress remoteAddress(int fd) throws IOException {
        return address("getpeername", Libc.GETPEERNAME, fd);
    }

    private static InetSocketAddress address(String call, MethodHandle handle, int fd) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(SOCKADDR_MAX, 8);
            MemorySegment len = arena.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, SOCKADDR_MAX);
            MemorySegment state = Scratch.get().capture;
            int rc;
            try {
                rc = (int) handle.invokeExact(state, fd, buf, len);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (rc != 0) throw exception(call, errno(state));
            // The kernel reports the full length even when it truncated; a sockaddr_storage never truncates.
            int n = Math.min(len.get(ValueLayout.JAVA_INT, 0), SOCKADDR_MAX);
            try {
                return readSockaddr(buf.asSlice(0, n));
            } catch (IllegalArgumentException e) {
                throw new SocketException(call + ": " + e.getMessage());
            }
        }
    }

    /**
     * Writes {@code sockaddr_in} (for an IPv4 address) or {@code sockaddr_in6} (IPv6) at the start of {@code dst}.
     * The socket it is used with must be of the matching family; see {@link #family(InetAddress)}.
     *
     * @return the struct's length, 16 or 28, to pass as {@code socklen_t}
     * @throws IllegalArgumentException if the address is unresolved or {@code dst} is too small for the struct
     */
    public static int writeSockaddr(MemorySegment dst, InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) throw new IllegalArgumentException("unresolved address: " + address);
        int size = ip instanceof Inet4Address ? SOCKADDR_IN_SIZE : SOCKADDR_IN6_SIZE;
        if (dst.byteSize() < size) {
            throw new IllegalArgumentException("sockaddr needs " + size + " bytes, segment has " + dst.byteSize());
        }
        // Zeroing covers sin_zero and sin6_flowinfo, which the kernel expects to be 0.
        dst.asSlice(0, size).fill((byte) 0);
        dst.set(U16_NATIVE, 0, (short) family(ip));
        dst.set(U16_NET, 2, (short) address.getPort());
        byte[] bytes = ip.getAddress();
        if (ip instanceof Inet6Address v6) {
            MemorySegment.copy(bytes, 0, dst, ValueLayout.JAVA_BYTE, 8, 16);
            dst.set(U32_NATIVE, 24, v6.getScopeId());
        } else {
            MemorySegment.copy(bytes, 0, dst, ValueLayout.JAVA_BYTE, 4, 4);
        }
        return size;
    }

    /**
     * Reads a {@code sockaddr_in} or {@code sockaddr_in6} from the start of {@code src}, the inverse of
     * {@link #writeSockaddr}. Like the JDK's channels, an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) comes
     * back as an {@link Inet4Address}, so a dual-stack listener reports IPv4 peers the way the JDK would.
     *
     * @throws IllegalArgumentException if the family is neither AF_INET nor AF_INET6, or {@code src} is too short
     */
    public static InetSocketAddress readSockaddr(MemorySegment src) {
        if (src.byteSize() < 2) throw new IllegalArgumentException("sockaddr too short: " + src.byteSize() + " bytes");
        int family = Short.toUnsignedInt(src.get(U16_NATIVE, 0));
        int size = switch (family) {
            case AF_INET -> SOCKADDR_IN_SIZE;
            case AF_INET6 -> SOCKADDR_IN6_SIZE;
            default -> throw new IllegalArgumentException("unsupported address family " + family);
        };
        if (src.byteSize() < size) {
            throw new IllegalArgumentException("sockaddr of family " + family + " needs " + size + " bytes, got "
                    + src.byteSize());
        }
        int port = Short.toUnsignedInt(src.get(U16_NET, 2));
        try {
            InetAddress ip;
            if (family == AF_INET) {
                ip = InetAddress.getByAddress(src.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE));
            } else {
                byte[] bytes = src.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
                int scope = src.get(U32_NATIVE, 24);
                // getByAddress turns a mapped address into an Inet4Address; a scoped one keeps its interface.
                ip = scope == 0 ? InetAddress.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, scope);
            }
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new AssertionError("a 4 or 16 byte address is always valid", e);
        }
    }

    /** The socket family for an address: {@link #AF_INET} or {@link #AF_INET6}. */
    public static int family(InetAddress address) {
        return address instanceof Inet4Address ? AF_INET : AF_INET6;
    }

    /** A plain blocking {@code connect(2)}, for tests and tools; the engine connects through the ring. */
    public static void connectBlocking(int fd, InetSocketAddress remote) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SOCKADDR_MAX, 8);
            int len = writeSockaddr(addr, remote);
            MemorySegment state = Scratch.get().capture;
            int rc;
            try {
                rc = (int) Libc.CONNECT.invokeExact(state, fd, addr, len);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (rc != 0) throw exception("connect", errno(state));
        }
    }

    /** {@code bind(2)}: a client socket's source address, before it connects. */
    public static void bind(int fd, InetSocketAddress local) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SOCKADDR_MAX, 8);
            int len = writeSockaddr(addr, local);
            MemorySegment state = Scratch.get().capture;
            int rc;
            try {
                rc = (int) Libc.BIND.invokeExact(state, fd, addr, len);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (rc != 0) throw exception("bind", errno(state));
        }
    }

    /** {@code shutdown(2)} with {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}. */
    public static void shutdown(int fd, int how) throws IOException {
        MemorySegment state = Scratch.get().capture;
        int rc;
        try {
            rc = (int) Libc.SHUTDOWN.invokeExact(state, fd, how);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (rc != 0) throw exception("shutdown", errno(state));
    }

    /**
     * {@code close(2)}. EINTR counts as success: Linux releases the descriptor before it can be interrupted, so
     * reporting it (or retrying, which could close a descriptor another thread has just been given) would be wrong.
     */
    public static void close(int fd) throws IOException {
        MemorySegment state = Scratch.get().capture;
        int rc;
        try {
            rc = (int) Libc.CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (rc != 0) {
            int errno = errno(state);
            if (errno != EINTR) throw exception("close", errno);
        }
    }

    // ---------------------------------------------------------------- eventfd

    /** {@code eventfd(2)}; flags are {@link #EFD_NONBLOCK} and {@link #EFD_CLOEXEC}. */
    public static int eventfd(int initval, int flags) throws IOException {
        MemorySegment state = Scratch.get().capture;
        int fd;
        try {
            fd = (int) Libc.EVENTFD.invokeExact(state, initval, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
        if (fd < 0) throw exception("eventfd", errno(state));
        return fd;
    }

    /**
     * Adds {@code value} to the eventfd counter. On a nonblocking eventfd whose counter is already at its maximum
     * this returns without adding: a reader is then certain to be woken, which is all a wakeup needs.
     */
    public static void eventfdWrite(int fd, long value) throws IOException {
        Scratch scratch = Scratch.get();
        scratch.word.set(ValueLayout.JAVA_LONG, 0, value);
        while (true) {
            long n;
            try {
                n = (long) Libc.WRITE.invokeExact(scratch.capture, fd, scratch.word, 8L);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (n == 8) return;
            int errno = errno(scratch.capture);
            if (errno == EAGAIN) return;
            if (errno != EINTR) throw exception("write", errno);
        }
    }

    /**
     * Reads and resets the eventfd counter. Returns 0 if a nonblocking eventfd has nothing to read; a blocking
     * one blocks the calling thread until it does.
     */
    public static long eventfdRead(int fd) throws IOException {
        Scratch scratch = Scratch.get();
        while (true) {
            long n;
            try {
                n = (long) Libc.READ.invokeExact(scratch.capture, fd, scratch.word, 8L);
            } catch (Throwable t) {
                throw unexpected(t);
            }
            if (n == 8) return scratch.word.get(ValueLayout.JAVA_LONG, 0);
            // An eventfd read is all or nothing, so anything but 8 is -1 with errno set.
            int errno = errno(scratch.capture);
            if (errno == EAGAIN) return 0;
            if (errno != EINTR) throw exception("read", errno);
        }
    }

    /** A JDK channel's descriptor, or -1 when it is closed, not a JDK socket channel, or that is unavailable. */
    public static int fd(NetworkChannel channel) {
        return NativeSocketOptions.fd(channel);
    }

    // ---------------------------------------------------------------- errors

    /**
     * The exception for a failed call: {@link ConnectException} for ECONNREFUSED, a {@link SocketException} for
     * the socket errors (EPIPE and the ENOTSOCK..EINPROGRESS block; {@link BindException} for EADDRINUSE and
     * EADDRNOTAVAIL, {@link NoRouteToHostException} for ENETUNREACH and EHOSTUNREACH, as the JDK does), and a
     * plain {@link IOException} otherwise. The message is {@code "call: <strerror text> (<errno name>)"}.
     */
    public static IOException exception(String call, int errno) {
        String message = call + ": " + describe(errno) + " (" + name(errno) + ")";
        return switch (errno) {
            case ECONNREFUSED -> new ConnectException(message);
            case EADDRINUSE, EADDRNOTAVAIL -> new BindException(message);
            case ENETUNREACH, EHOSTUNREACH -> new NoRouteToHostException(message);
            // ENOTSOCK..EINPROGRESS is the kernel's block of network errnos (ECONNRESET, ENOTCONN, ETIMEDOUT, ...).
            default -> errno == EPIPE || (errno >= ENOTSOCK && errno <= EINPROGRESS)
                    ? new SocketException(message)
                    : new IOException(message);
        };
    }

    /** The C library's text for an errno ({@code strerror}), e.g. "Connection refused". */
    public static String describe(int errno) {
        if (!isAvailable()) return name(errno);
        try {
            MemorySegment text = (MemorySegment) Libc.STRERROR.invokeExact(errno);
            if (text.equals(MemorySegment.NULL)) return name(errno);
            // strerror returns a NUL-terminated string of unknown length; widen the zero-length segment to read it.
            return text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The symbolic name for the errno values the engine meets, else "errno N". */
    private static String name(int errno) {
        return switch (errno) {
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case EINVAL -> "EINVAL";
            case EPIPE -> "EPIPE";
            case ETIME -> "ETIME";
            case ENOTSOCK -> "ENOTSOCK";
            case EADDRINUSE -> "EADDRINUSE";
            case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
            case ENETUNREACH -> "ENETUNREACH";
            case ECONNRESET -> "ECONNRESET";
            case ENOBUFS -> "ENOBUFS";
            case ENOTCONN -> "ENOTCONN";
            case ETIMEDOUT -> "ETIMEDOUT";
            case ECONNREFUSED -> "ECONNREFUSED";
            case EHOSTUNREACH -> "EHOSTUNREACH";
            case EALREADY -> "EALREADY";
            case EINPROGRESS -> "EINPROGRESS";
            case ECANCELED -> "ECANCELED";
            default -> "errno " + errno;
        };
    }

    private static int errno(MemorySegment state) {
        return state.get(ValueLayout.JAVA_INT, Libc.ERRNO_OFFSET);
    }

    /** Downcalls throw nothing checked; anything that gets here is a bug, so it is not dressed as an I/O error. */
    private static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException e) return e;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    // ---------------------------------------------------------------- native plumbing

    /**
     * Per-thread memory: the linker's captured call state and one 8-byte word for eventfd values. Allocated from
     * its own automatic arena, so a thread's segment is freed once the thread (virtual ones included) is gone.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

        final MemorySegment capture;
        final MemorySegment word;

        private Scratch() {
            long stateSize = Libc.STATE_SIZE;
            long wordOffset = (stateSize + 7) & ~7L;
            MemorySegment all = Arena.ofAuto().allocate(wordOffset + 8, 8);
            capture = all.asSlice(0, stateSize);
            word = all.asSlice(wordOffset, 8);
        }

        static Scratch get() {
            if (Libc.UNAVAILABLE != null) throw new UnsupportedOperationException(Libc.UNAVAILABLE);
            return CURRENT.get();
        }
    }

    /**
     * The downcall handles, linked when first needed so that a process that never uses the engine never touches
     * the native linker. Static finals so that the JIT treats them as constants.
     */
    private static final class Libc {
        static final String UNAVAILABLE;
        static final long STATE_SIZE;
        static final long ERRNO_OFFSET;
        // Null when UNAVAILABLE is set; every caller goes through Scratch.get() first, which throws then.
        static final MethodHandle SOCKET, SETSOCKOPT, GETSOCKOPT, GETSOCKNAME, GETPEERNAME, CONNECT,
                SHUTDOWN, CLOSE, EVENTFD, READ, WRITE, STRERROR, BIND;

        static {
            String reason = precondition();
            MethodHandle[] h = new MethodHandle[13];
            long stateSize = 0, errnoOffset = 0;
            if (reason == null) {
                try {
                    Linker linker = Linker.nativeLinker();
                    SymbolLookup libc = linker.defaultLookup();
                    Linker.Option errno = Linker.Option.captureCallState("errno");
                    ValueLayout i = ValueLayout.JAVA_INT, l = ValueLayout.JAVA_LONG, p = ValueLayout.ADDRESS;
                    h[0] = link(linker, libc, "socket", FunctionDescriptor.of(i, i, i, i), errno);
                    h[1] = link(linker, libc, "setsockopt", FunctionDescriptor.of(i, i, i, i, p, i), errno);
                    h[2] = link(linker, libc, "getsockopt", FunctionDescriptor.of(i, i, i, i, p, p), errno);
                    h[3] = link(linker, libc, "getsockname", FunctionDescriptor.of(i, i, p, p), errno);
                    h[4] = link(linker, libc, "getpeername", FunctionDescriptor.of(i, i, p, p), errno);
                    h[5] = link(linker, libc, "connect", FunctionDescriptor.of(i, i, p, i), errno);
                    h[6] = link(linker, libc, "shutdown", FunctionDescriptor.of(i, i, i), errno);
                    h[7] = link(linker, libc, "close", FunctionDescriptor.of(i, i), errno);
                    h[8] = link(linker, libc, "eventfd", FunctionDescriptor.of(i, i, i), errno);
                    // ssize_t read/write(int, void *, size_t): both 64-bit on the supported (LP64) targets.
                    h[9] = link(linker, libc, "read", FunctionDescriptor.of(l, i, p, l), errno);
                    h[10] = link(linker, libc, "write", FunctionDescriptor.of(l, i, p, l), errno);
                    h[11] = link(linker, libc, "strerror", FunctionDescriptor.of(p, i));
                    h[12] = link(linker, libc, "bind", FunctionDescriptor.of(i, i, p, i), errno);
                    MemoryLayout state = Linker.Option.captureStateLayout();
                    stateSize = state.byteSize();
                    errnoOffset = state.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
                } catch (RuntimeException | LinkageError e) {
                    reason = "cannot link libc: " + e;
                    Arrays.fill(h, null);
                }
            }
            UNAVAILABLE = reason;
            STATE_SIZE = stateSize;
            ERRNO_OFFSET = errnoOffset;
            SOCKET = h[0];
            SETSOCKOPT = h[1];
            GETSOCKOPT = h[2];
            GETSOCKNAME = h[3];
            GETPEERNAME = h[4];
            CONNECT = h[5];
            SHUTDOWN = h[6];
            CLOSE = h[7];
            EVENTFD = h[8];
            READ = h[9];
            WRITE = h[10];
            STRERROR = h[11];
            BIND = h[12];
        }

        private static String precondition() {
            String os = System.getProperty("os.name", "");
            if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) return "not Linux (" + os + ")";
            String arch = System.getProperty("os.arch", "");
            if (!ARCHES.contains(arch)) return "unsupported architecture " + arch + " (constants are for " + ARCHES + ")";
            Module self = Sockets.class.getModule();
            if (!self.isNativeAccessEnabled()) {
                return "the JVM needs --enable-native-access=" + (self.isNamed() ? self.getName() : "ALL-UNNAMED");
            }
            return null;
        }

        private static MethodHandle link(Linker linker, SymbolLookup lookup, String name, FunctionDescriptor fd,
                                         Linker.Option... options) {
            MemorySegment symbol = lookup.find(name).orElseThrow(() -> new UnsatisfiedLinkError(name));
            return linker.downcallHandle(symbol, fd, options);
        }
    }
}
