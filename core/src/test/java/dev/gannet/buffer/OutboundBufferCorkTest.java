package dev.gannet.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Headers followed by a file go out as one corked write, and nothing is held back for a file with no bytes. */
class OutboundBufferCorkTest {
    @TempDir
    Path dir;

    /** Records each write and whether it asked the kernel to wait for more. */
    private static final class Recorder implements CorkableChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Boolean> more = new ArrayList<>();

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length, boolean more) {
            this.more.add(more);
            long n = 0;
            for (int i = offset; i < offset + length; i++) n += write(srcs[i]);
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            return write(srcs, offset, length, false);
        }

        @Override
        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        @Override
        public int write(ByteBuffer src) {
            int n = src.remaining();
            byte[] b = new byte[n];
            src.get(b);
            bytes.writeBytes(b);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private FileChannel file(String content) throws IOException {
        Path p = dir.resolve("f" + content.length());
        Files.writeString(p, content);
        return FileChannel.open(p, StandardOpenOption.READ);
    }

    @Test
    void headersBeforeAFileAreCorkedAndTheFileFollows() throws IOException {
        OutboundBuffer out = new OutboundBuffer(BufferPool.forLoop());
        Recorder sink = new Recorder();
        try (FileChannel f = file("file body")) {
            out.append("HEAD\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, 8);
            out.appendFile(f, 0, f.size(), null);
            out.append("tail".getBytes(StandardCharsets.US_ASCII), 0, 4);
            while (!out.isEmpty()) out.writeTo(sink, sink);
        }
        assertThat(sink.bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("HEAD\r\n\r\nfile bodytail");
        // The headers waited for the file; what follows the file is not held back.
        assertThat(sink.more).containsExactly(true);
    }

    @Test
    void nothingIsCorkedBeforeAnEmptyFileOrWithNoFile() throws IOException {
        OutboundBuffer out = new OutboundBuffer(BufferPool.forLoop());
        Recorder sink = new Recorder();
        try (FileChannel f = file("")) {
            out.append("HEAD\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0, 8);
            out.appendFile(f, 0, 0, null);
            while (!out.isEmpty()) out.writeTo(sink, sink);
        }
        out.append("x".getBytes(StandardCharsets.US_ASCII), 0, 1);
        out.append(ByteBuffer.wrap("y".getBytes(StandardCharsets.US_ASCII)));
        while (!out.isEmpty()) out.writeTo(sink, sink);
        assertThat(sink.bytes.toString(StandardCharsets.US_ASCII)).isEqualTo("HEAD\r\n\r\nxy");
        assertThat(sink.more).doesNotContain(true);
    }
}
