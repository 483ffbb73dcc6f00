package dev.gannet.uring;

import dev.gannet.engine.internal.LoopConnection;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * A {@link UringConnection} apart from its I/O: a loop connection over a descriptor, with its addresses and the
 * loop's event time. Kept apart so that the connection's class holds only the receiving, sending and closing.
 */
abstract class UringChannelConnection extends LoopConnection<UringLoop> {
    final int fd;
    /** Set once the descriptor is closed: its addresses can no longer be asked for. */
    boolean released;
    private SocketAddress remote;
    private SocketAddress local;

    UringChannelConnection(UringLoop loop, int fd) {
        super(loop);
        this.fd = fd;
    }

    @Override
    public long eventTime() {
        long t = loop.watch.busySince;
        return t != 0 && loop.inLoop() ? t : System.nanoTime();
    }

    @Override
    public SocketAddress remoteAddress() {
        if (remote == null && !released) {
            try {
                remote = Sockets.remoteAddress(fd);
            } catch (IOException e) {
                return null;
            }
        }
        return remote;
    }

    @Override
    public SocketAddress localAddress() {
        if (local == null && !released) {
            try {
                local = Sockets.localAddress(fd);
            } catch (IOException e) {
                return null;
            }
        }
        return local;
    }
}
