package dev.gannet.engine.nio;

import dev.gannet.buffer.CorkableChannel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A socket's descriptor as a channel for the outbound buffer's gathering writes, through {@link SocketIo}. */
final class DescriptorSink implements CorkableChannel {
    private final SocketIo io;
    private final int fd;
    private final SocketChannel channel;

    DescriptorSink(SocketIo io, int fd, SocketChannel channel) {
        this.io = io;
        this.fd = fd;
        this.channel = channel;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return io.write(fd, src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return io.write(fd, srcs, offset, length, false);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length, boolean more) throws IOException {
        return io.write(fd, srcs, offset, length, more);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        // The connection closes the channel, which owns the descriptor.
    }
}
