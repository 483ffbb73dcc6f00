package dev.gannet.uring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SocketsTest {

    /** Descriptors opened by a test; closed afterwards whatever happened. */
    private final List<Integer> fds = new ArrayList<>();

    @BeforeAll
    static void requireNativeAccess() {
        assumeTrue(Sockets.isAvailable(), () -> "Sockets unavailable: " + Sockets.unavailableReason());
    }

    @AfterEach
    void closeDescriptors() throws IOException {
        for (int fd : fds) Sockets.close(fd);
    }

    private int track(int fd) {
        fds.add(fd);
        return fd;
    }

    private int tcpSocket(int family) throws IOException {
        return track(Sockets.socket(family, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0));
    }

    @Test
    void connectsOverIpv4AndSeesTheSameAddressesAsTheJdk() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            connectAndCompareAddresses(server, Sockets.AF_INET);
        }
    }

    @Test
    void connectsOverIpv6AndSeesTheSameAddressesAsTheJdk() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            try {
                server.bind(new InetSocketAddress("::1", 0));
            } catch (IOException e) {
                assumeTrue(false, "cannot bind [::1]: " + e);
            }
            connectAndCompareAddresses(server, Sockets.AF_INET6);
        }
    }

    private void connectAndCompareAddresses(ServerSocketChannel server, int family) throws Exception {
        int fd = tcpSocket(family);
        InetSocketAddress serverAddress = (InetSocketAddress) server.getLocalAddress();
        Sockets.connectBlocking(fd, serverAddress);
        try (SocketChannel accepted = server.accept()) {
            InetSocketAddress local = Sockets.localAddress(fd);
            InetSocketAddress remote = Sockets.remoteAddress(fd);
            assertThat(local).isEqualTo(accepted.getRemoteAddress());
            assertThat(remote).isEqualTo(accepted.getLocalAddress()).isEqualTo(serverAddress);
            assertThat(local.getAddress()).isInstanceOf(family == Sockets.AF_INET ? Inet4Address.class : Inet6Address.class);

            // Half-close: the JDK side sees end of stream, and our side can still be queried.
            Sockets.shutdown(fd, Sockets.SHUT_WR);
            accepted.socket().setSoTimeout(5_000);
            InputStream in = accepted.socket().getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            assertThat(Sockets.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR)).isZero();
        }
    }

    @Test
    void intOptionsRoundTrip() throws Exception {
        int fd = tcpSocket(Sockets.AF_INET);
        int[][] options = {
                {Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY},
                {Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE},
                {Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT},
                {Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR},
        };
        for (int[] o : options) {
            Sockets.setInt(fd, o[0], o[1], 1);
            assertThat(Sockets.getInt(fd, o[0], o[1])).as("option %d/%d on", o[0], o[1]).isEqualTo(1);
            Sockets.setInt(fd, o[0], o[1], 0);
            assertThat(Sockets.getInt(fd, o[0], o[1])).as("option %d/%d off", o[0], o[1]).isZero();
        }
        // The kernel doubles buffer sizes for its bookkeeping, so only a lower bound holds.
        Sockets.setInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, 65_536);
        assertThat(Sockets.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_RCVBUF)).isGreaterThanOrEqualTo(65_536);
        Sockets.setLinger(fd, true, 0);
        Sockets.setLinger(fd, false, 0);
    }

    @Test
    void ipv6OnlyOptionOnAnIpv6Socket() throws Exception {
        int fd = tcpSocket(Sockets.AF_INET6);
        Sockets.setInt(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, 1);
        assertThat(Sockets.getInt(fd, Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY)).isEqualTo(1);
    }

    @Test
    void readsTheDescriptorOfAJdkChannel() throws Exception {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            int fd = Sockets.fd(ch);
            assertThat(fd).isNotNegative();
            assertThat(Sockets.getInt(fd, Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY)).isEqualTo(1);
            ch.close();
            assertThat(Sockets.fd(ch)).isEqualTo(-1);
        }
    }

    @Test
    void sockaddrRoundTripsIpv4() throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("192.168.1.200"), 65_000);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Sockets.SOCKADDR_MAX);
            assertThat(Sockets.writeSockaddr(buf, address)).isEqualTo(16);
            // Family in host order, port in network order, then the address bytes.
            assertThat(buf.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 0)).isEqualTo((short) Sockets.AF_INET);
            assertThat(Byte.toUnsignedInt(buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2))).isEqualTo(65_000 >> 8);
            assertThat(Byte.toUnsignedInt(buf.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4))).isEqualTo(192);
            assertThat(Sockets.readSockaddr(buf)).isEqualTo(address);
        }
    }

    @Test
    void sockaddrRoundTripsIpv6WithScope() throws Exception {
        byte[] linkLocal = InetAddress.getByName("fe80::1234:5678").getAddress();
        Inet6Address scoped = Inet6Address.getByAddress(null, linkLocal, 3);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(28);
            for (InetSocketAddress address : List.of(new InetSocketAddress("::1", 8080),
                    new InetSocketAddress(InetAddress.getByName("2001:db8::42"), 1), new InetSocketAddress(scoped, 443))) {
                assertThat(Sockets.writeSockaddr(buf, address)).isEqualTo(28);
                InetSocketAddress back = Sockets.readSockaddr(buf);
                assertThat(back).isEqualTo(address);
                assertThat(back.getPort()).isEqualTo(address.getPort());
                assertThat(((Inet6Address) back.getAddress()).getScopeId())
                        .isEqualTo(((Inet6Address) address.getAddress()).getScopeId());
            }
        }
    }

    @Test
    void sockaddrRejectsWhatItCannotEncode() {
        try (Arena arena = Arena.ofConfined()) {
            assertThatThrownBy(() -> Sockets.writeSockaddr(arena.allocate(16), new InetSocketAddress("::1", 80)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Sockets.writeSockaddr(arena.allocate(28),
                    InetSocketAddress.createUnresolved("example.invalid", 80)))
                    .isInstanceOf(IllegalArgumentException.class);
            MemorySegment unix = arena.allocate(Sockets.SOCKADDR_MAX);
            unix.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) 1); // AF_UNIX
            assertThatThrownBy(() -> Sockets.readSockaddr(unix)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void eventfdAddsAndReadResets() throws Exception {
        int fd = track(Sockets.eventfd(0, Sockets.EFD_NONBLOCK | Sockets.EFD_CLOEXEC));
        assertThat(Sockets.eventfdRead(fd)).isZero();
        Sockets.eventfdWrite(fd, 3);
        Sockets.eventfdWrite(fd, 4);
        assertThat(Sockets.eventfdRead(fd)).isEqualTo(7);
        assertThat(Sockets.eventfdRead(fd)).isZero();
    }

    @Test
    void eventfdStartsAtItsInitialValue() throws Exception {
        int fd = track(Sockets.eventfd(5, Sockets.EFD_CLOEXEC));
        // Blocking eventfd, but the counter is nonzero so the read returns at once.
        assertThat(Sockets.eventfdRead(fd)).isEqualTo(5);
    }

    @Test
    void connectingToAClosedPortIsRefused() throws Exception {
        InetSocketAddress closed;
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            closed = (InetSocketAddress) server.getLocalAddress();
        }
        int fd = tcpSocket(Sockets.AF_INET);
        assertThatThrownBy(() -> Sockets.connectBlocking(fd, closed))
                .isInstanceOf(ConnectException.class)
                .hasMessageContaining("connect")
                .hasMessageContaining("Connection refused");
    }

    @Test
    void closingABadDescriptorFails() throws Exception {
        assertThatThrownBy(() -> Sockets.close(-1))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(SocketException.class)
                .hasMessageContaining("close")
                .hasMessageContaining("Bad file descriptor");

        int fd = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM, 0);
        Sockets.close(fd);
        assertThatThrownBy(() -> Sockets.close(fd)).hasMessageContaining("Bad file descriptor");
        assertThatThrownBy(() -> Sockets.getInt(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR))
                .hasMessageContaining("getsockopt").hasMessageContaining("Bad file descriptor");
    }

    @Test
    void mapsErrnoToExceptionTypes() {
        assertThat(Sockets.exception("recv", Sockets.ECONNRESET))
                .isInstanceOf(SocketException.class)
                .hasMessageContaining("recv")
                .hasMessageContaining("reset");
        assertThat(Sockets.exception("send", Sockets.EPIPE)).isInstanceOf(SocketException.class)
                .hasMessageContaining("Broken pipe");
        assertThat(Sockets.exception("connect", Sockets.ETIMEDOUT)).isInstanceOf(SocketException.class);
        assertThat(Sockets.exception("connect", 113)).isInstanceOf(SocketException.class); // EHOSTUNREACH
        assertThat(Sockets.exception("connect", Sockets.ECONNREFUSED)).isInstanceOf(ConnectException.class);
        assertThat(Sockets.exception("read", Sockets.ECANCELED))
                .isExactlyInstanceOf(IOException.class).hasMessageContaining("ECANCELED");
        assertThat(Sockets.describe(Sockets.EAGAIN)).containsIgnoringCase("temporarily unavailable");
        assertThat(Sockets.describe(Sockets.ETIME)).containsIgnoringCase("timer expired");
    }

    @Test
    void errnoIsPerThread() throws Exception {
        // Threads failing with different errnos at once must each see their own.
        InetSocketAddress closed;
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            closed = (InetSocketAddress) server.getLocalAddress();
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                boolean refuse = t % 2 == 0;
                results.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < 200; i++) {
                        if (refuse) {
                            int fd = Sockets.socket(Sockets.AF_INET, Sockets.SOCK_STREAM | Sockets.SOCK_CLOEXEC, 0);
                            try {
                                assertThatThrownBy(() -> Sockets.connectBlocking(fd, closed))
                                        .isInstanceOf(ConnectException.class);
                            } finally {
                                Sockets.close(fd);
                            }
                        } else {
                            assertThatThrownBy(() -> Sockets.close(-1)).hasMessageContaining("EBADF");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : results) f.get(30, TimeUnit.SECONDS);
        }
    }
}
