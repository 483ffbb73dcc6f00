package dev.gannet.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** A plain blocking socket client for the transport tests: nothing of Gannet's is on the client side. */
final class TestClient implements AutoCloseable {
    final SocketChannel channel;

    TestClient(InetSocketAddress address) throws IOException {
        channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", address.getPort()));
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        // Read through the socket adaptor so that reads can time out instead of hanging a test.
        channel.socket().setSoTimeout(10_000);
    }

    void send(byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) channel.write(b);
    }

    void send(String s) throws IOException {
        send(s.getBytes(StandardCharsets.UTF_8));
    }

    byte[] read(int n) throws IOException {
        byte[] out = new byte[n];
        int off = 0;
        var in = channel.socket().getInputStream();
        while (off < n) {
            int r = in.read(out, off, n - off);
            if (r < 0) throw new EOFException("EOF after " + off + " of " + n + " bytes");
            off += r;
        }
        return out;
    }

    String readString(int n) throws IOException {
        return new String(read(n), StandardCharsets.UTF_8);
    }

    /** Reads until EOF; returns the bytes read, or throws on timeout. */
    byte[] readToEnd() throws IOException {
        return channel.socket().getInputStream().readAllBytes();
    }

    /** True when the server closed the connection (EOF or reset) within the socket timeout. */
    boolean closedByPeer() throws IOException {
        try {
            return channel.socket().getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    void timeout(int millis) throws IOException {
        channel.socket().setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
