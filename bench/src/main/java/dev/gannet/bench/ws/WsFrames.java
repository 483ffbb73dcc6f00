package dev.gannet.bench.ws;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client half of RFC 6455 that {@link WsClient} (the bench's warm-up and broadcast publisher) needs: the
 * upgrade request, the check of the server's answer, masked frames out (a client must mask), and the header of the
 * unmasked frames that come back.
 */
final class WsFrames {
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WsFrames() {}

    /** A fresh random 16-byte key, base64: every handshake gets its own, as a browser's does. */
    static String newKey() {
        byte[] k = new byte[16];
        ThreadLocalRandom.current().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    /** The Sec-WebSocket-Accept a correct server answers to {@code key}. */
    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The upgrade request; no extensions are offered, so no server may compress. */
    static byte[] upgradeRequest(String hostPort, String path, String key) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + hostPort + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** Where the response head ends (just past CRLFCRLF) in {@code b[from, to)}, or -1. */
    static int headEnd(ByteBuffer b, int from, int to) {
        for (int i = Math.max(from, 3); i < to; i++) {
            if (b.get(i) == '\n' && b.get(i - 1) == '\r' && b.get(i - 2) == '\n' && b.get(i - 3) == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    /** Null when {@code head} is a 101 with the right accept value, else what is wrong with it. */
    static String checkUpgrade(String head, String key) {
        if (!head.startsWith("HTTP/1.1 101")) {
            int eol = head.indexOf('\r');
            return "not 101: " + (eol > 0 ? head.substring(0, eol) : head);
        }
        String want = accept(key);
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
                return line.substring(colon + 1).trim().equals(want) ? null : "wrong Sec-WebSocket-Accept";
            }
        }
        return "no Sec-WebSocket-Accept";
    }

    /** The size of a masked client frame carrying {@code len} payload bytes. */
    static int maskedSize(int len) {
        return (len < 126 ? 2 : len < 65536 ? 4 : 10) + 4 + len;
    }

    /** Appends one final, masked frame to {@code out} (which must have room: see {@link #maskedSize}). */
    static void putMasked(ByteBuffer out, int opcode, byte[] payload, int off, int len) {
        out.put((byte) (0x80 | opcode));
        if (len < 126) {
            out.put((byte) (0x80 | len));
        } else if (len < 65536) {
            out.put((byte) (0x80 | 126)).putShort((short) len);
        } else {
            out.put((byte) (0x80 | 127)).putLong(len);
        }
        int mask = ThreadLocalRandom.current().nextInt();
        out.putInt(mask);
        for (int i = 0; i < len; i++) {
            out.put((byte) (payload[off + i] ^ (mask >>> (24 - 8 * (i & 3)))));
        }
    }

    /**
     * The header size of the server frame starting at {@code p}, if {@code avail} bytes hold the whole header: 2, 4
     * or 10; 0 when more bytes are needed. The payload length is then {@link #payloadLength}.
     */
    static int headerSize(ByteBuffer b, int p, int avail) {
        if (avail < 2) return 0;
        int len7 = b.get(p + 1) & 0x7f;
        int size = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
        return avail >= size ? size : 0;
    }

    static long payloadLength(ByteBuffer b, int p) {
        int len7 = b.get(p + 1) & 0x7f;
        return len7 < 126 ? len7 : len7 == 126 ? b.getShort(p + 2) & 0xffff : b.getLong(p + 2);
    }

    static int opcode(ByteBuffer b, int p) {
        return b.get(p) & 0x0f;
    }
}
