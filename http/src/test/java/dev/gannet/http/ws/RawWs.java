package dev.gannet.http.ws;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** A raw WebSocket client for the conformance tests: exact frames out (masked or not), frames read back. */
final class RawWs implements AutoCloseable {
    final Socket socket;
    final DataInputStream in;
    String responseHead;

    RawWs(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
    }

    /** Connects and upgrades on {@code path}; extra header lines (each ending in CRLF) go into the request. */
    static RawWs open(int port, String path, String extraHeaders) throws IOException {
        RawWs ws = new RawWs(port);
        ws.raw(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        ws.responseHead = ws.readHead();
        if (!ws.responseHead.startsWith("HTTP/1.1 101")) throw new IOException("no upgrade: " + ws.responseHead);
        return ws;
    }

    String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) throw new IOException("EOF in response head after: " + head);
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    RawWs raw(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** A client frame, masked with a random key. */
    RawWs frame(boolean fin, int rsv, int opcode, byte[] payload) throws IOException {
        return raw(encode(fin, rsv, opcode, payload, true));
    }

    static byte[] encode(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | (rsv << 4) | opcode);
        int m = masked ? 0x80 : 0;
        int n = payload.length;
        if (n < 126) {
            out.write(m | n);
        } else if (n < 65536) {
            out.write(m | 126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(m | 127);
            for (int i = 7; i >= 0; i--) out.write((int) ((long) n >>> (8 * i)));
        }
        byte[] key = new byte[4];
        ThreadLocalRandom.current().nextBytes(key);
        if (masked) out.write(key, 0, 4);
        for (int i = 0; i < n; i++) out.write(masked ? payload[i] ^ key[i & 3] : payload[i]);
        return out.toByteArray();
    }

    RawWs text(String s) throws IOException {
        return frame(true, 0, 1, s.getBytes(StandardCharsets.UTF_8));
    }

    /** One server frame; the server must not mask. */
    Frame read() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        if ((b1 & 0x80) != 0) throw new IOException("the server masked a frame");
        long len = b1 & 0x7f;
        if (len == 126) len = in.readUnsignedShort();
        else if (len == 127) len = in.readLong();
        byte[] p = new byte[(int) len];
        in.readFully(p);
        return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 7, b0 & 0x0f, p);
    }

    /** Reads until a close frame and returns its code (1005 for an empty body). */
    int readCloseCode() throws IOException {
        while (true) {
            Frame f = read();
            if (f.opcode == 8) return f.payload.length >= 2 ? ((f.payload[0] & 0xff) << 8) | (f.payload[1] & 0xff) : 1005;
        }
    }

    /** Whether the server closed the TCP connection (EOF) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) return true;
            }
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }
}
