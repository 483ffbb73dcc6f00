package dev.gannet.http.h1;

import java.nio.ByteBuffer;

/**
 * Takes one request body out of the byte stream, leaving whatever follows it (the next pipelined request) in the
 * input. A push decoder like {@link RequestParser}: it is fed whatever bytes arrived, consumes what it can and
 * remembers where it is, so the caller hands back the unconsumed bytes with the next ones.
 */
public interface BodyDecoder {

    /**
     * Passes the body bytes in {@code in} to {@code sink} and consumes the framing around them.
     *
     * @return true once the whole body has been consumed; {@code in} is then positioned just after it
     * @throws HttpParseException if the body is malformed or too large; the connection must be closed
     */
    boolean decode(ByteBuffer in, BodySink sink) throws HttpParseException;

    /** Whether the whole body has been consumed. */
    boolean isComplete();
}
