package dev.gannet.http.ws;

import java.nio.charset.StandardCharsets;

/**
 * A server-to-client data frame encoded once and sent to many sockets (a broadcast): every recipient writes the same
 * bytes. It is never compressed, which RFC 7692 allows per message, so sockets with permessage-deflate share it too.
 */
public final class SharedFrame {
    final byte[] bytes;
    final boolean binary;

    private SharedFrame(byte[] bytes, boolean binary) {
        this.bytes = bytes;
        this.binary = binary;
    }

    public static SharedFrame text(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        return new SharedFrame(encode(0x1, payload), false);
    }

    public static SharedFrame binary(byte[] payload) {
        return new SharedFrame(encode(0x2, payload), true);
    }

    // TODO replace with FrameEncoder.frame once the codec lands
    private static byte[] encode(int opcode, byte[] p) {
        int h = p.length < 126 ? 2 : p.length < 65536 ? 4 : 10;
        byte[] f = new byte[h + p.length];
        f[0] = (byte) (0x80 | opcode);
        if (h == 2) f[1] = (byte) p.length;
        else if (h == 4) { f[1] = 126; f[2] = (byte) (p.length >>> 8); f[3] = (byte) p.length; }
        else { f[1] = 127; for (int i = 0; i < 8; i++) f[2 + i] = (byte) ((long) p.length >>> (56 - 8 * i)); }
        System.arraycopy(p, 0, f, h, p.length);
        return f;
    }

    /** The payload, without the header: for a client, which has to mask it. */
    java.nio.ByteBuffer payload() {
        int len7 = bytes[1] & 0x7f;
        int header = len7 < 126 ? 2 : len7 == 126 ? 4 : 10;
        return java.nio.ByteBuffer.wrap(bytes, header, bytes.length - header).slice();
    }

    /** The encoded frame's length on the wire. */
    public int length() {
        return bytes.length;
    }
}
