package dev.gannet.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Frames that end with a delimiter, such as text lines.
 *
 * <p>At each position the delimiters are tried in the order given and the first that matches ends the
 * frame. A delimiter that could still match once more bytes arrive makes the decoder wait rather than try
 * the next one, so the frames found never depend on how the stream was split into reads.
 *
 * <p>The decoder remembers how many bytes of the pending frame it has already scanned, so a long frame
 * arriving in small reads costs linear time, not quadratic. The maximum counts the frame without its
 * delimiter; as soon as more than that many bytes have arrived with no delimiter, {@link #decode} throws
 * {@link FrameException.Kind#TOO_LONG TOO_LONG} without waiting for the delimiter.
 */
public final class DelimiterFramer implements FrameDecoder {

    private static final byte[] CRLF = "\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LF = "\n".getBytes(StandardCharsets.US_ASCII);

    private final byte[][] delimiters;
    private final boolean stripDelimiter;
    private final int maxFrameLength;
    /** Bytes that start some delimiter: most bytes are not one, and this rejects them with one lookup. */
    private final boolean[] startsDelimiter = new boolean[256];
    /** Bytes at the front of the pending frame known not to start a delimiter. */
    private int scanned;

    /**
     * @param maxFrameLength the longest frame accepted, delimiter excluded
     * @param stripDelimiter true to pass frames without their delimiter
     * @param delimiters     tried in this order at each position; list a delimiter before any other that is
     *                       a prefix of it (as {@code \r\n} before {@code \r}), or the longer one never matches
     */
    public DelimiterFramer(int maxFrameLength, boolean stripDelimiter, byte[]... delimiters) {
        if (maxFrameLength < 1) throw new IllegalArgumentException("maxFrameLength must be >= 1: " + maxFrameLength);
        if (delimiters.length == 0) throw new IllegalArgumentException("no delimiter");
        this.delimiters = new byte[delimiters.length][];
        for (int i = 0; i < delimiters.length; i++) {
            if (delimiters[i].length == 0) throw new IllegalArgumentException("empty delimiter");
            this.delimiters[i] = delimiters[i].clone();
            startsDelimiter[delimiters[i][0] & 0xFF] = true;
        }
        this.maxFrameLength = maxFrameLength;
        this.stripDelimiter = stripDelimiter;
    }

    /** Lines ending with {@code \n} or {@code \r\n}, passed without their line ending. */
    public static DelimiterFramer lines(int maxLength) {
        return lines(maxLength, true);
    }

    /** Lines ending with {@code \n} or {@code \r\n}; a lone {@code \r} is part of the line. */
    public static DelimiterFramer lines(int maxLength, boolean stripDelimiter) {
        return new DelimiterFramer(maxLength, stripDelimiter, CRLF, LF);
    }

    public int maxFrameLength() {
        return maxFrameLength;
    }

    @Override
    public void decode(ByteBuffer in, FrameSink sink) throws FrameException {
        final int limit = in.limit();
        try {
            while (true) {
                int start = in.position();
                // Only a caller breaking the contract (dropping the kept bytes) gets here; rescanning is safe.
                if (scanned > limit - start) scanned = 0;
                // Positions past start + max cannot start the delimiter of a valid frame.
                int scanEnd = (int) Math.min(limit, (long) start + maxFrameLength + 1);
                int i = start + scanned;
                int match = 0;
                for (; i < scanEnd; i++) {
                    if (startsDelimiter[in.get(i) & 0xFF] && (match = matchAt(in, i, limit)) != 0) break;
                }
                if (match <= 0) {
                    scanned = i - start;
                    if (scanned > maxFrameLength) throw FrameException.tooLong(maxFrameLength);
                    return;
                }
                scanned = 0;
                int frameEnd = i + match;
                in.limit(stripDelimiter ? i : frameEnd).position(start);
                boolean more = sink.onFrame(in);
                in.limit(limit).position(frameEnd);
                if (!more) return;
            }
        } finally {
            in.limit(limit);
        }
    }

    /** The length of the delimiter at {@code i}, 0 if none, -1 if that needs bytes not yet received. */
    private int matchAt(ByteBuffer in, int i, int limit) {
        next:
        for (byte[] d : delimiters) {
            for (int k = 0; k < d.length; k++) {
                if (k >= limit - i) return -1;
                if (in.get(i + k) != d[k]) continue next;
            }
            return d.length;
        }
        return 0;
    }

    @Override
    public void reset() {
        scanned = 0;
    }
}
