package dev.gannet.http;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs an {@link HttpServer}'s routes with no socket: raw request bytes in, raw response bytes out, through the same
 * parser, router, middleware and encoder as a real connection. For tests ({@code string in, string out}) and for
 * benchmarks of the request path without the kernel.
 *
 * <pre>{@code
 * LocalConnector local = LocalConnector.of(app);
 * String response = local.request("GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n");
 * }</pre>
 *
 * One connector is one connection: calls on it must not overlap.
 */
public final class LocalConnector {
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon(true).name("gannet-local-timer").factory());

    private final HttpTransportHandler handler;
    private final LocalConnection connection = new LocalConnection();
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0).asReadOnlyBuffer();
    private ByteBuffer pending = EMPTY;

    private LocalConnector(HttpTransportHandler handler) {
        this.handler = handler;
        handler.onOpen(connection);
    }

    /** A connector for the routes of {@code app} (which then cannot take new routes). */
    public static LocalConnector of(HttpServer app) {
        return new LocalConnector(app.handler());
    }

    /** Sends {@code raw} (one or more requests) and returns everything answered, waiting for blocking routes. */
    public String request(String raw) {
        ByteBuffer in = ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1));
        while (true) {
            feed(in);
            awaitIdle();
            // A blocking route leaves the requests behind it unread until it is done: hand them over now.
            int left = pending.remaining();
            if (left == 0 || !connection.open) break;
            in = EMPTY;
            feed(in);
            awaitIdle();
            if (pending.remaining() == left) break; // an incomplete request: wait for more input
        }
        return connection.takeOutput();
    }

    private void awaitIdle() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpExchange x = connection.context();
        while (x.blockingInFlight() && System.nanoTime() < deadline) Thread.onSpinWait();
    }

    /**
     * Hands {@code in} to the server as if it had arrived on the socket; unconsumed bytes are kept for the next call,
     * as the transport does. Returns the transport action (CLOSE once the server closed this connection).
     */
    public Action feed(ByteBuffer in) {
        ByteBuffer data = in;
        if (pending.hasRemaining()) {
            data = ByteBuffer.allocate(pending.remaining() + in.remaining()).put(pending).put(in).flip();
        }
        Action a = handler.onData(connection, data);
        pending = data.hasRemaining() ? ByteBuffer.allocate(data.remaining()).put(data).flip() : EMPTY;
        if (a != Action.KEEP) connection.open = false;
        return a;
    }

    /** Drops what was answered so far (benchmarks call this between iterations). */
    public void clearOutput() {
        connection.clear();
    }

    /** Bytes answered since the last {@link #clearOutput()} or {@link #request}. */
    public int outputLength() {
        return connection.length();
    }

    /** Whether the server kept the connection open. */
    public boolean isOpen() {
        return connection.open;
    }

    /** A connection whose output is a growable buffer; everything runs on the caller's thread. */
    private static final class LocalConnection implements Connection {
        private final ByteSink out = new ByteSink(4096);
        private Object context;
        volatile boolean open = true;

        synchronized String takeOutput() {
            String s = new String(out.buf, 0, out.len, StandardCharsets.ISO_8859_1);
            out.len = 0;
            return s;
        }

        synchronized void clear() {
            out.len = 0;
        }

        synchronized int length() {
            return out.len;
        }

        @Override
        public long id() {
            return 0;
        }

        @Override
        public SocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 0);
        }

        @Override
        public SocketAddress localAddress() {
            return new InetSocketAddress("127.0.0.1", 0);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T context() {
            return (T) context;
        }

        @Override
        public void context(Object context) {
            this.context = context;
        }

        @Override
        public synchronized void write(ByteBuffer src) {
            out.write(src);
        }

        @Override
        public synchronized void write(byte[] src, int offset, int length) {
            out.write(src, offset, length);
        }

        @Override
        public void sendFile(FileChannel file, long position, long count, Runnable onSent) {
            try {
                ByteBuffer b = ByteBuffer.allocate((int) count);
                while (b.hasRemaining() && file.read(b, position + b.position()) > 0) {
                    // read until the range is in
                }
                write(b.flip());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                if (onSent != null) onSent.run();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public long pendingOutputBytes() {
            return 0;
        }

        @Override
        public void pauseReading() {
        }

        @Override
        public void resumeReading() {
        }

        @Override
        public void close() {
            open = false;
        }

        @Override
        public void abort(Throwable cause) {
            open = false;
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            var f = TIMERS.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        }
    }
}
