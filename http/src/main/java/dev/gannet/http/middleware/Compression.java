package dev.gannet.http.middleware;

import dev.gannet.http.HttpHandler;
import dev.gannet.http.Middleware;
import dev.gannet.http.Request;
import dev.gannet.http.Response;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip or deflate for bodies worth compressing. The coding is picked from {@code Accept-Encoding} with its q-values
 * (gzip preferred on a tie, {@code q=0} refuses a coding, identity when nothing else is acceptable); the body is
 * compressed just before it is sent, through the response's body filter, when it is at least {@code minSize} bytes of
 * a compressible type and carries no {@code Content-Encoding} yet. HEAD, 1xx, 204, 206 and 304 responses are left
 * alone. {@code Vary: Accept-Encoding} goes on every response that would have been compressed for another client.
 *
 * <p>A body that does not shrink is sent as it was. {@code sendFile} bodies are never compressed (they do not pass
 * through filters); a strong ETag set by the handler is kept as is.
 */
public final class Compression implements Middleware {
    /**
     * @param minSize smallest body compressed; below about a kilobyte the header and CPU cost more than they save
     * @param level   deflate level, 1 (fast) to 9 (small)
     * @param types   compressible media types: {@code type/subtype}, {@code type/*}, or {@code *+suffix}
     * @param gzip    offer gzip
     * @param deflate offer deflate (zlib-wrapped, as HTTP's "deflate" means)
     */
    public record Config(int minSize, int level, List<String> types, boolean gzip, boolean deflate) {
        public static final int DEFAULT_MIN_SIZE = 1024;
        public static final int DEFAULT_LEVEL = 6;
        public static final List<String> DEFAULT_TYPES = List.of("text/*", "application/json", "application/javascript",
                "application/xml", "application/wasm", "application/x-ndjson", "image/svg+xml", "*+json", "*+xml");

        public Config {
            if (minSize < 0) throw new IllegalArgumentException("minSize must be >= 0");
            if (level < 1 || level > 9) throw new IllegalArgumentException("level must be 1..9");
            types = List.copyOf(types);
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private int minSize = DEFAULT_MIN_SIZE;
            private int level = DEFAULT_LEVEL;
            private List<String> types = DEFAULT_TYPES;
            private boolean gzip = true;
            private boolean deflate = true;

            public Builder minSize(int v) { minSize = v; return this; }
            public Builder level(int v) { level = v; return this; }
            public Builder types(List<String> v) { types = v; return this; }
            public Builder types(String... v) { types = List.of(v); return this; }
            public Builder gzip(boolean v) { gzip = v; return this; }
            public Builder deflate(boolean v) { deflate = v; return this; }

            public Config build() {
                return new Config(minSize, level, types, gzip, deflate);
            }
        }
    }

    enum Coding { IDENTITY, GZIP, DEFLATE }

    /** Scratch buffers above this are dropped after use rather than kept per thread. */
    private static final int MAX_RETAINED_SCRATCH = 1 << 20;
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final Config config;
    private final String[] exact;
    private final String[] prefixes;
    private final String[] suffixes;
    /** One filter per coding, built once: the coding is all a filter needs to know about the request. */
    private final Response.BodyFilter[] filters = new Response.BodyFilter[Coding.values().length];
    /**
     * Deflaters hold native memory and are costly to create, so each event-loop thread keeps its own. Virtual threads
     * are one per request, where a thread-local would create one per request anyway; they borrow from a small pool.
     */
    private final ThreadLocal<Coders> perThread;
    private final ArrayBlockingQueue<Coders> pool;

