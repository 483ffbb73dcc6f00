package dev.gannet.http.h1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The request line and header fields of one request, as {@link RequestParser} found them. Reusable: one instance
 * per connection (or per request in flight), reset by the parser when the next request starts.
 *
 * <p>The head's bytes are copied into an internal array that grows only up to what the limits allow and is then
 * reused, and every part of the head is an offset and length into it, so parsing allocates nothing in steady
 * state. Strings ({@link #path()}, {@link #name(int)}, …) are made on first use and cached until the next request.
 * Text is decoded as ISO-8859-1, byte for byte: the target keeps its percent escapes and field values their
 * obs-text, for the application to interpret.
 *
 * <p>The semantics the server needs to frame the message ({@link #contentLength()}, {@link #chunked()},
 * {@link #keepAlive()}, …) are worked out during parsing, and the head is only handed over once they are
 * consistent.
 *
 * <p>Not thread safe; its contents are valid until it is passed to {@link RequestParser#parseHead} again.
 */
public final class RequestHead {

    private static final int INITIAL_BYTES = 512;
    private static final int INITIAL_FIELDS = 16;
    /** Each field is four ints in {@link #fields}: name start, name end, value start, value end. */
    private static final int FIELD_INTS = 4;

    // Written by RequestParser; package-private so the scanning loops need no accessor calls.
    byte[] bytes = new byte[INITIAL_BYTES];
    /** Bytes copied into {@link #bytes}; while parsing, may run past the head into what follows it. */
    int length;
    int headLength;
    boolean complete;

    Method method;
    int methodStart;
    int methodEnd;
    TargetForm targetForm;
    int targetStart;
    int targetEnd;
    int pathStart;
    int pathEnd;
    int queryStart = -1;
    int queryEnd = -1;
    HttpVersion version;

    int[] fields = new int[INITIAL_FIELDS * FIELD_INTS];
    int fieldCount;

    long contentLength = -1;
    boolean chunked;
    boolean keepAlive;
    boolean expectContinue;
    boolean upgrade;
    int hostIndex = -1;

    private String methodName;
    private String target;
    private String path;
    private String query;
    private String[] names;
    private String[] values;
    private boolean fieldStrings;

    public RequestHead() {
    }

    /**
     * Forgets the request, keeping the arrays for the next one. {@link RequestParser#parseHead} does this itself
     * when a request starts; calling it while the parser is filling this head is a mistake the parser reports.
     */
    public void reset() {
        length = 0;
        headLength = 0;
        complete = false;
        method = null;
        methodStart = methodEnd = 0;
        targetForm = null;
        targetStart = targetEnd = pathStart = pathEnd = 0;
        queryStart = queryEnd = -1;
        version = null;
        if (fieldStrings) {
            Arrays.fill(names, 0, fieldCount, null);
            Arrays.fill(values, 0, fieldCount, null);
            fieldStrings = false;
        }
        fieldCount = 0;
        contentLength = -1;
        chunked = keepAlive = expectContinue = upgrade = false;
        hostIndex = -1;
        methodName = target = path = query = null;
    }

    /** Makes room for {@code needed} bytes, doubling, but never beyond {@code max}. */
    void ensureCapacity(int needed, int max) {
        if (needed > bytes.length) {
            int size = Math.min(Math.max(needed, bytes.length * 2), Math.max(needed, max));
            bytes = Arrays.copyOf(bytes, size);
        }
    }

    void addField(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        int at = fieldCount * FIELD_INTS;
        if (at == fields.length) fields = Arrays.copyOf(fields, fields.length * 2);
        fields[at] = nameStart;
        fields[at + 1] = nameEnd;
        fields[at + 2] = valueStart;
        fields[at + 3] = valueEnd;
        fieldCount++;
    }

    // ---- request line

    /** Whether the parser has finished this head; until then nothing else here is meaningful. */
    public boolean isComplete() {
        return complete;
    }

    public Method method() {
        return method;
    }

    /** The method token as sent, for {@link Method#OTHER} in particular. */
    public String methodName() {
        if (methodName == null) {
            methodName = method != null && method != Method.OTHER ? method.text() : latin1(methodStart, methodEnd);
        }
        return methodName;
    }

    /** Whether the method token is exactly {@code token} (methods are case-sensitive); for {@link Method#OTHER}. */
    public boolean methodEquals(byte[] token) {
        return Arrays.equals(bytes, methodStart, methodEnd, token, 0, token.length);
    }

    /** Where the method token starts in {@link #bytes()}. */
    public int methodOffset() {
        return methodStart;
    }

    public int methodLength() {
        return methodEnd - methodStart;
    }

    public TargetForm targetForm() {
        return targetForm;
    }

    /** The request-target exactly as sent, percent escapes included. */
    public String target() {
        if (target == null) target = latin1(targetStart, targetEnd);
        return target;
    }

    public int targetOffset() {
        return targetStart;
    }

    public int targetLength() {
        return targetEnd - targetStart;
    }

    /**
     * The path: for origin-form the target up to "?"; for absolute-form the part after the authority (empty if
     * there is none); "*" for asterisk-form; empty for authority-form. Not percent-decoded.
     */
    public String path() {
        if (path == null) path = latin1(pathStart, pathEnd);
        return path;
    }

    public int pathOffset() {
        return pathStart;
    }

    public int pathLength() {
        return pathEnd - pathStart;
    }

    /** Whether the target has a "?"; the query may still be empty. */
    public boolean hasQuery() {
        return queryStart >= 0;
    }

    /** What follows the first "?" of the target, not percent-decoded; null without a "?". */
    public String query() {
        if (query == null && queryStart >= 0) query = latin1(queryStart, queryEnd);
        return query;
    }

    /** Where the query starts in {@link #bytes()}, or -1 without one. */
    public int queryOffset() {
        return queryStart;
    }

    /** The length of the query, or -1 without one. */
    public int queryLength() {
        return queryStart < 0 ? -1 : queryEnd - queryStart;
    }

    public HttpVersion version() {
        return version;
    }

    public boolean isHttp10() {
        return version == HttpVersion.HTTP_1_0;
    }

    public boolean isHttp11() {
        return version == HttpVersion.HTTP_1_1;
    }

    // ---- header fields

    /** The number of field lines, in the order received; a field sent on several lines counts once per line. */
    public int headerCount() {
        return fieldCount;
    }

    /** The name of field {@code i} as sent (case preserved). */
    public String name(int i) {
        Objects.checkIndex(i, fieldCount);
        makeStringArrays();
        String s = names[i];
        if (s == null) names[i] = s = latin1(fields[i * FIELD_INTS], fields[i * FIELD_INTS + 1]);
        return s;
    }

    /** The value of field {@code i}, without leading and trailing whitespace. */
    public String value(int i) {
        Objects.checkIndex(i, fieldCount);
        makeStringArrays();
        String s = values[i];
        if (s == null) values[i] = s = latin1(fields[i * FIELD_INTS + 2], fields[i * FIELD_INTS + 3]);
        return s;
    }

    public int nameOffset(int i) {
        Objects.checkIndex(i, fieldCount);
        return fields[i * FIELD_INTS];
    }

    public int nameLength(int i) {
        Objects.checkIndex(i, fieldCount);
        return fields[i * FIELD_INTS + 1] - fields[i * FIELD_INTS];
    }

    public int valueOffset(int i) {
        Objects.checkIndex(i, fieldCount);
        return fields[i * FIELD_INTS + 2];
    }

    public int valueLength(int i) {
        Objects.checkIndex(i, fieldCount);
        return fields[i * FIELD_INTS + 3] - fields[i * FIELD_INTS + 2];
    }

    /** Whether field {@code i} is named {@code lowerCaseName}, which must be in ASCII lower case. */
    public boolean nameEquals(int i, byte[] lowerCaseName) {
        Objects.checkIndex(i, fieldCount);
        int start = fields[i * FIELD_INTS];
        return HttpChars.equalsLower(bytes, start, fields[i * FIELD_INTS + 1] - start, lowerCaseName);
    }

    /** The index of the first field named {@code lowerCaseName} (ASCII lower case), or -1. */
    public int headerIndex(byte[] lowerCaseName) {
        return headerIndex(lowerCaseName, 0);
    }

    /** The index of the first field at or after {@code from} named {@code lowerCaseName}, or -1. */
    public int headerIndex(byte[] lowerCaseName, int from) {
        int len = lowerCaseName.length;
        for (int i = Math.max(from, 0); i < fieldCount; i++) {
            int start = fields[i * FIELD_INTS];
            if (fields[i * FIELD_INTS + 1] - start == len && HttpChars.equalsLower(bytes, start, len, lowerCaseName)) {
                return i;
            }
        }
        return -1;
    }

    /** The value of the first field named {@code name} (any case), or null. Allocates; for handlers, not hot paths. */
    public String header(String name) {
        for (int i = 0; i < fieldCount; i++) {
            int start = fields[i * FIELD_INTS];
            int len = fields[i * FIELD_INTS + 1] - start;
            if (len == name.length() && nameMatches(start, name)) return value(i);
        }
        return null;
    }

    /** The index of the first field named {@code name} (any case), or -1. Allocates nothing. */
    public int headerIndex(String name, int from) {
        for (int i = Math.max(from, 0); i < fieldCount; i++) {
            int start = fields[i * FIELD_INTS];
            if (fields[i * FIELD_INTS + 1] - start == name.length() && nameMatches(start, name)) return i;
        }
        return -1;
    }

    /**
     * Whether some field named {@code name} (any case) lists {@code token} (ASCII) in its comma-separated value,
     * ignoring case and the whitespace around list elements. Allocates nothing: for protocol checks on every
     * request (an upgrade's Connection and Upgrade fields).
     */
    public boolean hasToken(String name, String token) {
        for (int i = headerIndex(name, 0); i >= 0; i = headerIndex(name, i + 1)) {
            int p = fields[i * FIELD_INTS + 2];
            int end = fields[i * FIELD_INTS + 3];
            while (p <= end) {
                int comma = p;
                while (comma < end && bytes[comma] != ',') comma++;
                int a = p, b = comma;
                while (a < b && (bytes[a] == ' ' || bytes[a] == '\t')) a++;
                while (b > a && (bytes[b - 1] == ' ' || bytes[b - 1] == '\t')) b--;
                if (b - a == token.length() && nameMatches(a, token)) return true;
                p = comma + 1;
            }
        }
        return false;
    }

    private boolean nameMatches(int start, String name) {
        for (int k = 0; k < name.length(); k++) {
            char c = name.charAt(k);
            if (c > 0x7F || HttpChars.LOWER[bytes[start + k] & 0xFF] != HttpChars.LOWER[c]) return false;
        }
        return true;
    }

    /** Whether the value of field {@code i} is exactly {@code value}. */
    public boolean valueEquals(int i, byte[] value) {
        Objects.checkIndex(i, fieldCount);
        int start = fields[i * FIELD_INTS + 2];
        return Arrays.equals(bytes, start, fields[i * FIELD_INTS + 3], value, 0, value.length);
    }

    /** Whether the value of field {@code i} equals {@code lowerCaseValue} (ASCII lower case), ignoring case. */
    public boolean valueEqualsIgnoreCase(int i, byte[] lowerCaseValue) {
        Objects.checkIndex(i, fieldCount);
        int start = fields[i * FIELD_INTS + 2];
        return HttpChars.equalsLower(bytes, start, fields[i * FIELD_INTS + 3] - start, lowerCaseValue);
    }

    /**
     * Copies the value of field {@code i} into {@code dst} at {@code offset}.
     *
     * @return the number of bytes copied, the value's length
     * @throws IndexOutOfBoundsException if it does not fit
     */
    public int copyValue(int i, byte[] dst, int offset) {
        Objects.checkIndex(i, fieldCount);
        int start = fields[i * FIELD_INTS + 2];
        int len = fields[i * FIELD_INTS + 3] - start;
        System.arraycopy(bytes, start, dst, offset, len);
        return len;
    }

    /**
     * The array the head was copied into; every offset this class reports points into it. Read-only by contract,
     * valid until the next request starts, and it may be longer than the head: read only the ranges reported.
     */
    public byte[] bytes() {
        return bytes;
    }

    /** The bytes the head took on the wire, leading empty lines and final CRLF included. */
    public int headLength() {
        return headLength;
    }

    // ---- semantics

    /** The Content-Length, or -1 if there is none (a chunked body, or no body). */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the body is chunked (Transfer-Encoding: chunked). */
    public boolean chunked() {
        return chunked;
    }

    /** Whether a body follows the head: chunked, or a Content-Length above zero. */
    public boolean hasBody() {
        return chunked || contentLength > 0;
    }

    /**
     * Whether the connection may stay open after this exchange: HTTP/1.1 unless "Connection: close"; HTTP/1.0
     * only with "Connection: keep-alive" and without "close".
     */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether an HTTP/1.1 client waits for "100 Continue" before sending the body. */
    public boolean expectContinue() {
        return expectContinue;
    }

    /** Whether the Connection field lists "upgrade" (for protocol switches such as WebSocket). */
    public boolean upgradeRequested() {
        return upgrade;
    }

    public boolean hasHost() {
        return hostIndex >= 0;
    }

    /** The index of the Host field, or -1. */
    public int hostIndex() {
        return hostIndex;
    }

    /** The Host value, or null without one. */
    public String host() {
        return hostIndex < 0 ? null : value(hostIndex);
    }

    private void makeStringArrays() {
        if (names == null || names.length < fieldCount) {
            int n = Math.max(fieldCount, fields.length / FIELD_INTS);
            names = names == null ? new String[n] : Arrays.copyOf(names, n);
            values = values == null ? new String[n] : Arrays.copyOf(values, n);
        }
        fieldStrings = true;
    }

    private String latin1(int start, int end) {
        return new String(bytes, start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        if (!complete) return "RequestHead[incomplete]";
        StringBuilder sb = new StringBuilder(headLength + 16);
        sb.append(methodName()).append(' ').append(target()).append(' ').append(version.text());
        for (int i = 0; i < fieldCount; i++) sb.append('\n').append(name(i)).append(": ").append(value(i));
        return sb.toString();
    }
}
