package dev.gannet.bench.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Checks, before anything is measured, that a server keeps the bench's URL contract, so a broken server is
 * reported instead of benchmarked: a server answering 404 fast would otherwise win.
 *
 * <p>A raw HTTP/1.1 client on purpose: it sees exactly the bytes wrk will see (pipelined responses, the
 * {@code Connection: close} header and the closing of the connection), where {@code java.net.http.HttpClient}
 * would hide them or forbid the header.
 */
final class HttpProbe {

    private static final int TIMEOUT_MILLIS = 5_000;
    private static final Pattern JSON_BODY =
            Pattern.compile("\\s*\\{\\s*\"message\"\\s*:\\s*\"Hello, World!\"\\s*}\\s*");

    private HttpProbe() {}

    /** One parsed response; header names are lower case, repeated headers joined with ", ". */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        String text() {
            return new String(body, StandardCharsets.ISO_8859_1);
        }
    }

    /** A client context that trusts exactly the bench's own certificate. */
    static SSLContext trusting(X509Certificate certificate) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("bench", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Checks each workload's URL on the server at {@code port}; {@code tls} is the client context for a TLS
     * server, null for clear text.
     *
     * @return for each workload that failed, why; empty when all passed
     */
    static Map<HttpWorkload, String> validate(int port, SSLContext tls, List<HttpWorkload> workloads,
                                              BenchFiles files, int depth) {
        Map<HttpWorkload, String> failures = new LinkedHashMap<>();
        for (HttpWorkload w : workloads) {
            try {
                String why = check(port, tls, w, files, depth);
                if (why != null) {
                    failures.put(w, "validation of " + w.path + ": " + why);
                }
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                failures.put(w, "validation of " + w.path + ": " + e);
            }
        }
        return failures;
    }

    private static String check(int port, SSLContext tls, HttpWorkload w, BenchFiles files, int depth)
            throws IOException, GeneralSecurityException {
        switch (w) {
            case PLAINTEXT, TLS -> {
                return plaintext(exchange(port, tls, get(w.path, port, ""), 1, false).getFirst());
            }
            case PIPELINED -> {
                List<Response> all = exchange(port, tls, get(w.path, port, "").repeat(depth), depth, false);
                for (int i = 0; i < all.size(); i++) {
                    String why = plaintext(all.get(i));
                    if (why != null) {
                        return "pipelined response " + (i + 1) + " of " + depth + ": " + why;
                    }
                }
                return null;
            }
            case JSON -> {
                Response r = exchange(port, tls, get(w.path, port, ""), 1, false).getFirst();
                String why = common(r, "application/json");
                if (why == null && !JSON_BODY.matcher(r.text()).matches()) {
                    why = "body is " + quote(r.text()) + ", expected {\"message\":\"Hello, World!\"}";
                }
                return why;
            }
            case STATIC -> {
                Response r = exchange(port, tls, get(w.path, port, ""), 1, false).getFirst();
                if (r.status() != 200) {
                    return "status " + r.status() + ", expected 200";
                }
                if (!Arrays.equals(r.body(), files.staticBytes())) {
                    return "body (" + r.body().length + " bytes) differs from the file (" + files.staticBytes().length
                            + " bytes)";
                }
                return r.header("content-length") == null ? "no Content-Length header" : null;
            }
            case SLEEP -> {
                long start = System.nanoTime();
                Response r = exchange(port, tls, get(w.path, port, ""), 1, false).getFirst();
                long micros = (System.nanoTime() - start) / 1_000;
                if (r.status() != 200 || r.body().length == 0) {
                    return "status " + r.status() + " with " + r.body().length + " body bytes, expected 200 and a body";
                }
                return micros < 1_000 ? "answered in " + micros + " µs, so it did not sleep 1 ms" : null;
            }
            case CLOSE -> {
                // exchange(..., true) also requires the server to close the connection after the response.
                Response r = exchange(port, tls, get(w.path, port, "Connection: close\r\n"), 1, true).getFirst();
                if (r.status() != 200 || r.body().length != 1024) {
                    return "status " + r.status() + " with " + r.body().length + " body bytes, expected 200 and 1024";
                }
                String connection = r.header("connection");
                if (connection == null || !connection.toLowerCase(Locale.ROOT).contains("close")) {
                    // RFC 9112 9.6: SHOULD. wrk decides to reconnect by it; without it every close is a read error.
                    return "the response to Connection: close has no Connection: close header";
                }
                return null;
            }
            default -> throw new IllegalStateException("no check for " + w);
        }
    }

    private static String plaintext(Response r) {
        String why = common(r, "text/plain");
        if (why == null && !r.text().equals("Hello, World!")) {
            why = "body is " + quote(r.text()) + ", expected \"Hello, World!\"";
        }
        return why;
    }

    /** Status 200, the content type, and the headers TechEmpower requires of every response. */
    private static String common(Response r, String contentType) {
        if (r.status() != 200) {
            return "status " + r.status() + ", expected 200 (body " + quote(r.text()) + ")";
        }
        String type = r.header("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(contentType)) {
            return "Content-Type is " + type + ", expected " + contentType;
        }
        for (String h : List.of("server", "date", "content-length")) {
            if (r.header(h) == null) {
                return "no " + h + " header (TechEmpower requires Server, Date and Content-Length)";
            }
        }
        return null;
    }

    private static String get(String path, int port, String extraHeaders) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + extraHeaders + "\r\n";
    }

    /**
     * Sends {@code requests} in one write on a new connection and reads {@code responses} responses; with
     * {@code expectClose}, the server must then close the connection.
     */
    static List<Response> exchange(int port, SSLContext tls, String requests, int responses, boolean expectClose)
            throws IOException {
        try (Socket socket = open(port, tls)) {
            OutputStream out = socket.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            Response[] read = new Response[responses];
            for (int i = 0; i < responses; i++) {
                read[i] = read(in);
            }
            if (expectClose) {
                try {
                    int next = in.read();
                    if (next >= 0) {
                        throw new IOException("bytes after the response to Connection: close");
                    }
                } catch (SocketTimeoutException e) {
                    throw new IOException("the server kept the connection open " + TIMEOUT_MILLIS
                            + " ms after answering a request with Connection: close");
                } catch (IOException e) {
                    // A reset instead of a FIN still closes the connection; wrk counts it as a read error, though.
                    if (!isReset(e)) {
                        throw e;
                    }
                }
            }
            return List.of(read);
        }
    }

    private static boolean isReset(IOException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return m.contains("reset") || m.contains("broken pipe");
    }

    private static Socket open(int port, SSLContext tls) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        plain.setSoTimeout(TIMEOUT_MILLIS);
        plain.setTcpNoDelay(true);
        if (tls == null) {
            return plain;
        }
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, "localhost", port, true);
        s.setSoTimeout(TIMEOUT_MILLIS);
        s.startHandshake();
        return s;
    }

    /** Reads one response: status line, headers, and a body framed by Content-Length, chunks, or the close. */
    static Response read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) {
            throw new EOFException("the server closed the connection without a response");
        }
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + quote(status));
        }
        int code;
        try {
            code = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("bad status line: " + quote(status));
        }
        Map<String, String> headers = new HashMap<>();
        for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("bad header line: " + quote(h));
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        byte[] body;
        String te = headers.get("transfer-encoding");
        String cl = headers.get("content-length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = chunked(in);
        } else if (cl != null) {
            int length = Integer.parseInt(cl.split(",")[0].trim());
            body = in.readNBytes(length);
            if (body.length < length) {
                throw new EOFException("body ended after " + body.length + " of " + length + " bytes");
            }
        } else if (code == 204 || code == 304 || (code >= 100 && code < 200)) {
            body = new byte[0];
        } else {
            body = in.readAllBytes();
        }
        return new Response(code, headers, body);
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                throw new EOFException("chunked body ended early");
            }
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
            if (n == 0) {
                for (String t = line(in); t != null && !t.isEmpty(); t = line(in)) {
                    // Trailers: none expected, skipped.
                }
                return body.toByteArray();
            }
            byte[] chunk = in.readNBytes(n);
            if (chunk.length < n) {
                throw new EOFException("chunk ended early");
            }
            body.write(chunk);
            line(in);
        }
    }

    /** One line without its CRLF (or bare LF), or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return sb.isEmpty() ? null : sb.toString();
            }
            if (b == '\n') {
                int end = sb.length();
                if (end > 0 && sb.charAt(end - 1) == '\r') {
                    sb.setLength(end - 1);
                }
                return sb.toString();
            }
            if (sb.length() > 16_384) {
                throw new IOException("line longer than 16 KB");
            }
            sb.append((char) b);
        }
    }

    private static String quote(String s) {
        String shown = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return "\"" + shown.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }
}
