package dev.gannet.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The response to one request. One object per connection, reset between requests: setting a status and headers and
 * sending a byte[] body allocates nothing. Exactly one {@code send}/{@code text}/{@code json} per request; a handler
 * that sends nothing gets an empty body with the status it set.
 */
public final class Response {
    private static final byte[] SERVER = "Server: gannet\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_TYPE = "Content-Type: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION_KEEP_ALIVE = "Connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COLON = {':', ' '};
    private static final byte[][] STATUS_LINES = new byte[600][];
    static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    static final String APPLICATION_JSON = "application/json";
    /** Bodies up to this size are copied next to the head so the response goes out as one write. */
    private static final int INLINE_BODY = 8192;

    private final HttpExchange exchange;
    private int status = 200;
    private String contentType;
    private String[] names = new String[8];
    private String[] values = new String[8];
    private int headerCount;
    private boolean sent;
    private boolean close;
    private BodyFilter filter;
    private java.util.function.Consumer<Response> beforeHead;
    private ChunkedOutput stream;

    /**
     * Rewrites a whole body before it is sent (compression, say). It may add headers to the response. Return
     * {@code null} to leave the body as it is. Not applied to {@link #sendFile}.
     */
    @FunctionalInterface
    public interface BodyFilter {
        byte[] apply(Response response, byte[] body, int offset, int length) throws IOException;
    }

    Response(HttpExchange exchange) {
        this.exchange = exchange;
    }

    void reset() {
        status = 200;
        contentType = null;
        for (int i = 0; i < headerCount; i++) names[i] = values[i] = null;
        headerCount = 0;
        sent = false;
        close = false;
        filter = null;
        beforeHead = null;
        stream = null;
    }

    /** Sets the filter the body of this response goes through, replacing any other. */
    public Response bodyFilter(BodyFilter f) {
        this.filter = f;
        return this;
    }

    /** The body filter set so far, or null. */
    public BodyFilter bodyFilter() {
        return filter;
    }

    /**
     * Adds a body filter in front of those already set: the one added last (closest to the handler) sees the body
     * first, and the first added (the outermost middleware, say compression) sees what all the others made.
     */
    public Response addBodyFilter(BodyFilter f) {
        BodyFilter outer = filter;
        if (outer == null) {
            filter = f;
        } else {
            filter = (r, body, offset, length) -> {
                byte[] inner = f.apply(r, body, offset, length);
                if (inner == null) return outer.apply(r, body, offset, length);
                byte[] out = outer.apply(r, inner, 0, inner.length);
                return out != null ? out : inner;
            };
        }
        return this;
    }

    /**
     * Runs {@code hook} just before the head is written, for every kind of body (files included): the place to add
     * headers that depend on what the handler did. Hooks run in the order added.
     */
    public Response beforeHead(java.util.function.Consumer<Response> hook) {
        java.util.function.Consumer<Response> prev = beforeHead;
        beforeHead = prev == null ? hook : prev.andThen(hook);
        return this;
    }

    /** The content type set so far, or null. */
    public String contentType() {
        return contentType;
    }

    /** How many headers were added so far; with {@link #truncateHeaders} a caller can undo what came after. */
    public int headerCount() {
        return headerCount;
    }

    /** Drops the headers added after the first {@code count}. */
    public Response truncateHeaders(int count) {
        for (int i = count; i < headerCount; i++) names[i] = values[i] = null;
        headerCount = Math.min(headerCount, Math.max(0, count));
        return this;
    }

    public Response status(int status) {
        if (status < 100 || status > 599) throw new IllegalArgumentException("status " + status);
        this.status = status;
        return this;
    }

    public int status() {
        return status;
    }

    public Response contentType(String type) {
        this.contentType = type;
        return this;
    }

    /** Adds a header. Content-Length, Date, Server and Connection are set by the server. */
    public Response header(String name, String value) {
        if (headerCount == names.length) {
            names = Arrays.copyOf(names, headerCount * 2);
            values = Arrays.copyOf(values, headerCount * 2);
        }
        names[headerCount] = name;
        values[headerCount++] = value;
        return this;
    }

