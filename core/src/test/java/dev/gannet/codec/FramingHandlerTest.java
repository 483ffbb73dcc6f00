package dev.gannet.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FramingHandlerTest {

    /** Just enough of a connection for the adapter: a context slot, writes, close and abort. */
    static final class FakeConnection implements Connection {
        private static final AtomicInteger IDS = new AtomicInteger();
        final long id = IDS.incrementAndGet();
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        Object context;
        boolean open = true;
        boolean closed;
        Throwable abortCause;

        @Override public long id() { return id; }
        @SuppressWarnings("unchecked") @Override public <T> T context() { return (T) context; }
        @Override public void context(Object context) { this.context = context; }
        @Override public void write(ByteBuffer src) {
            byte[] b = new byte[src.remaining()];
            src.get(b);
            written.writeBytes(b);
        }
        @Override public void write(byte[] src, int offset, int length) { written.write(src, offset, length); }
        @Override public void close() { closed = true; open = false; }
        @Override public void abort(Throwable cause) { abortCause = cause; open = false; }
        @Override public boolean isOpen() { return open; }

        @Override public SocketAddress remoteAddress() { throw new UnsupportedOperationException(); }
        @Override public SocketAddress localAddress() { throw new UnsupportedOperationException(); }
        @Override public void sendFile(FileChannel file, long position, long count, Runnable onSent) { throw new UnsupportedOperationException(); }
        @Override public void flush() { }
        @Override public boolean isWritable() { return true; }
        @Override public long pendingOutputBytes() { return 0; }
        @Override public void pauseReading() { throw new UnsupportedOperationException(); }
        @Override public void resumeReading() { throw new UnsupportedOperationException(); }
        @Override public void shutdownOutput() { throw new UnsupportedOperationException(); }
        @Override public void execute(Runnable task) { task.run(); }
        @Override public Cancellable schedule(Runnable task, Duration delay) { throw new UnsupportedOperationException(); }
    }

    /** Hands bytes to the handler as a transport would, keeping what it leaves unconsumed. */
    static final class Wire {
        final FakeConnection connection = new FakeConnection();
        final ByteBuffer buffer = ByteBuffer.allocate(1024);
        final FramingHandler handler;

        Wire(FramingHandler handler) {
            this.handler = handler;
        }

        Action receive(String text) {
            buffer.put(text.getBytes(StandardCharsets.US_ASCII)).flip();
            try {
                return handler.onData(connection, buffer);
            } finally {
                buffer.compact();
            }
        }

        int kept() {
            return buffer.position();
        }
    }

    private static String text(ByteBuffer frame) {
        return StandardCharsets.US_ASCII.decode(frame).toString();
    }

    /** Echoes each line back upper-cased, and records calls. */
    static final class Recorder implements MessageHandler {
        final List<String> events = new ArrayList<>();
        final List<Connection> seen = new ArrayList<>();

        @Override
        public Action onOpen(Connection connection) {
            seen.add(connection);
            connection.context(new StringBuilder());
            events.add("open");
            return Action.KEEP;
        }

        @Override
        public Action onMessage(Connection connection, ByteBuffer frame) {
            seen.add(connection);
            String line = text(frame);
            StringBuilder history = connection.context();
            history.append(line).append(';');
            events.add("msg " + line);
            connection.write((line.toUpperCase() + "\n").getBytes(StandardCharsets.US_ASCII));
            return switch (line) {
                case "quit" -> Action.CLOSE;
                case "halt" -> Action.SHUTDOWN;
                case "hangup" -> {
                    connection.close();
                    yield Action.KEEP;
                }
                default -> Action.KEEP;
            };
        }

        @Override
        public Action onEndOfInput(Connection connection) {
            seen.add(connection);
            events.add("eof");
            return Action.KEEP;
        }

        @Override
        public void onWritabilityChanged(Connection connection, boolean writable) {
            seen.add(connection);
            events.add("writable " + writable);
        }

        @Override
        public Action onTick(Connection connection) {
            seen.add(connection);
            events.add("tick");
            return Action.CLOSE;
        }

        @Override
        public Action onDrain(Connection connection) {
            seen.add(connection);
            events.add("drain");
            return Action.KEEP;
        }

        @Override
        public void onClose(Connection connection, Throwable cause) {
            seen.add(connection);
            events.add("close " + (cause == null ? null : cause.getClass().getSimpleName()));
        }
    }

    @Test
    void deliversFramesAcrossReadsAndKeepsPartialOnes() {
        var recorder = new Recorder();
        var wire = new Wire(new FramingHandler(() -> DelimiterFramer.lines(100), recorder));
        assertThat(wire.handler.onOpen(wire.connection)).isEqualTo(Action.KEEP);

        assertThat(wire.receive("hel")).isEqualTo(Action.KEEP);
        assertThat(wire.kept()).isEqualTo(3);
        assertThat(wire.receive("lo\nwor")).isEqualTo(Action.KEEP);
        assertThat(wire.receive("ld\r\nagain\n")).isEqualTo(Action.KEEP);

        assertThat(recorder.events).containsExactly("open", "msg hello", "msg world", "msg again");
        assertThat(wire.kept()).isZero();
        assertThat(wire.connection.written.toString(StandardCharsets.US_ASCII)).isEqualTo("HELLO\nWORLD\nAGAIN\n");
    }

    @Test
    void eachConnectionGetsItsOwnDecoderAndContext() {
        AtomicInteger decoders = new AtomicInteger();
        var recorder = new Recorder();
        var handler = new FramingHandler(() -> {
            decoders.incrementAndGet();
            return DelimiterFramer.lines(100);
        }, recorder);
        var a = new Wire(handler);
        var b = new Wire(handler);
        handler.onOpen(a.connection);
        handler.onOpen(b.connection);
        a.receive("from ");
        b.receive("other\n");
        a.receive("a\n");

        assertThat(decoders).hasValue(2);
        assertThat(recorder.events).containsExactly("open", "open", "msg other", "msg from a");
        StringBuilder historyA = recorder.seen.get(0).context();
        StringBuilder historyB = recorder.seen.get(1).context();
        assertThat(historyA).hasToString("from a;");
        assertThat(historyB).hasToString("other;");
    }

    @Test
    void messageHandlerSeesOneConnectionWithItsOwnContext() {
        var recorder = new Recorder();
        var wire = new Wire(new FramingHandler(() -> DelimiterFramer.lines(100), recorder));
        FramingHandler h = wire.handler;
        FakeConnection raw = wire.connection;
        h.onOpen(raw);
        wire.receive("x\n");
        assertThat(h.onEndOfInput(raw)).isEqualTo(Action.KEEP);
        h.onWritabilityChanged(raw, false);
        assertThat(h.onTick(raw)).isEqualTo(Action.CLOSE);
        assertThat(h.onDrain(raw)).isEqualTo(Action.KEEP);
        h.onClose(raw, new IOException("reset"));

        assertThat(recorder.events).containsExactly("open", "msg x", "eof", "writable false", "tick", "drain", "close IOException");
        Connection framed = recorder.seen.getFirst();
        assertThat(recorder.seen).allSatisfy(c -> assertThat(c).isSameAs(framed));
        assertThat(framed).isNotSameAs(raw);
        assertThat(framed.id()).isEqualTo(raw.id());
        assertThat(framed.unwrap()).isSameAs(raw);
        // The user's context lives in the view; the transport's slot keeps the decoder holder.
        assertThat((Object) framed.context()).isInstanceOf(StringBuilder.class);
        assertThat(raw.context).isNotInstanceOf(StringBuilder.class).isNotNull();
    }

    @Test
    void closeFromOnMessageStopsDecodingAndIsReturned() {
        var recorder = new Recorder();
        var wire = new Wire(new FramingHandler(() -> DelimiterFramer.lines(100), recorder));
        wire.handler.onOpen(wire.connection);
        assertThat(wire.receive("a\nquit\nb\nc\n")).isEqualTo(Action.CLOSE);
        assertThat(recorder.events).containsExactly("open", "msg a", "msg quit");
        assertThat(wire.kept()).isEqualTo(4);
    }

    @Test
    void shutdownFromOnMessageStopsDecodingAndIsReturned() {
        var recorder = new Recorder();
        var wire = new Wire(new FramingHandler(() -> DelimiterFramer.lines(100), recorder));
        wire.handler.onOpen(wire.connection);
        assertThat(wire.receive("halt\nb\n")).isEqualTo(Action.SHUTDOWN);
        assertThat(recorder.events).containsExactly("open", "msg halt");
        // The next call starts afresh: the stop does not leak into it.
        assertThat(wire.receive("")).isEqualTo(Action.KEEP);
        assertThat(recorder.events).containsExactly("open", "msg halt", "msg b");
    }

    @Test
    void closingTheConnectionInOnMessageStopsDecoding() {
        var recorder = new Recorder();
        var wire = new Wire(new FramingHandler(() -> DelimiterFramer.lines(100), recorder));
        wire.handler.onOpen(wire.connection);
        assertThat(wire.receive("hangup\nb\n")).isEqualTo(Action.KEEP);
        assertThat(recorder.events).containsExactly("open", "msg hangup");
        assertThat(wire.connection.closed).isTrue();
    }

    @Test
    void frameErrorAbortsWithTheTypedCause() {
        var recorder = new Recorder();
        var wire = new Wire(new FramingHandler(() -> LengthFieldFramer.prefixed(1, 10), recorder));
        wire.handler.onOpen(wire.connection);
        assertThat(wire.receive("\u0002ok\u0063")).isEqualTo(Action.CLOSE);

        assertThat(recorder.events).containsExactly("open", "msg ok");
        assertThat(wire.connection.abortCause).isInstanceOfSatisfying(FrameException.class,
                e -> assertThat(e.kind()).isEqualTo(FrameException.Kind.TOO_LONG));
        assertThat(wire.kept()).isZero();
        // Anything arriving afterwards is dropped, not decoded.
        assertThat(wire.receive("\u0001x")).isEqualTo(Action.CLOSE);
        assertThat(recorder.events).containsExactly("open", "msg ok");
        assertThat(wire.kept()).isZero();
    }

    @Test
    void frameErrorCanBeAnsweredInsteadOfAborting() {
        MessageHandler handler = new MessageHandler() {
            @Override
            public Action onMessage(Connection connection, ByteBuffer frame) {
                return Action.KEEP;
            }

            @Override
            public void onFrameError(Connection connection, FrameException error) {
                connection.write(("-ERR " + error.kind() + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        };
        var wire = new Wire(new FramingHandler(() -> DelimiterFramer.lines(3), handler));
        assertThat(wire.receive("toolong")).isEqualTo(Action.CLOSE);
        assertThat(wire.connection.abortCause).isNull();
        assertThat(wire.connection.written.toString(StandardCharsets.US_ASCII)).isEqualTo("-ERR TOO_LONG\n");
    }

    @Test
    void exceptionFromOnMessagePropagatesToTheTransport() {
        var wire = new Wire(new FramingHandler(() -> DelimiterFramer.lines(100), (c, f) -> {
            throw new IllegalStateException("bug");
        }));
        assertThatThrownBy(() -> wire.receive("a\nb\n")).isInstanceOf(IllegalStateException.class);
        assertThat(wire.connection.abortCause).isNull();
    }

    @Test
    void worksWithoutOnOpenAndRejectsAReplacedContext() {
        List<String> lines = new ArrayList<>();
        var wire = new Wire(new FramingHandler(() -> DelimiterFramer.lines(100), (c, f) -> {
            lines.add(text(f));
            return Action.KEEP;
        }));
        wire.receive("a\n");
        assertThat(lines).containsExactly("a");

        wire.connection.context("someone else's");
        assertThatThrownBy(() -> wire.receive("b\n")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("MessageHandler");
    }

    @Test
    void closeResetsTheDecoder() {
        List<String> lines = new ArrayList<>();
        var wire = new Wire(new FramingHandler(() -> DelimiterFramer.lines(100), (c, f) -> {
            lines.add(text(f));
            return Action.KEEP;
        }));
        wire.receive("abcdef");
        wire.handler.onClose(wire.connection, null);
        // The same holder, reused after a close, must not trust what it scanned before.
        wire.buffer.clear();
        wire.receive("\nxxxxx\n");
        assertThat(lines).containsExactly("", "xxxxx");
    }
}
