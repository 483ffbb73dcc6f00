package dev.gannet.engine.vthread;

import dev.gannet.engine.SocketSetup;
import dev.gannet.transport.Connection;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a {@link VThreadConnection} is apart from its threads and its lock: its identity, channel and addresses,
 * the handler's context, and the plain socket operations its close uses. Kept apart so that the connection's class
 * holds the reading, writing and closing.
 */
abstract class VThreadChannelConnection implements Connection {
    private static final AtomicLong IDS = new AtomicLong();

    final long id = IDS.incrementAndGet();
    final long openedAt = System.nanoTime();
    final SocketChannel channel;
    private Object context;

    VThreadChannelConnection(SocketChannel channel) {
        this.channel = channel;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public SocketAddress remoteAddress() {
        return SocketSetup.remoteAddress(channel);
    }

    @Override
    public SocketAddress localAddress() {
        return SocketSetup.localAddress(channel);
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

    /** Closes the channel; a thread blocked in a read or write on it gets an AsynchronousCloseException. */
    final void closeChannel() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * Reads and drops input until the peer ends it, or {@code lingerNanos} pass. Then a plain close: what the kernel
     * still holds for a slow reader goes on to it.
     */
    final void discardInput(long lingerNanos) {
        long deadline = System.nanoTime() + lingerNanos;
        try {
            var in = channel.socket().getInputStream();
            byte[] scratch = new byte[4096];
            for (long left; (left = deadline - System.nanoTime()) > 0; ) {
                channel.socket().setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                if (in.read(scratch) < 0) return;
            }
        } catch (IOException e) {
            // timed out, reset or closed: the linger is over either way
        }
    }

    /** Whether the peer's input waits in the socket, not yet read. */
    final boolean inputWaiting() {
        try {
            return channel.socket().getInputStream().available() > 0;
        } catch (IOException e) {
            return false;
        }
    }
}