    /** The value of a header added to this response, or null. */
    public String header(String name) {
        for (int i = 0; i < headerCount; i++) if (names[i].equalsIgnoreCase(name)) return values[i];
        return null;
    }

    /** Closes the connection after this response. */
    public Response closeConnection() {
        close = true;
        return this;
    }

    boolean closeRequested() {
        return close;
    }

    public boolean isSent() {
        return sent;
    }

    public void send(byte[] body) {
        send(body, 0, body.length);
    }

    public void send(byte[] body, int offset, int length) {
        if (sent) throw new IllegalStateException("the response was already sent");
        // Filters run before the response counts as sent: if one throws, an error answer can still go out.
        if (filter != null) {
            byte[] filtered = applyFilter(body, offset, length);
            if (filtered != null) {
                body = filtered;
                offset = 0;
                length = filtered.length;
            }
        }
        begin();
        ByteSink s = ByteSink.forThread();
        writeHead(s, length);
        boolean withBody = !exchange.isHeadRequest();
        if (withBody && length <= INLINE_BODY) {
            s.write(body, offset, length);
            exchange.emit(s.buf, 0, s.len);
        } else {
            exchange.emit(s.buf, 0, s.len);
            if (withBody) exchange.emit(body, offset, length);
        }
    }

    /** A text body, UTF-8; Content-Type text/plain unless one was set. */
    public void text(String body) {
        if (contentType == null) contentType = TEXT_PLAIN;
        send(body.getBytes(StandardCharsets.UTF_8));
    }

    public void html(String body) {
        if (contentType == null) contentType = "text/html; charset=utf-8";
        send(body.getBytes(StandardCharsets.UTF_8));
    }

    /** Serializes {@code value} with the server's {@link JsonMapper} straight into the response buffer. */
    public void json(Object value) throws IOException {
        if (sent) throw new IllegalStateException("the response was already sent");
        if (contentType == null) contentType = APPLICATION_JSON;
        // The body is written first, after room for the head, so the length is known without a second copy.
        ByteSink body = ByteSink.bodyForThread();
        exchange.json().write(value, body);
        if (filter != null) {
            byte[] filtered = applyFilter(body.buf, 0, body.len);
            if (filtered != null) {
                body.len = 0;
                body.write(filtered);
            }
        }
        begin();
        ByteSink s = ByteSink.forThread();
        writeHead(s, body.len);
        if (!exchange.isHeadRequest()) s.write(body.buf, 0, body.len);
        exchange.emit(s.buf, 0, s.len);
    }

    /**
     * Sends {@code count} bytes of a file from {@code position}, zero-copy (sendfile) on plain connections. The
     * channel is closed once sent, or at once when the connection closes, is reset or aborted first: the transport
     * hands every queued file back ({@code Connection.sendFile}'s completion runs either way).
     */
    public void sendFile(java.nio.channels.FileChannel file, long position, long count) {
        begin();
        ByteSink s = ByteSink.forThread();
        writeHead(s, count);
        exchange.emit(s.buf, 0, s.len);
        if (exchange.isHeadRequest() || count == 0) {
            closeQuietly(file);
            return;
        }
        exchange.connection.sendFile(file, position, count, () -> closeQuietly(file));
    }

    private static void closeQuietly(java.nio.channels.FileChannel f) {
        try {
            f.close();
        } catch (IOException ignored) {
            // read-only file; nothing to flush
        }
    }

    /**
     * Starts a body of unknown length, sent with chunked transfer coding as it is written: each {@code write} (or
     * {@code flush}) goes out as a chunk, and {@code close()} ends the body. Body filters do not apply. From a blocking
     * route the chunks reach the client while the handler is still running.
     */
    public java.io.OutputStream stream() {
        begin();
        // HTTP/1.0 has no chunked coding: the body ends when the connection closes.
        if (exchange.isHttp10()) close = true;
        ByteSink s = ByteSink.forThread();
        writeHead(s, -1);
        exchange.emit(s.buf, 0, s.len);
        stream = new ChunkedOutput(exchange.isHttp10());
        return stream;
    }

