package dev.gannet.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * One TCP connection, owned for its whole life by one thread of its engine.
 *
 * <p>Writes are copied into pooled off-heap buffers and flushed together once per loop turn (or once per
 * {@link Handler#onData} on the vthread engine). Every method may be called from any thread; calls from
 * outside the owner are handed to it, which costs a task and a copy, so the hot path stays on the owner.
 */
public interface Connection extends Executor {

    /** A number unique within the process. */
    long id();

    SocketAddress remoteAddress();

    SocketAddress localAddress();

    /** The handler's per-connection state. */
    <T> T context();

    void context(Object context);

    /** Queues the remaining bytes of {@code src} (copied; {@code src} is consumed). */
    void write(ByteBuffer src);

    void write(byte[] src, int offset, int length);

    default void write(byte[] src) {
        write(src, 0, src.length);
    }

    /**
     * Sends {@code count} bytes of a file from {@code position} without copying them through user space
     * (sendfile) when the connection carries no filter such as TLS.
     *
     * <p>{@code onDone} (may be null) runs exactly once, on the owner thread: when the bytes were handed to the
     * kernel, or when the region is dropped unsent because the connection closed, was aborted or reset, or was
     * already closed when this was called. The caller closes {@code file} there (or reuses it): the transport never
     * closes it, and never keeps it past that call.
     */
    void sendFile(FileChannel file, long position, long count, Runnable onDone);

    /** Asks for a flush now instead of at the end of the turn. */
    void flush();

    /** False while pending output is above the high water mark. */
    boolean isWritable();

    /** Bytes queued and not yet accepted by the kernel. */
    long pendingOutputBytes();

    /** Stops reading until {@link #resumeReading()}; the peer's data waits in the kernel. */
    void pauseReading();

    void resumeReading();

    /**
     * Flushes pending output, then closes. A peer that does not read cannot hold this up for long: when the server's
     * close timeout passes without the peer taking any of the output still queued, the connection is reset and the
     * output dropped; a slow peer that still reads gets all of it. Input that
     * arrives then is read and discarded for a short while (until the peer's end of input, at most a second),
     * after the output side was shut down, so that unread input does not turn the close into a reset.
     */
    void close();

    /**
     * Flushes pending output, then closes with {@code cause} as the reason: {@link Handler#onClose} gets it, and
     * the engine counts and logs it as it does a protocol error thrown by a callback. For a layer that finds an
     * error outside a callback (TLS, after a delegated handshake task) and still has a reply to send, such as an
     * alert. A null cause is a plain close; so is the default, for connections that keep no cause.
     */
    default void close(Throwable cause) {
        close();
    }

    /** Closes now, dropping pending output; the peer sees a reset. */
    void abort(Throwable cause);

    /** Flushes pending output, then shuts down the output side (sends FIN) and keeps reading. */
    void shutdownOutput();

    boolean isOpen();

    /** Runs {@code task} on the connection's owner thread. */
    @Override
    void execute(Runnable task);

    /** Runs {@code task} on the owner thread after {@code delay}; the returned handle cancels it. */
    Cancellable schedule(Runnable task, Duration delay);

    /**
     * A {@link System#nanoTime()} from when the engine began handling the current event: an event loop reads the
     * clock once per batch of ready connections, so this costs no clock read, and it is at most one batch old.
     * For timing requests and timeouts; off the owner thread it is simply the current time.
     */
    default long eventTime() {
        return System.nanoTime();
    }

    /**
     * Whether the calling code runs as the connection's owner (its event loop, or holding a virtual-thread
     * connection's lock): then its methods act at once instead of re-entering through {@link #execute}. False when
     * unknown, which is always safe.
     */
    default boolean isOwnerThread() {
        return false;
    }

    /**
     * The executor that owns this connection. Every connection served by one event loop returns the same object, so
     * work for many connections can be grouped per loop (a broadcast posts one task per loop, not one per
     * connection). An engine without shared loops returns the connection itself.
     */
    default Executor loop() {
        return this;
    }

    /** The transport below this connection (the raw socket connection for a TLS connection). */
    default Connection unwrap() {
        return this;
    }

    /** The ALPN protocol agreed on, or null (plain connections and TLS without ALPN). */
    default String applicationProtocol() {
        return null;
    }

    /** Something that can be cancelled, such as a scheduled task. */
    interface Cancellable {
        boolean cancel();
    }

    /** Thrown into {@link Handler#onClose} when the idle timeout closes a connection. */
    final class IdleTimeoutException extends IOException {
        public IdleTimeoutException(Duration timeout) {
            super("idle for " + timeout.toMillis() + " ms", null);
        }
    }
}
