package dev.gannet.http.ws.codec;

/** Frame opcodes of RFC 6455 5.2; the others (3-7, 11-15) are reserved and rejected by the decoder. */
public final class Opcodes {
    public static final int CONTINUATION = 0;
    public static final int TEXT = 1;
    public static final int BINARY = 2;
    public static final int CLOSE = 8;
    public static final int PING = 9;
    public static final int PONG = 10;

    private Opcodes() {
    }

    /** Control frames are those with the high bit of the opcode set (RFC 6455 5.5). */
    public static boolean isControl(int opcode) {
        return (opcode & 0x08) != 0;
    }
}
