package dev.gannet.uring;

import dev.gannet.transport.Action;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Files sent from mapped pages, with SEND and with SEND_ZC (its notification completions included). */
class FileSendTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needsIoUring() {
        String why = Uring.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, () -> "io_uring unavailable: " + why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"never", "always"})
    void sendsAFileLargerThanOnePieceByteForByte(String zeroCopy) throws Exception {
        byte[] content = new byte[3 * 1024 * 1024 + 12345]; // several 1 MiB pieces and a tail
        new Random(42).nextBytes(content);
        Path file = Files.write(dir.resolve("f.bin"), content);
        CountDownLatch sent = new CountDownLatch(1);
        Handler handler = new Handler() {
            @Override
            public Action onData(dev.gannet.transport.Connection c, ByteBuffer in) {
                in.position(in.limit());
                FileChannel fc;
                try {
                    fc = FileChannel.open(file, StandardOpenOption.READ);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                c.write(new byte[] {'>'}, 0, 1);
                long size;
                try {
                    size = fc.size();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                c.sendFile(fc, 0, size, () -> {
                    try {
                        fc.close();
                    } catch (java.io.IOException ignored) {
                        // read-only
                    }
                    sent.countDown();
                });
                c.write(new byte[] {'<'}, 0, 1);
                return Action.KEEP;
            }
        };
        System.setProperty("gannet.uring.sendZc", zeroCopy);
        Server server = new UringEngine().bind(ServerConfig.builder().host("127.0.0.1", 0).engine(UringEngine.NAME)
                .threads(1).build(), handler);
        try (Socket s = new Socket()) {
            s.connect(server.localAddress(), 5000);
            s.getOutputStream().write('?');
            byte[] got = s.getInputStream().readNBytes(content.length + 2);
            assertThat(got[0]).isEqualTo((byte) '>');
            assertThat(java.util.Arrays.copyOfRange(got, 1, content.length + 1)).isEqualTo(content);
            assertThat(got[content.length + 1]).isEqualTo((byte) '<');
            assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            System.clearProperty("gannet.uring.sendZc");
            server.shutdownGracefully(Duration.ofSeconds(2)).get(10, TimeUnit.SECONDS);
        }
    }
}
