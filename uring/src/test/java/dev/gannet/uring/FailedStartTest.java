package dev.gannet.uring;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TcpServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A server whose bind fails stops the loops it had just started: at once, and quietly. A loop stopped before it has
 * made its eventfd used to be woken through descriptor -1 (logged with a stack trace under the command line's
 * one-line error), and one stopped after it closed the eventfd could write into whatever file took its number.
 */
class FailedStartTest {

    @Test
    void aStoppedLoopIsNeverWokenThroughAClosedEventfd() throws Exception {
        Assumptions.assumeTrue(Uring.unavailableReason() == null, () -> "io_uring unavailable: " + Uring.unavailableReason());
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(UringLoop.class.getName());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) warnings.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            // 192.0.2.1 (TEST-NET-1) is no address of this machine: the bind fails right after the loops start.
            ServerConfig config = ServerConfig.builder().address(new InetSocketAddress("192.0.2.1", 0))
                    .engine("io_uring").threads(2).build();
            Handler handler = new Handler() {
                @Override
                public Action onData(Connection c, ByteBuffer in) {
                    return Action.KEEP;
                }
            };
            for (int i = 0; i < 40; i++) {
                assertThatThrownBy(() -> TcpServer.start(config, handler)).isInstanceOf(IOException.class);
            }
            // A stop that comes after the loop closed its eventfd: nothing to wake, and nothing written anywhere.
            UringLoop loop = new UringLoop("gannet-uring-test", 0);
            loop.start();
            loop.stop();
            loop.awaitTermination(5_000);
            loop.stop();
            Thread.sleep(200); // loops that were still starting finish and close their rings
            assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
        } finally {
            log.removeHandler(capture);
        }
    }
}
