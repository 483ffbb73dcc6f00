package dev.gannet.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gannet.transport.Action;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vthread engine runs a connection's callbacks one at a time but not always on the same thread (ticks
 * and executed tasks get fresh virtual threads). TLS state must follow whoever is inside the callback.
 */
class VirtualThreadCallbacksTest {

    private static final SelfSignedCertificate CERT = SelfSignedCertificate.generate("localhost");
    private static final TlsConfig SERVER = TlsConfig.builder().keyManagers(CERT.keyManagers()).build();
    private static final TlsConfig CLIENT = TlsConfig.builder().trustCertificates(CERT.certificate()).build();

    private static MemoryPipe pipe(Recorder c, Recorder s, long seed, int maxChunk) {
        // Delegated tasks, too, run on fresh virtual threads, at random points.
        MemoryPipe p = new MemoryPipe(new TlsHandler(c, CLIENT.toBuilder().delegatedTaskExecutor(new HeldTasks()).build(), true),
                TlsHandler.server(SERVER.toBuilder().delegatedTaskExecutor(new HeldTasks()).build(), s), seed, maxChunk);
        p.freshThreads = true;
        return p;
    }

    @Test
    void dataBothWaysAndClose() {
        byte[] up = new byte[300_000];
        byte[] down = new byte[200_000];
        new Random(1).nextBytes(up);
        new Random(2).nextBytes(down);
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> conn.write(up);
        s.onOpen = conn -> conn.write(down);
        MemoryPipe p = pipe(c, s, 3, 5_000).open();
        assertThat(s.bytes()).isEqualTo(up);
        assertThat(c.bytes()).isEqualTo(down);

        c.connection.close(); // from the test thread: handed over through execute
        p.run();
        assertThat(s.endOfInput).isTrue();
        assertThat(c.closeCause).isNull();
        assertThat(s.closeCause).isNull();
        assertThat(p.server.closeReported).isTrue();
    }

    @Test
    void writesFromTasksAndOtherThreads() throws InterruptedException {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = pipe(c, s, 4, 100).open();

        s.connection.execute(() -> s.connection.write("one ".getBytes(StandardCharsets.US_ASCII)));
        Thread.ofPlatform().start(() -> s.connection.write("two".getBytes(StandardCharsets.US_ASCII))).join();
        p.run();
        assertThat(new String(c.bytes(), StandardCharsets.US_ASCII)).isEqualTo("one two");
    }

    @Test
    void sendFileWithBackPressure(@TempDir Path dir) throws IOException {
        byte[] content = new byte[200_000];
        new Random(5).nextBytes(content);
        Path file = Files.write(dir.resolve("f"), content);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            Recorder c = new Recorder();
            Recorder s = new Recorder();
            s.onOpen = conn -> conn.sendFile(channel, 0, content.length, null);
            MemoryPipe p = pipe(c, s, 6, 3_000);
            p.server.lowWaterMark = 4 * 1024;
            p.server.highWaterMark = 16 * 1024;
            p.open();
            assertThat(c.bytes()).isEqualTo(content);
            assertThat(s.writabilityChanges).isPositive();
        }
    }

    @Test
    void pauseAndResumeFromOutside() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        s.onOpen = conn -> conn.pauseReading();
        c.onOpen = conn -> conn.write("held".getBytes(StandardCharsets.US_ASCII));
        MemoryPipe p = pipe(c, s, 7, 1).open();
        assertThat(s.bytes()).isEmpty();

        s.connection.resumeReading();
        p.run();
        assertThat(new String(s.bytes(), StandardCharsets.US_ASCII)).isEqualTo("held");
        s.onData = (conn, in) -> Action.CLOSE;
        c.connection.write(new byte[] {1});
        p.run();
        assertThat(c.endOfInput).isTrue();
    }
}
