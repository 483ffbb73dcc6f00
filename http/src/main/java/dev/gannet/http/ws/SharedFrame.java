package dev.gannet.http.ws;

import dev.gannet.http.ws.codec.FrameEncoder;
import dev.gannet.http.ws.codec.Opcodes;

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
        return new SharedFrame(FrameEncoder.frame(Opcodes.TEXT, false, payload, 0, payload.length), false);
    }

    /** A text frame from bytes already in UTF-8 (another node's message): no decode and re-encode on the way. */
    static SharedFrame textUtf8(byte[] payload) {
        return new SharedFrame(FrameEncoder.frame(Opcodes.TEXT, false, payload, 0, payload.length), false);
    }

    public static SharedFrame binary(byte[] payload) {
        return new SharedFrame(FrameEncoder.frame(Opcodes.BINARY, false, payload, 0, payload.length), true);
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