    private Compression(Config config) {
        this.config = config;
        this.exact = config.types().stream().filter(t -> !t.endsWith("/*") && !t.startsWith("*")).map(Compression::lower).toArray(String[]::new);
        this.prefixes = config.types().stream().filter(t -> t.endsWith("/*")).map(t -> lower(t.substring(0, t.length() - 1))).toArray(String[]::new);
        this.suffixes = config.types().stream().filter(t -> t.startsWith("*") && !t.endsWith("/*")).map(t -> lower(t.substring(1))).toArray(String[]::new);
        for (Coding c : Coding.values()) filters[c.ordinal()] = (res, body, offset, length) -> filter(c, res, body, offset, length);
        int level = config.level();
        this.perThread = ThreadLocal.withInitial(() -> new Coders(level));
        this.pool = new ArrayBlockingQueue<>(Math.max(4, Runtime.getRuntime().availableProcessors()));
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** gzip and deflate, level 6, bodies from 1 KiB, the default types. */
    public static Compression create() {
        return new Compression(Config.builder().build());
    }

    public static Compression create(Config config) {
        return new Compression(config);
    }

    @Override
    public void handle(Request req, Response res, HttpHandler next) throws Exception {
        if (!"HEAD".equals(req.method())) {
            Coding coding = negotiate(req.header("Accept-Encoding"), config.gzip(), config.deflate());
            res.addBodyFilter(filters[coding.ordinal()]);
        }
        next.handle(req, res);
    }

    /**
     * The coding to use. An absent header gets identity: RFC 9110 would allow any coding, but clients that send no
     * Accept-Encoding (scripts, health checks) rarely decode. {@code *} stands for codings not named.
     */
    static Coding negotiate(String acceptEncoding, boolean gzipOn, boolean deflateOn) {
        if (acceptEncoding == null) return Coding.IDENTITY;
        double gzip = -1, deflate = -1, any = -1;
        for (String element : acceptEncoding.split(",")) {
            int semi = element.indexOf(';');
            String name = (semi < 0 ? element : element.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
            double q = semi < 0 ? 1 : qValue(element.substring(semi + 1));
            if (q < 0) continue;
            switch (name) {
                case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
                case "deflate" -> deflate = Math.max(deflate, q);
                case "*" -> any = q;
                default -> { }
            }
        }
        if (gzip < 0) gzip = any;
        if (deflate < 0) deflate = any;
        if (!gzipOn) gzip = 0;
        if (!deflateOn) deflate = 0;
        if (gzip > 0 && gzip >= deflate) return Coding.GZIP;
        if (deflate > 0) return Coding.DEFLATE;
        return Coding.IDENTITY;
    }

    /** The q parameter of an element's parameters, 1 without one, -1 when malformed (the element is then ignored). */
    private static double qValue(String params) {
        for (String p : params.split(";")) {
            int eq = p.indexOf('=');
            if (eq < 0 || !p.substring(0, eq).trim().equalsIgnoreCase("q")) continue;
            String v = p.substring(eq + 1).trim();
            if (v.isEmpty() || v.length() > 5 || !(Character.isDigit(v.charAt(0)))) return -1;
            try {
                double q = Double.parseDouble(v);
                return q >= 0 && q <= 1 ? q : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return 1;
    }

    boolean compressible(String contentType) {
        if (contentType == null) return false;
        int semi = contentType.indexOf(';');
        String t = lower((semi < 0 ? contentType : contentType.substring(0, semi)).trim());
        for (String e : exact) if (t.equals(e)) return true;
        for (String p : prefixes) if (t.startsWith(p)) return true;
        for (String s : suffixes) if (t.endsWith(s)) return true;
        return false;
    }

    private byte[] filter(Coding coding, Response res, byte[] body, int offset, int length) {
        if (length < config.minSize()) return null;
        int status = res.status();
        if (status < 200 || status == 204 || status == 206 || status == 304) return null;
        if (res.header("Content-Encoding") != null) return null;
        if (!compressible(res.contentType() != null ? res.contentType() : res.header("Content-Type"))) return null;
        String vary = res.header("Vary");
        if (vary == null || !(vary.contains("*") || lower(vary).contains("accept-encoding"))) res.header("Vary", "Accept-Encoding");
        if (coding == Coding.IDENTITY) return null;
        byte[] out = compress(coding, body, offset, length);
        if (out == null) return null;
        res.header("Content-Encoding", coding == Coding.GZIP ? "gzip" : "deflate");
        return out;
    }

    /** The compressed body, or null when it would not be smaller than {@code length}. */
    byte[] compress(Coding coding, byte[] body, int offset, int length) {
        boolean virtual = Thread.currentThread().isVirtual();
        Coders k = virtual ? pool.poll() : perThread.get();
        if (k == null) k = new Coders(config.level());
        try {
            return k.compress(coding == Coding.GZIP, body, offset, length);
        } finally {
            if (virtual && !pool.offer(k)) k.end();
        }
    }

    /** One thread's compressors and scratch space. */
    private static final class Coders {
        /** Raw deflate for gzip, which adds its own header and trailer. */
        private final Deflater raw;
        /** zlib-wrapped deflate: what HTTP calls "deflate". */
        private final Deflater zlib;
        private final CRC32 crc = new CRC32();
        private byte[] scratch = new byte[8192];

        Coders(int level) {
            raw = new Deflater(level, true);
            zlib = new Deflater(level, false);
        }

        byte[] compress(boolean gzip, byte[] body, int offset, int length) {
            Deflater d = gzip ? raw : zlib;
            // Output as long as the input is already a loss, so the buffer never needs to be bigger than that.
            int limit = length;
            byte[] buf = scratch.length >= limit ? scratch : new byte[limit];
            int pos = 0;
            try {
                d.setInput(body, offset, length);
                d.finish();
                if (gzip) {
                    if (limit < GZIP_HEADER.length + 8) return null;
                    System.arraycopy(GZIP_HEADER, 0, buf, 0, GZIP_HEADER.length);
                    pos = GZIP_HEADER.length;
                }
                while (!d.finished()) {
                    if (pos >= limit) return null;
                    pos += d.deflate(buf, pos, limit - pos);
                }
                if (gzip) {
                    if (pos + 8 > limit) return null;
                    crc.reset();
                    crc.update(body, offset, length);
                    pos = putIntLE(buf, pos, (int) crc.getValue());
                    pos = putIntLE(buf, pos, length);
                }
                return pos < length ? Arrays.copyOf(buf, pos) : null;
            } finally {
                // reset() also drops the reference to the body, which a kept Deflater would otherwise pin.
                d.reset();
                if (buf != scratch && buf.length <= MAX_RETAINED_SCRATCH) scratch = buf;
            }
        }

        private static int putIntLE(byte[] b, int pos, int v) {
            b[pos] = (byte) v;
            b[pos + 1] = (byte) (v >>> 8);
            b[pos + 2] = (byte) (v >>> 16);
            b[pos + 3] = (byte) (v >>> 24);
            return pos + 4;
        }

        void end() {
            raw.end();
            zlib.end();
        }
    }
}
