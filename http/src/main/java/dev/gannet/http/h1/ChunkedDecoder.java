package dev.gannet.http.h1;

import static dev.gannet.http.h1.HttpChars.CR;
import static dev.gannet.http.h1.HttpChars.HTAB;
import static dev.gannet.http.h1.HttpChars.LF;
import static dev.gannet.http.h1.HttpChars.SP;
import static dev.gannet.http.h1.HttpParseException.badRequest;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Decodes a chunked request body (RFC 9112 section 7.1), pushed at it in whatever pieces it arrives. Chunk data
 * is passed to the sink as views of the input, never copied; the framing is consumed. Reusable: {@link #reset()}
 * per body.
 *
 * <p>Strict, because a chunk boundary two servers see differently is a smuggled request: the size is 1 to 16 hex
 * digits and nothing else; whitespace after it is allowed only before an extension; only CRLF ends a line;
 * extensions are bounded and ignored; trailer fields follow the header rules and limits and are discarded. The sum
 * of the chunk sizes is bounded by {@link HttpLimits#maxBodySize()}, checked as each size is read, before its data.
 */
public final class ChunkedDecoder implements BodyDecoder {

    private enum State {
        SIZE_START, SIZE, SIZE_WHITESPACE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF,
        TRAILER_START, TRAILER_NAME, TRAILER_VALUE, TRAILER_LF, FINAL_LF, DONE, FAILED
    }

    private static final int MAX_SIZE_DIGITS = 16;

    private final long maxBodySize;
    private final int maxExtensionLength;
    private final int maxTrailerBytes;
    private final int maxTrailerCount;

    private State state = State.SIZE_START;
    private long chunkSize;
    private int digits;
    private int extensionLength;
    private long chunkRemaining;
    private long bodyBytes;
    private int trailerBytes;
    private int trailerCount;

    public ChunkedDecoder(HttpLimits limits) {
        Objects.requireNonNull(limits, "limits");
        this.maxBodySize = limits.maxBodySize();
        this.maxExtensionLength = limits.maxChunkExtensionLength();
        this.maxTrailerBytes = limits.maxHeaderBytes();
        this.maxTrailerCount = limits.maxHeaderCount();
    }

    /** Starts a new body. */
    public ChunkedDecoder reset() {
        state = State.SIZE_START;
        chunkSize = chunkRemaining = bodyBytes = 0;
        digits = extensionLength = trailerBytes = trailerCount = 0;
        return this;
    }

    /** The body bytes announced by the chunk sizes read so far. */
    public long bodyBytes() {
        return bodyBytes;
    }

    @Override
    public boolean isComplete() {
        return state == State.DONE;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException after an error, until {@link #reset()}
     */
    @Override
    public boolean decode(ByteBuffer in, BodySink sink) throws HttpParseException {
        if (state == State.DONE) return true;
        if (state == State.FAILED) throw new IllegalStateException("a parse error left the body out of sync");
        final int limit = in.limit();
        int i = in.position();
        try {
            while (i < limit) {
                if (state == State.DATA) {
                    int n = (int) Math.min(chunkRemaining, limit - i);
                    int end = i + n;
                    try {
                        in.limit(end).position(i);
                        sink.onBodyChunk(in);
                    } finally {
                        // The sink may have thrown or moved the limit; the caller must get its buffer back intact.
                        in.limit(limit);
                    }
                    i = end;
                    chunkRemaining -= n;
                    if (chunkRemaining == 0) state = State.DATA_CR;
                    continue;
                }
                byte c = in.get(i++);
                if (step(c)) {
                    in.position(i);
                    return true;
                }
            }
            in.position(i);
            return false;
        } catch (HttpParseException e) {
            state = State.FAILED;
            throw e;
        }
    }

    /** Takes one framing byte; returns true when it ended the body. */
    private boolean step(byte c) throws HttpParseException {
        switch (state) {
            case SIZE_START -> {
                if (!HttpChars.is(c, HttpChars.HEX)) {
                    throw badRequest(c == CR || c == LF ? "missing chunk size" : "invalid chunk size");
                }
                chunkSize = HttpChars.hexValue(c);
                digits = 1;
                state = State.SIZE;
            }
            case SIZE -> {
                if (HttpChars.is(c, HttpChars.HEX)) {
                    if (++digits > MAX_SIZE_DIGITS) throw badRequest("chunk size longer than 16 hex digits");
                    if ((chunkSize >>> 59) != 0) throw badRequest("chunk size overflows");
                    chunkSize = (chunkSize << 4) | HttpChars.hexValue(c);
                } else if (c == CR) {
                    acceptSize();
                    state = State.SIZE_LF;
                } else if (c == ';') {
                    acceptSize();
                    startExtension();
                    state = State.EXTENSION;
                } else if (c == SP || c == HTAB) {
                    acceptSize();
                    startExtension();
                    state = State.SIZE_WHITESPACE;
                } else {
                    throw badRequest(c == LF ? "bare LF in chunk line" : "invalid chunk size");
                }
            }
            case SIZE_WHITESPACE -> {
                // RFC 9112 allows BWS only before ";": whitespace ending the line is a size some parsers misread.
                countExtension();
                if (c == ';') {
                    state = State.EXTENSION;
                } else if (c != SP && c != HTAB) {
                    throw badRequest("whitespace after chunk size");
                }
            }
            case EXTENSION -> {
                if (c == CR) {
                    state = State.SIZE_LF;
                } else {
                    countExtension();
                    if (c == LF) throw badRequest("bare LF in chunk extension");
                    if (!HttpChars.is(c, HttpChars.VALUE)) throw badRequest("invalid character in chunk extension");
                }
            }
            case SIZE_LF -> {
                if (c != LF) throw badRequest("bare CR in chunk line");
                if (chunkSize == 0) {
                    state = State.TRAILER_START;
                } else {
                    chunkRemaining = chunkSize;
                    state = State.DATA;
                }
            }
            case DATA_CR -> {
                if (c != CR) throw badRequest("chunk data not followed by CRLF");
                state = State.DATA_LF;
            }
            case DATA_LF -> {
                if (c != LF) throw badRequest("chunk data not followed by CRLF");
                state = State.SIZE_START;
            }
            case TRAILER_START -> {
                if (c == CR) {
                    state = State.FINAL_LF;
                } else if (c == SP || c == HTAB) {
                    throw badRequest("obsolete line folding in trailer");
                } else if (c == LF) {
                    throw badRequest("bare LF in trailer");
                } else {
                    if (trailerCount == maxTrailerCount) {
                        throw new HttpParseException(431, "more than " + maxTrailerCount + " trailer fields");
                    }
                    if (!HttpChars.is(c, HttpChars.TCHAR)) throw badRequest("invalid character in trailer field name");
                    countTrailer();
                    trailerCount++;
                    state = State.TRAILER_NAME;
                }
            }
            case TRAILER_NAME -> {
                countTrailer();
                if (c == ':') {
                    state = State.TRAILER_VALUE;
                } else if (!HttpChars.is(c, HttpChars.TCHAR)) {
                    throw badRequest(c == SP || c == HTAB ? "whitespace between trailer field name and colon"
                            : c == CR || c == LF ? "trailer field without a colon" : "invalid character in trailer field name");
                }
            }
            case TRAILER_VALUE -> {
                countTrailer();
                if (c == CR) {
                    state = State.TRAILER_LF;
                } else if (!HttpChars.is(c, HttpChars.VALUE)) {
                    throw badRequest(c == LF ? "bare LF in trailer" : "invalid character in trailer field value");
                }
            }
            case TRAILER_LF -> {
                countTrailer();
                if (c != LF) throw badRequest("bare CR in trailer");
                state = State.TRAILER_START;
            }
            case FINAL_LF -> {
                if (c != LF) throw badRequest("bare CR in trailer");
                state = State.DONE;
                return true;
            }
            default -> throw new IllegalStateException("decoding framing in state " + state);
        }
        return false;
    }

    private void acceptSize() throws HttpParseException {
        if (chunkSize > maxBodySize - bodyBytes) {
            throw new HttpParseException(413, "chunked body exceeds " + maxBodySize + " bytes");
        }
        bodyBytes += chunkSize;
    }

    private void startExtension() throws HttpParseException {
        extensionLength = 0;
        countExtension();
    }

    private void countExtension() throws HttpParseException {
        if (++extensionLength > maxExtensionLength) {
            throw badRequest("chunk extension exceeds " + maxExtensionLength + " bytes");
        }
    }

    private void countTrailer() throws HttpParseException {
        if (++trailerBytes > maxTrailerBytes) {
            throw new HttpParseException(431, "trailer section exceeds " + maxTrailerBytes + " bytes");
        }
    }
}
