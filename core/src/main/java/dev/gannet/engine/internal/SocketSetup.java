package dev.gannet.engine.internal;

import dev.gannet.transport.NativeSocketOptions;
import dev.gannet.transport.SocketOptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;

/** Applies {@link SocketOptions} to sockets; shared by the engines so they all honour the same options. */
public final class SocketSetup {
    private SocketSetup() {
    }

    /** Opens a bound, listening server socket in blocking mode. */
    public static ServerSocketChannel openListener(InetSocketAddress address, SocketOptions o) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, o.reuseAddress());
            if (o.reusePort()) ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            // Set before bind so that accepted sockets inherit it and the window scale is negotiated for it.
            if (o.receiveBufferSize() > 0) ch.setOption(StandardSocketOptions.SO_RCVBUF, o.receiveBufferSize());
            ch.bind(address, o.backlog());
            NativeSocketOptions.apply(ch, o);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Options for an accepted or connecting socket. */
    public static void configureConnection(NetworkChannel ch, SocketOptions o) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, o.tcpNoDelay());
        if (o.keepAlive()) ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        if (o.sendBufferSize() > 0) ch.setOption(StandardSocketOptions.SO_SNDBUF, o.sendBufferSize());
        if (o.receiveBufferSize() > 0) ch.setOption(StandardSocketOptions.SO_RCVBUF, o.receiveBufferSize());
    }

    /** The peer's address, or null once the socket is closed (a closed connection has none to report). */
    public static java.net.SocketAddress remoteAddress(java.nio.channels.SocketChannel ch) {
        try {
            return ch.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** The local address, or null once the socket is closed. */
    public static java.net.SocketAddress localAddress(NetworkChannel ch) {
        try {
            return ch.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
