package dev.gannet.http.h1;

import static dev.gannet.http.h1.HttpChars.CLASS;
import static dev.gannet.http.h1.HttpChars.CR;
import static dev.gannet.http.h1.HttpChars.HTAB;
import static dev.gannet.http.h1.HttpChars.LF;
import static dev.gannet.http.h1.HttpChars.SP;
import static dev.gannet.http.h1.HttpChars.TCHAR;
import static dev.gannet.http.h1.HttpParseException.badRequest;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Parses HTTP/1.1 request heads (RFC 9112) pushed at it in whatever pieces they arrive. One instance per
 * connection; no I/O, no threads, and no allocation in steady state.
 *
 * <p>{@link #parseHead} copies bytes from the input into the head's array as it scans them and consumes them, so
 * a head that arrives in pieces is never rescanned and a byte-by-byte feed costs linear time. Once a head is
 * complete, the bytes after it (a body, or the next pipelined request) are left in the input. The body is read
 * with the decoder {@link #body} hands out; then the next {@code parseHead} starts the next request.
 *
 * <p>The parser is strict where leniency lets a front end and a back end disagree about where a message ends
 * (request smuggling): only CRLF ends a line, Content-Length and Transfer-Encoding must be unambiguous, obs-fold
 * and whitespace before a colon are refused. Every refusal is an {@link HttpParseException} with the status to
 * answer, after which the stream is out of sync: the server answers and closes, and this parser refuses further
 * input until {@link #reset()}.
 */
public final class RequestParser {

    private enum State { START, METHOD, TARGET, VERSION, LINE_START, NAME, VALUE_OWS, VALUE, FIELD_LF, FINAL_LF, FAILED }

    /**
     * Bytes are copied from the input in probes rather than all at once: the input may hold many pipelined
     * requests or a large body, and copying all of it for every head would cost far more than the head itself.
     * The first probe is sized from the previous head on the connection, since clients repeat themselves.
     */
    private static final int MIN_PROBE = 128;

    private static final byte[] HOST = HttpChars.ascii("host");
    private static final byte[] EXPECT = HttpChars.ascii("expect");
    private static final byte[] CONNECTION = HttpChars.ascii("connection");
    private static final byte[] CONTENT_LENGTH = HttpChars.ascii("content-length");
    private static final byte[] TRANSFER_ENCODING = HttpChars.ascii("transfer-encoding");
    private static final byte[] CHUNKED = HttpChars.ascii("chunked");
    private static final byte[] CLOSE = HttpChars.ascii("close");
    private static final byte[] KEEP_ALIVE = HttpChars.ascii("keep-alive");
    private static final byte[] UPGRADE = HttpChars.ascii("upgrade");
    private static final byte[] CONTINUE = HttpChars.ascii("100-continue");

    private final HttpLimits limits;
    private final int maxHeadBytes;
    private final int maxRequestLineLength;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;
    private final int maxEmptyLines;
    private final long maxBodySize;
    private final ChunkedDecoder chunkedBody;
    private final FixedLengthBody fixedBody = new FixedLengthBody();

    // The head in progress; null between requests.
    private RequestHead head;
    private State state = State.START;
    /** The next byte of {@code head.bytes} to look at. */
    private int pos;
    private int emptyLines;
    private int lineStart;
    /** No request-line byte other than its CR LF may sit at or beyond this index. */
    private int lineBound;
    private boolean percentSeen;
    /** No field-line byte may sit at or beyond this index; the empty line ending the section may. */
    private int sectionBound;
    private int nameStart;
    private int nameEnd;
    private int valueStart;
    private int valueEnd;
    private int lastHeadLength;

    // What the fields said, settled once the section ends because their order must not matter.
    private boolean transferEncoding;
    private boolean chunkedLast;
    private int chunkedCount;
    private boolean otherCoding;
    private boolean close;
    private boolean keepAliveToken;
    private boolean continueExpected;

    public RequestParser() {
        this(HttpLimits.DEFAULTS);
    }

    public RequestParser(HttpLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.maxHeadBytes = limits.maxHeadBytes();
        this.maxRequestLineLength = limits.maxRequestLineLength();
        this.maxHeaderBytes = limits.maxHeaderBytes();
        this.maxHeaderCount = limits.maxHeaderCount();
        this.maxEmptyLines = limits.maxEmptyLinesBeforeRequest();
        this.maxBodySize = limits.maxBodySize();
        this.chunkedBody = new ChunkedDecoder(limits);
    }

    public HttpLimits limits() {
        return limits;
    }

    /**
     * Consumes head bytes from {@code in} into {@code head}.
     *
     * @param in   in read mode; its limit is left alone
     * @param head reset when a new request starts; pass the same instance until this returns true
     * @return true when the head is complete, with {@code in} positioned just after its final CRLF; false when
     *         all of {@code in} has been consumed and more bytes are needed
     * @throws HttpParseException if the head is malformed or beyond a limit; answer its status and close
     * @throws IllegalStateException after a parse error (until {@link #reset()}), or if a different head is
     *         passed while one is in progress
     */
    public boolean parseHead(ByteBuffer in, RequestHead head) throws HttpParseException {
        Objects.requireNonNull(head, "head");
        if (state == State.FAILED) {
            throw new IllegalStateException("a parse error left the stream out of sync; close the connection");
        }
        if (this.head == null) {
            begin(head);
        } else if (this.head != head) {
            throw new IllegalStateException("another RequestHead is in progress on this parser");
        } else if (head.length < pos) {
            throw new IllegalStateException("the RequestHead was reset while being parsed");
        }
        try {
            int probe = Math.max(MIN_PROBE, lastHeadLength + (lastHeadLength >> 2) + 32);
            for (;;) {
                if (pos < head.length && scan(head)) {
                    complete(head, in);
                    return true;
                }
                int available = in.remaining();
                if (available == 0) return false;
                int room = maxHeadBytes - head.length;
                // Cannot happen: every limit trips before the array is full. Kept so a bug fails loudly.
                if (room <= 0) throw new HttpParseException(431, "request head exceeds " + maxHeadBytes + " bytes");
                int n = Math.min(Math.min(available, probe), room);
                head.ensureCapacity(head.length + n, maxHeadBytes);
                int at = in.position();
                in.get(at, head.bytes, head.length, n);
                in.position(at + n);
                head.length += n;
                probe = Math.min(probe << 1, maxHeadBytes);
            }
        } catch (HttpParseException e) {
            state = State.FAILED;
            this.head = null;
            throw e;
        }
    }

    /**
     * The decoder for the body of {@code head}, just parsed: chunked, fixed length, or an empty one that is
     * complete at once. The decoder is owned by this parser and reused for the next request.
     */
    public BodyDecoder body(RequestHead head) {
        if (!head.isComplete()) throw new IllegalStateException("the head is not complete");
        if (head.chunked()) return chunkedBody.reset();
        return fixedBody.reset(Math.max(0, head.contentLength()));
    }

    /**
     * Whether part of a request head has been received: bytes beyond any leading empty lines were consumed but
     * the head is not complete. At end of input or a header timeout this tells a truncated request (worth a 400
     * or 408) from an idle connection.
     */
    public boolean hasPartialHead() {
        return head != null && state != State.START;
    }

    /** Forgets a partial head and any earlier parse error, for a caller that resynchronised the stream itself. */
    public void reset() {
        head = null;
        state = State.START;
    }

    private void begin(RequestHead h) {
        h.reset();
        head = h;
        state = State.START;
        pos = 0;
        emptyLines = 0;
        percentSeen = false;
        transferEncoding = chunkedLast = otherCoding = false;
        chunkedCount = 0;
        close = keepAliveToken = continueExpected = false;
    }

    private void complete(RequestHead h, ByteBuffer in) throws HttpParseException {
        int end = pos;
        int extra = h.length - end;
        // The copied bytes after the head belong to the body or the next request: hand them back.
        in.position(in.position() - extra);
        h.length = end;
        h.headLength = end;
        settleSemantics(h);
        h.complete = true;
        lastHeadLength = end;
        head = null;
        state = State.START;
    }

    private boolean scan(RequestHead h) throws HttpParseException {
        if (state.ordinal() < State.LINE_START.ordinal() && !scanRequestLine(h)) return false;
        return scanFields(h);
    }

    // ---- request line

    @SuppressWarnings("fallthrough")
    private boolean scanRequestLine(RequestHead h) throws HttpParseException {
        final byte[] b = h.bytes;
        final int end = h.length;
        int i = pos;
        switch (state) {
            case START: {
                for (;;) {
                    if (i >= end) { pos = i; return false; }
                    byte c = b[i];
                    if (c == CR) {
                        // The scan waits on the CR until its LF is here: at most one byte is looked at twice.
                        if (i + 1 >= end) { pos = i; return false; }
                        if (b[i + 1] != LF) throw badRequest("bare CR before the request line");
                        if (++emptyLines > maxEmptyLines) throw badRequest("too many empty lines before the request line");
                        i += 2;
                        continue;
                    }
                    if (c == LF) throw badRequest("bare LF before the request line");
                    break;
                }
                lineStart = i;
                lineBound = i + maxRequestLineLength;
                h.methodStart = i;
                state = State.METHOD;
            }
            // fall through
            case METHOD: {
                int stop = Math.min(end, lineBound);
                while (i < stop && (CLASS[b[i] & 0xFF] & TCHAR) != 0) i++;
                if (i == lineBound) throw uriTooLong();
                if (i == end) { pos = i; return false; }
                if (b[i] != SP) {
                    throw badRequest(i == lineStart ? "request line does not start with a method" : "invalid character in method");
                }
                h.methodEnd = i;
                h.targetStart = ++i;
                state = State.TARGET;
            }
            // fall through
            case TARGET: {
                int stop = Math.min(end, lineBound);
                for (;;) {
                    while (i < stop && (CLASS[b[i] & 0xFF] & HttpChars.TARGET) != 0) i++;
                    if (i == stop) break;
                    byte c = b[i];
                    if (c == '?') {
                        if (h.queryStart < 0) h.queryStart = i + 1;
                    } else if (c == '%') {
                        percentSeen = true;
                    } else {
                        break;
                    }
                    i++;
                }
                if (i == lineBound) throw uriTooLong();
                if (i == end) { pos = i; return false; }
                byte c = b[i];
                if (c != SP) {
                    throw badRequest(c == LF ? "bare LF in the request line"
                            : c == CR ? "request line without an HTTP version" : "invalid character in request-target");
                }
                if (i == h.targetStart) throw badRequest("empty request-target");
                h.targetEnd = i++;
                state = State.VERSION;
            }
            // fall through
            case VERSION: {
                // pos stays on the version until all of "HTTP/d.d" CR LF is here; that is ten bytes at most.
                if (i + 8 > lineBound) throw uriTooLong();
                if (end - i < 9) { pos = i; return false; }
                if (b[i] != 'H' || b[i + 1] != 'T' || b[i + 2] != 'T' || b[i + 3] != 'P' || b[i + 4] != '/'
                        || !digit(b[i + 5]) || b[i + 6] != '.' || !digit(b[i + 7])) {
                    throw badRequest("malformed HTTP version");
                }
                if (b[i + 8] != CR) throw badRequest(b[i + 8] == LF ? "bare LF in the request line" : "malformed HTTP version");
                if (end - i < 10) { pos = i; return false; }
                if (b[i + 9] != LF) throw badRequest("bare CR in the request line");
                if (b[i + 5] == '1' && b[i + 7] == '1') {
                    h.version = HttpVersion.HTTP_1_1;
                } else if (b[i + 5] == '1' && b[i + 7] == '0') {
                    h.version = HttpVersion.HTTP_1_0;
                } else {
                    throw new HttpParseException(505, "HTTP version not supported");
                }
                i += 10;
                analyseTarget(h, b);
                sectionBound = i + maxHeaderBytes;
                pos = i;
                state = State.LINE_START;
                return true;
            }
            default:
                return true;
        }
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    private HttpParseException uriTooLong() {
        return new HttpParseException(414, "request line exceeds " + maxRequestLineLength + " bytes");
    }

    /** Recognises the method and works out the target's form, path and query. */
    private void analyseTarget(RequestHead h, byte[] b) throws HttpParseException {
        Method method = Method.of(b, h.methodStart, h.methodEnd - h.methodStart);
        h.method = method;
        int start = h.targetStart;
        int end = h.targetEnd;
        int pathLimit = end;
        if (h.queryStart >= 0) {
            pathLimit = h.queryStart - 1;
            h.queryEnd = end;
        }
        if (method == Method.CONNECT) {
            if (h.queryStart >= 0 || indexOf(b, start, end, (byte) '/') >= 0 || indexOf(b, start, end, (byte) ':') < 0) {
                throw badRequest("CONNECT needs a host:port target");
            }
            h.targetForm = TargetForm.AUTHORITY;
            h.pathStart = h.pathEnd = start;
        } else if (b[start] == '/') {
            h.targetForm = TargetForm.ORIGIN;
            h.pathStart = start;
            h.pathEnd = pathLimit;
        } else if (b[start] == '*' && end - start == 1) {
            if (method != Method.OPTIONS) throw badRequest("asterisk-form target is only for OPTIONS");
            h.targetForm = TargetForm.ASTERISK;
            h.pathStart = start;
            h.pathEnd = end;
        } else {
            h.targetForm = TargetForm.ABSOLUTE;
            int k = schemeEnd(b, start, pathLimit);
            if (k < 0) throw badRequest("invalid request-target");
            k++;
            if (k + 1 < pathLimit && b[k] == '/' && b[k + 1] == '/') {
                k += 2;
                while (k < pathLimit && b[k] != '/') k++;
            }
            h.pathStart = k;
            h.pathEnd = pathLimit;
        }
        if (percentSeen) {
            for (int k = start; k < end; k++) {
                if (b[k] == '%') {
                    if (k + 2 >= end || !HttpChars.is(b[k + 1], HttpChars.HEX) || !HttpChars.is(b[k + 2], HttpChars.HEX)) {
                        throw badRequest("invalid percent-encoding in request-target");
                    }
                    k += 2;
                }
            }
        }
    }

    /** The index of the ":" ending a URI scheme at {@code start}, or -1 if there is no valid scheme. */
    private static int schemeEnd(byte[] b, int start, int end) {
        if (start >= end || !((b[start] | 0x20) >= 'a' && (b[start] | 0x20) <= 'z')) return -1;
        for (int k = start + 1; k < end; k++) {
            byte c = b[k];
            if (c == ':') return k;
            boolean ok = ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || digit(c) || c == '+' || c == '-' || c == '.';
            if (!ok) return -1;
        }
        return -1;
    }

    private static int indexOf(byte[] b, int start, int end, byte c) {
        for (int k = start; k < end; k++) {
            if (b[k] == c) return k;
        }
        return -1;
    }

    // ---- field section

    private boolean scanFields(RequestHead h) throws HttpParseException {
        final byte[] b = h.bytes;
        final int end = h.length;
        final int bound = sectionBound;
        int i = pos;
        // The stages below run in order for each line, so a line that is all here goes straight through them; state
        // and offsets live in locals and are saved only for a line cut short by the end of the input.
        State st = state;
        int ns = nameStart;
        int ne = nameEnd;
        int vs = valueStart;
        int ve = valueEnd;
        for (;;) {
            if (st == State.LINE_START) {
                if (i >= end) break;
                byte c = b[i];
                if (c == CR) {
                    i++;
                    st = State.FINAL_LF;
                } else {
                    if (c == SP || c == HTAB) {
                        throw badRequest(h.fieldCount == 0 ? "whitespace before the first header field" : "obsolete line folding");
                    }
                    if (c == LF) throw badRequest("bare LF in the header section");
                    if (i >= bound) throw headerTooLarge();
                    if (h.fieldCount == maxHeaderCount) {
                        throw new HttpParseException(431, "more than " + maxHeaderCount + " header fields");
                    }
                    if ((CLASS[c & 0xFF] & TCHAR) == 0) throw badRequest("invalid character in header field name");
                    ns = i++;
                    st = State.NAME;
                }
            }
            if (st == State.FINAL_LF) {
                if (i >= end) break;
                if (b[i] != LF) throw badRequest("bare CR in the header section");
                pos = i + 1;
                state = st;
                return true;
            }
            if (st == State.NAME) {
                int stop = Math.min(end, bound);
                while (i < stop && (CLASS[b[i] & 0xFF] & TCHAR) != 0) i++;
                if (i == bound) throw headerTooLarge();
                if (i == end) break;
                byte c = b[i];
                if (c != ':') {
                    throw badRequest(c == SP || c == HTAB ? "whitespace between header field name and colon"
                            : c == CR || c == LF ? "header field without a colon" : "invalid character in header field name");
                }
                ne = i++;
                st = State.VALUE_OWS;
            }
            if (st == State.VALUE_OWS) {
                int stop = Math.min(end, bound);
                while (i < stop && (b[i] == SP || b[i] == HTAB)) i++;
                if (i == bound) throw headerTooLarge();
                if (i == end) break;
                vs = i;
                st = State.VALUE;
            }
            if (st == State.VALUE) {
                i = HttpChars.skipValue(b, i, Math.min(end, bound));
                if (i == bound) throw headerTooLarge();
                if (i == end) break;
                byte c = b[i];
                if (c != CR) {
                    throw badRequest(c == LF ? "bare LF in the header section" : "invalid character in header field value");
                }
                ve = i++;
                st = State.FIELD_LF;
            }
            if (st == State.FIELD_LF) {
                if (i == bound) throw headerTooLarge();
                if (i >= end) break;
                if (b[i] != LF) throw badRequest("bare CR in the header section");
                i++;
                int trimmed = ve;
                while (trimmed > vs && (b[trimmed - 1] == SP || b[trimmed - 1] == HTAB)) trimmed--;
                h.addField(ns, ne, vs, trimmed);
                onField(h, b, ns, ne, vs, trimmed, ve);
                st = State.LINE_START;
            }
        }
        pos = i;
        state = st;
        nameStart = ns;
        nameEnd = ne;
        valueStart = vs;
        valueEnd = ve;
        return false;
    }

    private HttpParseException headerTooLarge() {
        return new HttpParseException(431, "header section exceeds " + maxHeaderBytes + " bytes");
    }

    /** Notes what the fields that frame the message or the connection say; the field just added is the last. */
    private void onField(RequestHead h, byte[] b, int ns, int ne, int vs, int trimmedEnd, int rawEnd)
            throws HttpParseException {
        switch (ne - ns) {
            case 4 -> {
                if (HttpChars.equalsLower(b, ns, 4, HOST)) onHost(h, b, vs, trimmedEnd);
            }
            case 6 -> {
                if (HttpChars.equalsLower(b, ns, 6, EXPECT) && HttpChars.equalsLower(b, vs, trimmedEnd - vs, CONTINUE)) {
                    continueExpected = true;
                }
            }
            case 10 -> {
                if (HttpChars.equalsLower(b, ns, 10, CONNECTION)) onConnection(h, b, vs, trimmedEnd);
            }
            case 14 -> {
                if (HttpChars.equalsLower(b, ns, 14, CONTENT_LENGTH)) onContentLength(h, b, vs, trimmedEnd);
            }
            case 17 -> {
                if (HttpChars.equalsLower(b, ns, 17, TRANSFER_ENCODING)) onTransferEncoding(b, ne + 1, vs, trimmedEnd, rawEnd);
            }
            default -> {
            }
        }
    }

    private static void onHost(RequestHead h, byte[] b, int start, int end) throws HttpParseException {
        if (h.hostIndex >= 0) throw badRequest("more than one Host field");
        for (int k = start; k < end; k++) {
            if (!HttpChars.is(b[k], HttpChars.HOST)) throw badRequest("invalid Host");
        }
        h.hostIndex = h.fieldCount - 1;
    }

    private static void onContentLength(RequestHead h, byte[] b, int start, int end) throws HttpParseException {
        // A list such as "5, 5" is allowed by RFC 9110 when the members agree, but a proxy in front may read it
        // differently; refusing every repetition leaves nothing to disagree about.
        if (h.contentLength >= 0) throw badRequest("more than one Content-Length");
        if (start == end) throw badRequest("empty Content-Length");
        long v = 0;
        for (int k = start; k < end; k++) {
            int d = b[k] - '0';
            if (d < 0 || d > 9) throw badRequest("invalid Content-Length");
            if (v > (Long.MAX_VALUE - d) / 10) throw badRequest("Content-Length overflows");
            v = v * 10 + d;
        }
        h.contentLength = v;
    }

    /** {@code afterColon} to {@code rawEnd} is the value with its surrounding whitespace. */
    private void onTransferEncoding(byte[] b, int afterColon, int start, int end, int rawEnd) throws HttpParseException {
        // A tab is legal whitespace, but it is a classic way to make one server in a chain see "chunked" and
        // another not; no real client puts one here.
        for (int k = afterColon; k < rawEnd; k++) {
            if (b[k] == HTAB) throw badRequest("tab in Transfer-Encoding");
        }
        transferEncoding = true;
        for (int k = start; k < end; ) {
            int comma = k;
            while (comma < end && b[comma] != ',') comma++;
            int s = k;
            int e = comma;
            while (s < e && b[s] == SP) s++;
            while (e > s && b[e - 1] == SP) e--;
            if (e > s) {
                if (HttpChars.equalsLower(b, s, e - s, CHUNKED)) {
                    chunkedCount++;
                    chunkedLast = true;
                } else {
                    otherCoding = true;
                    chunkedLast = false;
                }
            }
            k = comma + 1;
        }
    }

    private void onConnection(RequestHead h, byte[] b, int start, int end) {
        for (int k = start; k < end; ) {
            int comma = k;
            while (comma < end && b[comma] != ',') comma++;
            int s = k;
            int e = comma;
            while (s < e && (b[s] == SP || b[s] == HTAB)) s++;
            while (e > s && (b[e - 1] == SP || b[e - 1] == HTAB)) e--;
            int len = e - s;
            if (HttpChars.equalsLower(b, s, len, CLOSE)) {
                close = true;
            } else if (HttpChars.equalsLower(b, s, len, KEEP_ALIVE)) {
                keepAliveToken = true;
            } else if (HttpChars.equalsLower(b, s, len, UPGRADE)) {
                h.upgrade = true;
            }
            k = comma + 1;
        }
    }

    /** Checks that the fields agree on how the body is framed, and derives what the server acts on. */
    private void settleSemantics(RequestHead h) throws HttpParseException {
        boolean http11 = h.version == HttpVersion.HTTP_1_1;
        if (transferEncoding) {
            if (h.contentLength >= 0) throw badRequest("Content-Length with Transfer-Encoding");
            // RFC 9112 section 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
            if (!http11) throw badRequest("Transfer-Encoding in an HTTP/1.0 request");
            if (!chunkedLast) throw badRequest("chunked is not the final transfer coding");
            if (chunkedCount > 1) throw badRequest("chunked applied more than once");
            if (otherCoding) throw new HttpParseException(501, "unsupported transfer coding");
            h.chunked = true;
        }
        if (h.contentLength > maxBodySize) {
            throw new HttpParseException(413, "Content-Length exceeds " + maxBodySize + " bytes");
        }
        if (http11 && h.hostIndex < 0) throw badRequest("missing Host");
        h.keepAlive = !close && (http11 || keepAliveToken);
        // RFC 9110 section 10.1.1: a 100-continue expectation in an HTTP/1.0 request is ignored.
        h.expectContinue = continueExpected && http11;
    }
}
