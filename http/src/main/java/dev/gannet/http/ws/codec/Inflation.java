package dev.gannet.http.ws.codec;

import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompression state of permessage-deflate (RFC 7692 7.2.2) for one connection and direction. The user of the codec
 * creates it once the extension is agreed and passes it to the {@link MessageDecoder}; the {@link Inflater} (tens of
 * kilobytes of native memory) is made only when the first compressed message arrives. With no_context_takeover the
 * inflater is reset after each message, otherwise the LZ77 window carries over. {@link #end} frees it. Not
 * thread-safe.
 */
public final class Inflation {
    /** RFC 7692 7.2.2: the sender strips these four bytes of the final empty block; the receiver puts them back. */
    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};
    private static final byte[] EMPTY = {};

    private final boolean noContextTakeover;
    private final int maxMessageSize;
    private Inflater inflater;
    private String error;

    /** @param maxMessageSize the most bytes one message may inflate to (more is 1009) */
    public Inflation(boolean noContextTakeover, int maxMessageSize) {
        if (maxMessageSize < 0) throw new IllegalArgumentException("maxMessageSize " + maxMessageSize);
        this.noContextTakeover = noContextTakeover;
        this.maxMessageSize = maxMessageSize;
    }

    public int maxMessageSize() {
        return maxMessageSize;
    }

    public boolean noContextTakeover() {
        return noContextTakeover;
    }

    /** Frees the native inflater; a later message would make a new one, without the old context. */
    public void end() {
        if (inflater != null) {
            inflater.end();
            inflater = null;
        }
    }

    /** Why the last call returned a close code. */
    String error() {
        return error;
    }

    /**
     * Inflates all of src (position to limit; its position ends at the limit) onto out. Returns 0, or the close
     * code to fail with: 1009 when out would pass {@code limit}, 1007 for data that is not DEFLATE.
     */
    int inflate(ByteBuffer src, MessageBuffer out, int limit) {
        Inflater inf = inflater();
        if (inf.finished()) {
            // A block with BFINAL ended the stream (RFC 7692 7.2.3.3); anything after it in the message is padding.
            src.position(src.limit());
            return 0;
        }
        inf.setInput(src);
        int r = drain(inf, out, limit);
        src.position(src.limit());
        return r;
    }

    /** Ends a message: inflates the restored tail, then resets if the context must not carry over. */
    int finish(MessageBuffer out, int limit) {
        Inflater inf = inflater();
        int r = 0;
        if (!inf.finished()) {
            inf.setInput(TAIL);
            r = drain(inf, out, limit);
        }
        // After a BFINAL block the stream is over, so the next message starts a fresh one either way.
        if (noContextTakeover || inf.finished()) inf.reset();
        else inf.setInput(EMPTY);                     // let go of the caller's buffer
        return r;
    }

    /** Abandons a message half-way (the connection is failing): no state worth keeping. */
    void abort() {
        if (inflater != null) inflater.reset();
    }

    private Inflater inflater() {
        if (inflater == null) inflater = new Inflater(true);   // raw DEFLATE, no zlib header (RFC 7692 7.2.1)
        return inflater;
    }

    private int drain(Inflater inf, MessageBuffer out, int limit) {
        try {
            while (true) {
                if (out.length == out.capacity()) {
                    // Room for one byte past the limit is enough to see that the message is too big.
                    out.reserve(1, limit == Integer.MAX_VALUE ? limit : limit + 1);
                }
                int before = inf.getRemaining();
                int n = inf.inflate(out.array, out.length, out.capacity() - out.length);
                out.length += n;
                if (out.length > limit) {
                    error = "inflated message larger than " + limit + " bytes";
                    return 1009;
                }
                if (n == 0) {
                    if (inf.needsDictionary()) {
                        error = "compressed data asks for a dictionary";
                        return 1007;
                    }
                    if (inf.finished() || inf.needsInput()) return 0;
                    if (inf.getRemaining() == before && out.length < out.capacity()) {
                        error = "inflater made no progress";
                        return 1007;
                    }
                }
            }
        } catch (DataFormatException e) {
            error = "invalid compressed data";
            return 1007;
        }
    }
}
