package dev.gannet.bench.ws;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A blocking, single-connection WebSocket client for the orchestrator's own small jobs: warming a server up before its
 * memory is measured, and publishing the broadcast messages. The load itself comes from {@link WsLoad}.
 */
final class WsClient implements Closeable {
    private final SocketChannel ch;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    private final ByteBuffer out = ByteBuffer.allocate(64 * 1024 + 14);

    private WsClient(SocketChannel ch) {
        this.ch = ch;
    }

    static WsClient connect(InetSocketAddress server, String path) throws IOException {
        SocketChannel ch = SocketChannel.open(server);
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            WsClient c = new WsClient(ch);
            String key = WsFrames.newKey();
            ByteBuffer req = ByteBuffer.wrap(WsFrames.upgradeRequest(
                    server.getHostString() + ":" + server.getPort(), path, key));
            while (req.hasRemaining()) ch.write(req);
            int end;
            while ((end = WsFrames.headEnd(c.in, 0, c.in.position())) < 0) {
                if (!c.in.hasRemaining() || ch.read(c.in) < 0) throw new IOException("no upgrade response");
            }
            String head = new String(c.in.array(), 0, end, StandardCharsets.ISO_8859_1);
            String wrong = WsFrames.checkUpgrade(head, key);
            if (wrong != null) throw new IOException(path + ": " + wrong);
            // Frames that came with the head stay in the buffer, compacted to its start.
            c.in.flip().position(end);
            c.in.compact();
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    void sendText(String text) throws IOException {
        send(WsFrames.TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    synchronized void send(int opcode, byte[] payload) throws IOException {
        out.clear();
        WsFrames.putMasked(out, opcode, payload, 0, payload.length);
        out.flip();
        while (out.hasRemaining()) ch.write(out);
    }

    /** The payload of the next text or binary frame (pings are answered); null when the server closed. */
    byte[] readMessage() throws IOException {
        while (true) {
            int avail = in.position();
            int hs = WsFrames.headerSize(in, 0, avail);
            if (hs > 0) {
                long len = WsFrames.payloadLength(in, 0);
                if (hs + len > in.capacity()) throw new IOException("frame too large: " + len);
                if (avail >= hs + len) {
                    int opcode = WsFrames.opcode(in, 0);
                    byte[] payload = new byte[(int) len];
                    in.get(hs, payload);
                    in.flip().position(hs + (int) len);
                    in.compact();
                    switch (opcode) {
                        case WsFrames.TEXT, WsFrames.BINARY -> {
                            return payload;
                        }
                        case WsFrames.PING -> send(WsFrames.PONG, payload);
                        case WsFrames.CLOSE -> {
                            return null;
                        }
                        default -> { }
                    }
                    continue;
                }
            }
            if (ch.read(in) < 0) return null;
        }
    }

    /** Sends a close frame (1000) and closes the socket without waiting for the answer. */
    @Override
    public void close() throws IOException {
        try {
            send(WsFrames.CLOSE, new byte[] {0x03, (byte) 0xe8});
        } catch (IOException e) {
            // Already gone: closing is all that is left.
        } finally {
            ch.close();
        }
    }
}
