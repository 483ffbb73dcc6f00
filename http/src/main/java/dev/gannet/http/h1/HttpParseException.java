package dev.gannet.http.h1;

import java.io.IOException;

/**
 * A request the parser refuses, with the status to answer and why. After one, the byte stream cannot be trusted
 * to be in sync any more, so the server answers {@link #status()} (if it still can) and closes the connection.
 */
public final class HttpParseException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public HttpParseException(int status, String reason) {
        super(reason);
        if (status < 400 || status > 599) throw new IllegalArgumentException("not an error status: " + status);
        this.status = status;
    }

    static HttpParseException badRequest(String reason) {
        return new HttpParseException(400, reason);
    }

    /** The HTTP status to answer with: 400, 413, 414, 431, 501 or 505. */
    public int status() {
        return status;
    }

    /** Why the request was refused; safe to send to the peer, since it never echoes the peer's bytes. */
    public String reason() {
        return getMessage();
    }

    /**
     * The peer's mistake is described by status and reason; where in the parser it was found is of no use to
     * anyone, and a flood of bad requests should not pay for a stack walk each.
     */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    @Override
    public String toString() {
        return "HttpParseException: " + status + " " + getMessage();
    }
}
