package dev.gannet.uring;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections use the loop's registered file table. The table was once sized above the descriptor limit of this
 * machine's processes; the kernel refused it with EMFILE, and every send and receive looked its descriptor up.
 */
class RegisteredFilesTest {
    @BeforeAll
    static void needsIoUring() {
        String why = Uring.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, () -> "io_uring unavailable: " + why);
    }

    @Test
    void connectionsSendAndReceiveThroughTheRegisteredFileTable() throws Exception {
        List<Boolean> registered = new CopyOnWriteArrayList<>();
        Handler echo = new Handler() {
            @Override
            public Action onOpen(Connection c) {
                registered.add(((UringConnection) c).usesRegisteredFile());
                return Action.KEEP;
            }

            @Override
            public Action onData(Connection c, ByteBuffer in) {
                c.write(in);
                return Action.KEEP;
            }
        };
        ServerConfig config = ServerConfig.builder().host("127.0.0.1", 0).engine(UringEngine.NAME).threads(2)
                .build();
        UringServer server = (UringServer) new UringEngine().bind(config, echo);
        try {
            for (int i = 0; i < 4; i++) {
                try (Socket s = new Socket()) {
                    s.connect(server.localAddress(), 5000);
                    byte[] hello = ("hello " + i).getBytes(StandardCharsets.US_ASCII);
                    s.getOutputStream().write(hello);
                    assertThat(s.getInputStream().readNBytes(hello.length)).isEqualTo(hello);
                }
            }
            assertThat(registered).hasSize(4).containsOnly(true);
        } finally {
            server.shutdownGracefully(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
        }
    }
}
