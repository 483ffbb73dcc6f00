package dev.gannet.engine.nio;

import dev.gannet.engine.internal.LoopConnection;
import dev.gannet.engine.internal.SocketSetup;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A {@link NioConnection} apart from its I/O: a loop connection over a JDK socket channel, which gives the
 * addresses. Kept apart so that the connection's class holds only the reading, writing and closing.
 */
abstract class NioChannelConnection extends LoopConnection<NioLoop> {
    final SocketChannel channel;

    NioChannelConnection(NioLoop loop, SocketChannel channel) {
        super(loop);
        this.channel = channel;
    }

    @Override
    public SocketAddress remoteAddress() {
        return SocketSetup.remoteAddress(channel);
    }

    @Override
    public SocketAddress localAddress() {
        return SocketSetup.localAddress(channel);
    }
}
