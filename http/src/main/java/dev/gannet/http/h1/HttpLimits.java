package dev.gannet.http.h1;

/**
 * Bounds on what one HTTP/1.1 request may make the server buffer or scan. Build one with {@link #builder()}; every
 * field has a named default taken from the reliability guide.
 *
 * @param maxRequestLineLength       bytes of the request line, without its CRLF; longer gets 414
 * @param maxHeaderBytes             bytes of the field lines, each counted with its CRLF, without the empty line that
 *                                   ends the section; more gets 431. Chunked trailers have the same bound.
 * @param maxHeaderCount             field lines in one request (or one trailer section); more gets 431
 * @param maxBodySize                body bytes, after removing the chunked framing; more gets 413
 * @param maxChunkExtensionLength    bytes after a chunk size and before its CRLF (extensions and the whitespace
 *                                   before them); more gets 400
 * @param maxEmptyLinesBeforeRequest CRLFs tolerated before a request line (RFC 9112 section 2.2); more gets 400
 */
public record HttpLimits(
        int maxRequestLineLength,
        int maxHeaderBytes,
        int maxHeaderCount,
        long maxBodySize,
        int maxChunkExtensionLength,
        int maxEmptyLinesBeforeRequest) {

    public static final int DEFAULT_MAX_REQUEST_LINE_LENGTH = 8 * 1024;
    public static final int DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
    public static final int DEFAULT_MAX_HEADER_COUNT = 100;
    public static final long DEFAULT_MAX_BODY_SIZE = 10L * 1024 * 1024;
    /** Extensions are almost never used; this leaves room for a signature or two and no more. */
    public static final int DEFAULT_MAX_CHUNK_EXTENSION_LENGTH = 1024;
    /**
     * RFC 9112 asks for at least one, to forgive clients that end a POST body with an extra CRLF; a few more cost
     * nothing, an unbounded number would let a peer hold a connection without ever starting a request.
     */
    public static final int DEFAULT_MAX_EMPTY_LINES_BEFORE_REQUEST = 4;

    /**
     * Beyond this the parser's copy of a head would be a large array per connection; nobody needs heads this big,
     * and keeping sums of limits far from {@code Integer.MAX_VALUE} means index arithmetic cannot overflow.
     */
    public static final int MAX_CONFIGURABLE_HEAD_BYTES = 1 << 24;

    public static final HttpLimits DEFAULTS = builder().build();

    public HttpLimits {
        if (maxRequestLineLength < 16 || maxRequestLineLength > MAX_CONFIGURABLE_HEAD_BYTES) {
            throw new IllegalArgumentException("maxRequestLineLength must be in [16, " + MAX_CONFIGURABLE_HEAD_BYTES
                    + "]: " + maxRequestLineLength);
        }
        if (maxHeaderBytes < 0 || maxHeaderBytes > MAX_CONFIGURABLE_HEAD_BYTES) {
            throw new IllegalArgumentException("maxHeaderBytes must be in [0, " + MAX_CONFIGURABLE_HEAD_BYTES + "]: "
                    + maxHeaderBytes);
        }
        if (maxHeaderCount < 0 || maxHeaderCount > 65_536) {
            throw new IllegalArgumentException("maxHeaderCount must be in [0, 65536]: " + maxHeaderCount);
        }
        if (maxBodySize < 0) throw new IllegalArgumentException("maxBodySize must be >= 0: " + maxBodySize);
        if (maxChunkExtensionLength < 0 || maxChunkExtensionLength > MAX_CONFIGURABLE_HEAD_BYTES) {
            throw new IllegalArgumentException("maxChunkExtensionLength must be in [0, " + MAX_CONFIGURABLE_HEAD_BYTES
                    + "]: " + maxChunkExtensionLength);
        }
        if (maxEmptyLinesBeforeRequest < 0 || maxEmptyLinesBeforeRequest > 1024) {
            throw new IllegalArgumentException("maxEmptyLinesBeforeRequest must be in [0, 1024]: "
                    + maxEmptyLinesBeforeRequest);
        }
    }

    /**
     * The most bytes a head can occupy before some limit rejects it: leading empty lines, the request line and
     * the field section, each with their CRLFs.
     */
    int maxHeadBytes() {
        return 2 * maxEmptyLinesBeforeRequest + maxRequestLineLength + 2 + maxHeaderBytes + 2;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().maxRequestLineLength(maxRequestLineLength).maxHeaderBytes(maxHeaderBytes)
                .maxHeaderCount(maxHeaderCount).maxBodySize(maxBodySize)
                .maxChunkExtensionLength(maxChunkExtensionLength)
                .maxEmptyLinesBeforeRequest(maxEmptyLinesBeforeRequest);
    }

    public static final class Builder {
        private int maxRequestLineLength = DEFAULT_MAX_REQUEST_LINE_LENGTH;
        private int maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES;
        private int maxHeaderCount = DEFAULT_MAX_HEADER_COUNT;
        private long maxBodySize = DEFAULT_MAX_BODY_SIZE;
        private int maxChunkExtensionLength = DEFAULT_MAX_CHUNK_EXTENSION_LENGTH;
        private int maxEmptyLinesBeforeRequest = DEFAULT_MAX_EMPTY_LINES_BEFORE_REQUEST;

        private Builder() {
        }

        public Builder maxRequestLineLength(int v) { maxRequestLineLength = v; return this; }
        public Builder maxHeaderBytes(int v) { maxHeaderBytes = v; return this; }
        public Builder maxHeaderCount(int v) { maxHeaderCount = v; return this; }
        public Builder maxBodySize(long v) { maxBodySize = v; return this; }
        public Builder maxChunkExtensionLength(int v) { maxChunkExtensionLength = v; return this; }
        public Builder maxEmptyLinesBeforeRequest(int v) { maxEmptyLinesBeforeRequest = v; return this; }

        public HttpLimits build() {
            return new HttpLimits(maxRequestLineLength, maxHeaderBytes, maxHeaderCount, maxBodySize,
                    maxChunkExtensionLength, maxEmptyLinesBeforeRequest);
        }
    }
}
