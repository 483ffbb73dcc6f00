package dev.gannet.engine.nio;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TcpServer;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** How the acceptor spreads connections over two loops, seen from the loop threads that open them. */
class NioBalancingTest {

    /**
     * Keeps one connection open, then opens and closes six more one at a time, each closed on the server before
     * the next is opened. Returns how many connections each loop thread opened.
     */
    private static Map<String, AtomicInteger> openOneThenSixInTurn(ServerConfig.Balance balance) throws Exception {
        Map<String, AtomicInteger> perLoop = new ConcurrentHashMap<>();
        AtomicInteger opened = new AtomicInteger();
        AtomicInteger closed = new AtomicInteger();
        Server s = TcpServer.start(ServerConfig.builder().host("127.0.0.1", 0).engine("nio").threads(2).balance(balance).build(),
                new Handler() {
                    @Override
                    public Action onOpen(Connection c) {
                        perLoop.computeIfAbsent(Thread.currentThread().getName(), k -> new AtomicInteger()).incrementAndGet();
                        opened.incrementAndGet();
                        return Action.KEEP;
                    }

                    @Override
                    public Action onData(Connection c, ByteBuffer in) {
                        return Action.KEEP;
                    }

                    @Override
                    public void onClose(Connection c, Throwable cause) {
                        closed.incrementAndGet();
                    }
                });
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", s.port());
        try (SocketChannel stays = SocketChannel.open(a)) {
            await(opened, 1);
            for (int i = 1; i <= 6; i++) {
                SocketChannel.open(a).close();
                await(closed, i);
            }
            return perLoop;
        } finally {
            s.shutdownGracefully(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
        }
    }

    private static void await(AtomicInteger counter, int value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (counter.get() < value && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(counter.get()).isGreaterThanOrEqualTo(value);
    }

    @Test
    void roundRobinAlternatesLoops() throws Exception {
        Map<String, AtomicInteger> m = openOneThenSixInTurn(ServerConfig.Balance.ROUND_ROBIN);
        assertThat(m.values().stream().map(AtomicInteger::get).sorted().toList()).isEqualTo(List.of(3, 4));
    }

    @Test
    void leastConnectionsPicksTheEmptierLoop() throws Exception {
        // The loop holding the connection that stays is never the emptier one, so the other loop gets all six.
        Map<String, AtomicInteger> m = openOneThenSixInTurn(ServerConfig.Balance.LEAST_CONNECTIONS);
        assertThat(m.values().stream().map(AtomicInteger::get).sorted().toList()).isEqualTo(List.of(1, 6));
    }
}
