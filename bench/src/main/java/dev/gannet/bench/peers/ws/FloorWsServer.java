package dev.gannet.bench.peers.ws;

import dev.gannet.bench.ws.ServerControl;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The floor of {@code bench ws}'s upgrade latency: not a WebSocket server but the least a server can do for a
 * handshake. One thread accepts, reads the request head with a blocking read, answers a fixed 101 with the right
 * Sec-WebSocket-Accept, and keeps the socket. Whatever latency this shows is the machine's (kernel, scheduler,
 * the load tool), which no real server can go under. It serves the connect phase only.
 */
public final class FloorWsServer {
    private static final byte[] GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11".getBytes(StandardCharsets.US_ASCII);

    private FloorWsServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        dev.gannet.engine.internal.FileTable.reserve();
        // A channel-backed socket, so that the reaper can watch it without a thread per connection.
        java.nio.channels.ServerSocketChannel channel = java.nio.channels.ServerSocketChannel.open();
        ServerSocket listener = channel.socket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(port), 1024);
        ServerControl.start();
        System.out.println("floor ws listening on port " + port);
        Reaper reaper = new Reaper();
        Thread.ofPlatform().daemon(true).name("floor-reaper").start(reaper);
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] buf = new byte[4096];
        while (true) {
            Socket s = channel.accept().socket();
            try {
                s.setTcpNoDelay(true);
                String key = readKey(s.getInputStream(), buf);
                sha1.reset();
                sha1.update(key.getBytes(StandardCharsets.US_ASCII));
                String accept = Base64.getEncoder().encodeToString(sha1.digest(GUID));
                s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                reaper.hold(s);
            } catch (IOException e) {
                s.close();
            }
        }
    }

    /**
     * Keeps upgraded sockets open, and closes the ones their client closed: the server may hold at most 20,000
     * files, and a run opens more than that over its phases.
     */
    private static final class Reaper implements Runnable {
        private final java.nio.channels.Selector selector;
        private final java.util.concurrent.ConcurrentLinkedQueue<Socket> added = new java.util.concurrent.ConcurrentLinkedQueue<>();

        Reaper() throws IOException {
            selector = java.nio.channels.Selector.open();
        }

        void hold(Socket s) {
            added.add(s);
            selector.wakeup();
        }

        @Override
        public void run() {
            java.nio.ByteBuffer sink = java.nio.ByteBuffer.allocate(4096);
            try {
                while (true) {
                    selector.select();
                    for (Socket s; (s = added.poll()) != null; ) {
                        var ch = s.getChannel();
                        ch.configureBlocking(false);
                        ch.register(selector, java.nio.channels.SelectionKey.OP_READ);
                    }
                    for (var key : selector.selectedKeys()) {
                        var ch = (java.nio.channels.SocketChannel) key.channel();
                        try {
                            if (ch.read(sink.clear()) < 0) ch.close();
                        } catch (IOException e) {
                            ch.close();
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Reads the head up to its blank line and returns the Sec-WebSocket-Key. */
    private static String readKey(InputStream in, byte[] buf) throws IOException {
        int got = 0;
        while (got < 4 || buf[got - 4] != '\r' || buf[got - 3] != '\n' || buf[got - 2] != '\r' || buf[got - 1] != '\n') {
            int r = in.read(buf, got, buf.length - got);
            if (r < 0 || got + r == buf.length) throw new IOException("no request head");
            got += r;
        }
        for (String line : new String(buf, 0, got, StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) return line.substring(18).trim();
        }
        throw new IOException("no Sec-WebSocket-Key");
    }
}
