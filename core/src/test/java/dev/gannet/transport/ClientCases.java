package dev.gannet.transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The outbound side of the transport suite: {@link TcpClient} against servers of the same engine. Mixed into
 * {@link TransportSuite}, so every engine runs these too.
 */
interface ClientCases {
    /** The suite this is mixed into: its engine, configs and servers (stopped after each test). */
    private TransportSuite suite() {
        return (TransportSuite) this;
    }

    @Test
    default void aClientAskedToShareAServersLoopRunsOnIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(suite().engine().equals("vthread"), "vthread has no event loops to share");
        Server relay = suite().start(suite().config().threads(1), (c, in) -> Action.KEEP);
        Server echo = suite().startEcho();
        java.util.concurrent.CompletableFuture<String> openedOn = new java.util.concurrent.CompletableFuture<>();
        java.util.concurrent.CompletableFuture<String> echoedOn = new java.util.concurrent.CompletableFuture<>();
        Handler client = new Handler() {
            @Override
            public Action onOpen(Connection c) {
                openedOn.complete(Thread.currentThread().getName());
                c.write("x".getBytes(StandardCharsets.US_ASCII));
                return Action.KEEP;
            }

            @Override
            public Action onData(Connection c, ByteBuffer in) {
                in.position(in.limit());
                echoedOn.complete(Thread.currentThread().getName());
                return Action.CLOSE;
            }
        };
        ClientConfig cc = ClientConfig.builder().engine(suite().engine()).sameLoopAs(relay).build();
        TcpClient.connect(echo.localAddress(), cc, client).get(5, TimeUnit.SECONDS);
        String loop = relay.loops().getFirst().name();
        assertThat(openedOn.get(5, TimeUnit.SECONDS)).isEqualTo(loop);
        assertThat(echoedOn.get(5, TimeUnit.SECONDS)).isEqualTo(loop);
    }

    @Test
    default void aClientBindsTheSourceAddressItIsGiven() throws Exception {
        CompletableFuture<java.net.SocketAddress> seen = new CompletableFuture<>();
        Server s = suite().start(suite().config(), new Handler() {
            @Override
            public Action onOpen(Connection c) {
                seen.complete(c.remoteAddress());
                return Action.KEEP;
            }

            @Override
            public Action onData(Connection c, ByteBuffer in) {
                in.position(in.limit());
                return Action.KEEP;
            }
        });
        ClientConfig cc = ClientConfig.builder().engine(suite().engine()).localAddress(new java.net.InetSocketAddress("127.0.0.7", 0)).build();
        Connection c = TcpClient.connect(s.localAddress(), cc, (conn, in) -> Action.KEEP).get(5, TimeUnit.SECONDS);
        try {
            assertThat(((java.net.InetSocketAddress) seen.get(5, TimeUnit.SECONDS)).getAddress().getHostAddress()).isEqualTo("127.0.0.7");
            assertThat(((java.net.InetSocketAddress) c.localAddress()).getAddress().getHostAddress()).isEqualTo("127.0.0.7");
        } finally {
            c.close();
        }
    }

    @Test
    default void clientConnectsExchangesAndReconnects() throws Exception {
        Server s = suite().startEcho();
        ClientConfig cc = ClientConfig.builder().engine(suite().engine()).build();
        TransportSuite.ArrayBlockingReplies replies = new TransportSuite.ArrayBlockingReplies();
        Connection conn = TcpClient.connect(s.localAddress(), cc, replies).get(5, TimeUnit.SECONDS);
        conn.write("over gannet".getBytes(StandardCharsets.UTF_8));
        assertThat(replies.take(11)).isEqualTo("over gannet");
        conn.close();

        // Reconnect: a client started before its server comes up keeps trying with backoff.
        int port;
        try (var probe = java.nio.channels.ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        TransportSuite.ArrayBlockingReplies replies2 = new TransportSuite.ArrayBlockingReplies();
        ClientConfig rc = ClientConfig.builder().engine(suite().engine()).reconnect(true)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        try (TcpClient client = TcpClient.open(new InetSocketAddress("127.0.0.1", port), rc, replies2)) {
            Thread.sleep(150);
            assertThat(client.connection()).isNull();
            Server late = suite().start(suite().config().host("127.0.0.1", port), (c, in) -> {
                c.write(in);
                return Action.KEEP;
            });
            Connection c2 = client.connected().get(5, TimeUnit.SECONDS);
            c2.write("again".getBytes(StandardCharsets.UTF_8));
            assertThat(replies2.take(5)).isEqualTo("again");
            // Lose the connection: the client comes back on its own.
            late.shutdownGracefully(Duration.ofMillis(100)).get(5, TimeUnit.SECONDS);
            Server again = suite().start(suite().config().host("127.0.0.1", port), (c, in) -> {
                c.write(in);
                return Action.KEEP;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((client.connection() == null || client.connection() == c2) && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(client.connection()).isNotNull().isNotSameAs(c2);
            client.connection().write("third".getBytes(StandardCharsets.UTF_8));
            assertThat(replies2.take(5)).isEqualTo("third");
            assertThat(again.stats().accepted.sum()).isEqualTo(1);
        }
    }

    @Test
    default void connectToAClosedPortFails() throws Exception {
        int port;
        try (var probe = java.nio.channels.ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        ClientConfig cc = ClientConfig.builder().engine(suite().engine()).connectTimeout(Duration.ofSeconds(2)).build();
        CompletableFuture<Connection> f = TcpClient.connect(new InetSocketAddress("127.0.0.1", port), cc, (c, in) -> Action.KEEP);
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(java.net.ConnectException.class);
    }
}
