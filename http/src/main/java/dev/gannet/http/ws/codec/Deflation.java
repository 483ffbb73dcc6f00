package dev.gannet.http.ws.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Compression of permessage-deflate (RFC 7692 7.2.1) for one connection and direction. The {@link Deflater} is made on
 * the first message; {@link #end} frees it. Each message is compressed whole and flushed with SYNC_FLUSH, whose
 * trailing empty stored block ends in 00 00 FF FF; those four bytes are cut off, as 7.2.1 says. Without
 * no_context_takeover the window carries over to the next message, which is what makes repeated messages small.
 * Not thread-safe.
 */
public final class Deflation {
    private static final int MIN = 256;
    private static final byte[] EMPTY = {};

    private final boolean noContextTakeover;
    private final int level;
    private Deflater deflater;
    private byte[] out;
    private ByteBuffer view;

    public Deflation(boolean noContextTakeover) {
        this(noContextTakeover, Deflater.DEFAULT_COMPRESSION);
    }

    /** @param level a {@link Deflater} level, e.g. {@link Deflater#BEST_SPEED} */
    public Deflation(boolean noContextTakeover, int level) {
        this.noContextTakeover = noContextTakeover;
        this.level = level;
    }

    /**
     * Compresses message (from its position to its limit; consumes it) and returns the payload of a frame with RSV1
     * set. The returned buffer is reused: it stays valid until the next compress or end.
     */
    public ByteBuffer compress(ByteBuffer message) {
        Deflater d = deflater;
        if (d == null) deflater = d = new Deflater(level, true);
        if (out == null || out.length > MessageBuffer.RETAIN && message.remaining() < MessageBuffer.RETAIN / 2) {
            // A buffer grown for a large message is dropped once messages are small again.
            out = new byte[Math.max(MIN, Math.min(message.remaining() + 64, MessageBuffer.RETAIN))];
            view = null;
        }
        d.setInput(message);
        int n = 0;
        while (true) {
            int got = d.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
            n += got;
            // Deflater's contract: a full output buffer means there may be more, so call again with more room.
            if (n < out.length) break;
            out = Arrays.copyOf(out, out.length * 2);
            view = null;
        }
        message.position(message.limit());
        if (noContextTakeover) d.reset();
        else d.setInput(EMPTY);
        // SYNC_FLUSH always ends with the empty stored block's 00 00 FF FF.
        if (n >= 4 && out[n - 4] == 0 && out[n - 3] == 0 && out[n - 2] == (byte) 0xFF && out[n - 1] == (byte) 0xFF) {
            n -= 4;
        }
        if (view == null) view = ByteBuffer.wrap(out);
        view.limit(n).position(0);
        return view;
    }

    public void end() {
        if (deflater != null) {
            deflater.end();
            deflater = null;
        }
        out = null;
        view = null;
    }
}
