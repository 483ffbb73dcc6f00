package dev.gannet.codec;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link Handler} that splits each connection's bytes into frames with a {@link FrameDecoder} and passes
 * them to a {@link MessageHandler}.
 *
 * <p>Decoders are stateful, so each connection gets its own from the supplier, in {@link #onOpen}. It lives
 * in a per-connection wrapper stored as the transport connection's context. The wrapper is also the
 * {@link Connection} the message handler sees: it forwards everything to the transport except
 * {@code context()}, which it keeps for the message handler. That way the handler uses contexts exactly as
 * without framing and cannot overwrite the decoder by accident; the only rule is not to set the context of
 * the transport's own connection (as returned by {@link Connection#unwrap()}).
 *
 * <p>On a {@link FrameException} the message handler's {@link MessageHandler#onFrameError} runs (by default
 * {@code connection.abort(error)}, so {@code onClose} sees the typed error rather than a generic handler
 * failure), the rest of the input is discarded and {@link Action#CLOSE} is returned. The exception is not
 * thrown out of {@code onData}: a peer's malformed input is not a bug in the handler and should not be logged
 * as one.
 */
public final class FramingHandler implements Handler {

    private final Supplier<? extends FrameDecoder> decoders;
    private final MessageHandler handler;

    public FramingHandler(Supplier<? extends FrameDecoder> decoders, MessageHandler handler) {
        this.decoders = Objects.requireNonNull(decoders, "decoders");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public Action onOpen(Connection connection) {
        return handler.onOpen(framed(connection));
    }

    @Override
    public Action onData(Connection connection, ByteBuffer in) {
        Framed framed = framed(connection);
        if (framed.failed) {
            // Whatever follows a framing error is garbage; drop it so the transport does not keep it.
            in.position(in.limit());
            return Action.CLOSE;
        }
        framed.result = Action.KEEP;
        try {
            framed.decoder.decode(in, framed);
        } catch (FrameException e) {
            framed.failed = true;
            in.position(in.limit());
            handler.onFrameError(framed, e);
            return Action.CLOSE;
        }
        return framed.result;
    }

    @Override
    public Action onEndOfInput(Connection connection) {
        return handler.onEndOfInput(framed(connection));
    }

    @Override
    public void onWritabilityChanged(Connection connection, boolean writable) {
        handler.onWritabilityChanged(framed(connection), writable);
    }

    @Override
    public Action onTick(Connection connection) {
        return handler.onTick(framed(connection));
    }

    @Override
    public Action onDrain(Connection connection) {
        return handler.onDrain(framed(connection));
    }

    @Override
    public void onClose(Connection connection, Throwable cause) {
        Framed framed = framed(connection);
        try {
            handler.onClose(framed, cause);
        } finally {
            framed.decoder.reset();
        }
    }

    /**
     * The wrapper for {@code connection}, created on first use: normally in {@code onOpen}, but a transport
     * may report a close for a connection whose open failed early.
     */
    private Framed framed(Connection connection) {
        Object context = connection.context();
        if (context instanceof Framed framed && framed.delegate == connection) return framed;
        if (context != null) {
            throw new IllegalStateException("the context of connection " + connection.id() + " was replaced by a "
                    + context.getClass().getName() + "; under FramingHandler, set the context of the Connection "
                    + "passed to the MessageHandler instead");
        }
        Framed framed = new Framed(connection, Objects.requireNonNull(decoders.get(), "decoder supplier returned null"));
        connection.context(framed);
        return framed;
    }

    /** Per-connection state, and the connection view given to the message handler. */
    private final class Framed implements Connection, FrameSink {
        final Connection delegate;
        final FrameDecoder decoder;
        /** What onData returns: the first non-KEEP action from onMessage. */
        Action result = Action.KEEP;
        boolean failed;
        /** Volatile because Connection methods may be called from any thread. */
        private volatile Object userContext;

        Framed(Connection delegate, FrameDecoder decoder) {
            this.delegate = delegate;
            this.decoder = decoder;
        }

        @Override
        public boolean onFrame(ByteBuffer frame) {
            Action action = handler.onMessage(this, frame);
            if (action != Action.KEEP) {
                result = action;
                return false;
            }
            // The handler may have closed the connection itself; frames after that have no one to answer.
            return delegate.isOpen();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T context() {
            return (T) userContext;
        }

        @Override
        public void context(Object context) {
            userContext = context;
        }

        @Override public long id() { return delegate.id(); }
        @Override public long eventTime() { return delegate.eventTime(); }
        @Override public SocketAddress remoteAddress() { return delegate.remoteAddress(); }
        @Override public SocketAddress localAddress() { return delegate.localAddress(); }
        @Override public void write(ByteBuffer src) { delegate.write(src); }
        @Override public void write(byte[] src, int offset, int length) { delegate.write(src, offset, length); }
        @Override public void write(byte[] src) { delegate.write(src); }
        @Override public void sendFile(FileChannel file, long position, long count, Runnable onSent) {
            delegate.sendFile(file, position, count, onSent);
        }
        @Override public void flush() { delegate.flush(); }
        @Override public boolean isWritable() { return delegate.isWritable(); }
        @Override public long pendingOutputBytes() { return delegate.pendingOutputBytes(); }
        @Override public void pauseReading() { delegate.pauseReading(); }
        @Override public void resumeReading() { delegate.resumeReading(); }
        @Override public void close() { delegate.close(); }
        @Override public void close(Throwable cause) { delegate.close(cause); }
        @Override public void abort(Throwable cause) { delegate.abort(cause); }
        @Override public void shutdownOutput() { delegate.shutdownOutput(); }
        @Override public boolean isOpen() { return delegate.isOpen(); }
        @Override public void execute(Runnable task) { delegate.execute(task); }
        @Override public Cancellable schedule(Runnable task, Duration delay) { return delegate.schedule(task, delay); }
        /** The transport's connection (or the one below it, for TLS): this wrapper is not a transport layer. */
        @Override public Connection unwrap() { return delegate.unwrap(); }
        @Override public String applicationProtocol() { return delegate.applicationProtocol(); }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