    /** Whether {@link #stream()} started a body that is still open. */
    boolean streaming() {
        return stream != null;
    }

    /** Ends a body stream the handler left open, so the client is not left waiting. */
    void finishStream() {
        if (stream != null) stream.close();
        stream = null;
    }

    /** Writes chunks straight to the connection; buffers small writes up to a chunk so each is not its own frame. */
    private final class ChunkedOutput extends java.io.OutputStream {
        private final byte[] buf = new byte[8192];
        private final boolean raw;
        private int len;
        private boolean closed;

        ChunkedOutput(boolean raw) {
            this.raw = raw;
        }

        @Override
        public void write(int b) throws IOException {
            if (len == buf.length) flush();
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) throws IOException {
            if (closed) throw new IOException("the response body stream is closed");
            if (n > buf.length - len) {
                flush();
                if (n >= buf.length) {
                    chunk(b, off, n);
                    return;
                }
            }
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }

        @Override
        public void flush() {
            if (len > 0) chunk(buf, 0, len);
            len = 0;
        }

        private void chunk(byte[] b, int off, int n) {
            if (exchange.isHeadRequest()) return;
            if (raw) {
                exchange.emit(b, off, n);
                return;
            }
            byte[] size = (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            exchange.emit(size, 0, size.length);
            exchange.emit(b, off, n);
            exchange.emit(CRLF, 0, 2);
        }

        @Override
        public void close() {
            if (closed) return;
            flush();
            closed = true;
            if (!exchange.isHeadRequest() && !raw) exchange.emit(LAST_CHUNK, 0, LAST_CHUNK.length);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * Hands the connection over to another protocol once this response is out (a 101 for a WebSocket, an open-ended
     * 200 for server-sent events): its later bytes and events go to the {@link Takeover} the factory makes, on the
     * connection's owner thread. If the response asked to close the connection, the hand-over happens only for an
     * open {@link #stream()} body, which then ends when the connection closes (HTTP/1.0, Connection: close).
     */
    public void takeover(java.util.function.Function<dev.gannet.transport.Connection, Takeover> factory) {
        exchange.takeover = factory;
    }

    /** The connection this response goes out on: for protocols that take it over. */
    public dev.gannet.transport.Connection connection() {
        return exchange.connection;
    }

    /** Sends the status with an empty body (or a short text body for errors). */
    public void end() {
        send(new byte[0], 0, 0);
    }

    private byte[] applyFilter(byte[] body, int offset, int length) {
        BodyFilter f = filter;
        filter = null;
        try {
            return f.apply(this, body, offset, length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void begin() {
        if (sent) throw new IllegalStateException("the response was already sent");
        sent = true;
    }

    private void writeHead(ByteSink s, long length) {
        if (beforeHead != null) {
            var hook = beforeHead;
            beforeHead = null;
            hook.accept(this);
        }
        s.write(statusLine(status));
        s.write(SERVER);
        s.write(DateHeader.line(exchange.connection.eventTime()));
        if (contentType != null) {
            s.write(CONTENT_TYPE);
            s.ascii(contentType);
            s.crlf();
        }
        for (int i = 0; i < headerCount; i++) {
            s.ascii(names[i]);
            s.write(COLON);
            s.ascii(values[i]);
            s.crlf();
        }
        if (status >= 200 && status != 204 && status != 304) {
            if (length < 0) {
                if (!exchange.isHttp10()) s.write(CHUNKED);
            } else {
                s.write(CONTENT_LENGTH);
                s.decimal(length);
                s.crlf();
            }
        }
        if (close || !exchange.keepAlive()) {
            close = true;
            s.write(CONNECTION_CLOSE);
        } else if (exchange.isHttp10()) {
            s.write(CONNECTION_KEEP_ALIVE);
        }
        s.crlf();
    }

    static byte[] statusLine(int status) {
        byte[] line = STATUS_LINES[status];
        if (line == null) {
            line = ("HTTP/1.1 " + status + " " + HttpStatus.reason(status) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            STATUS_LINES[status] = line;
        }
        return line;
    }
}
