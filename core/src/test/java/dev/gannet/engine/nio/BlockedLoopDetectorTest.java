package dev.gannet.engine.nio;

import dev.gannet.transport.Action;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TcpServer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A handler that sleeps on the loop is reported once per episode; a quick one is not. */
class BlockedLoopDetectorTest {

    @Test
    void reportsAHandlerThatBlocksTheLoop() throws Exception {
        Server s = TcpServer.start(ServerConfig.builder().host("127.0.0.1", 0).engine("nio").threads(1)
                .blockedLoopWarning(Duration.ofMillis(100)).build(), (c, in) -> {
            byte b = in.get();
            if (b == 's') {
                try {
                    Thread.sleep(400); // the mistake the detector exists for
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            c.write(new byte[] {b});
            return Action.KEEP;
        });
        try (SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", s.port()))) {
            NioLoop loop = null;
            for (NioLoop l : BlockedLoopDetector.watched()) if (l.threadName().equals("gannet-nio-0") && l.blockedWarningNanos == 100_000_000L) loop = l;
            assertThat(loop).isNotNull();
            roundTrip(ch, 'q');
            assertThat(loop.blockedWarnings).isZero();
            roundTrip(ch, 's');
            Thread.sleep(100);
            assertThat(loop.blockedWarnings).isEqualTo(1);
        } finally {
            s.shutdownGracefully(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
        }
    }

    private static void roundTrip(SocketChannel ch, char c) throws Exception {
        ch.write(ByteBuffer.wrap(new byte[] {(byte) c}));
        ByteBuffer b = ByteBuffer.allocate(1);
        while (b.hasRemaining()) ch.read(b);
    }
}
