package dev.gannet.bench.peers.ws;

import dev.gannet.bench.ws.ServerControl;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

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
        dev.gannet.engine.FileTable.reserve();
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(port), 1024);
        ServerControl.start();
        System.out.println("floor ws listening on port " + port);
        List<Socket> held = new ArrayList<>();
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        byte[] buf = new byte[4096];
        while (true) {
            Socket s = listener.accept();
            try {
                s.setTcpNoDelay(true);
                String key = readKey(s.getInputStream(), buf);
                sha1.reset();
                sha1.update(key.getBytes(StandardCharsets.US_ASCII));
                String accept = Base64.getEncoder().encodeToString(sha1.digest(GUID));
                s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                held.add(s);
            } catch (IOException e) {
                s.close();
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
