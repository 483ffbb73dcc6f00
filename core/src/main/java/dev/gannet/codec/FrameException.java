package dev.gannet.codec;

import java.io.IOException;

/**
 * The peer sent bytes that cannot be framed. The stream cannot be resynchronised after this, so the
 * connection is closed.
 */
public final class FrameException extends IOException {

    /** What went wrong, so that callers can count or answer errors without parsing messages. */
    public enum Kind {
        /** A frame is longer than the configured maximum. */
        TOO_LONG,
        /** A header is inconsistent, such as a negative length or one shorter than the header itself. */
        MALFORMED
    }

    private static final long serialVersionUID = 1L;

    private final Kind kind;

    public FrameException(Kind kind, String message) {
        super(message);
        if (kind == null) throw new NullPointerException("kind");
        this.kind = kind;
    }

    public static FrameException tooLong(long length, int max) {
        return new FrameException(Kind.TOO_LONG, "frame length " + length + " exceeds the maximum of " + max);
    }

    /** A frame with no delimiter in its first {@code max + 1} bytes: its full length is not known. */
    public static FrameException tooLong(int max) {
        return new FrameException(Kind.TOO_LONG, "no delimiter within the maximum frame length of " + max);
    }

    public static FrameException malformed(String message) {
        return new FrameException(Kind.MALFORMED, message);
    }

    public Kind kind() {
        return kind;
    }
}
