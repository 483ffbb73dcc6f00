package dev.gannet.http;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * Serves a directory: mount it on a wildcard route ({@code app.get("/static/*", StaticFiles.of(dir))}). Files go
 * out with sendfile; ETag and Last-Modified give 304s; a single byte range gives 206. A directory asked for without
 * its trailing slash is redirected to it (the route's own root is, by the server: {@code /static} to
 * {@code /static/}). A request that would leave
 * the directory (dot segments, encoded slashes, symbolic links pointing out) gets 404, never the file.
 */
public final class StaticFiles implements HttpHandler {
    /** For reading If-Modified-Since: it also accepts a one-digit day, which some clients send. */
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"), Map.entry("wasm", "application/wasm"), Map.entry("pdf", "application/pdf"),
            Map.entry("woff2", "font/woff2"), Map.entry("woff", "font/woff"), Map.entry("mp4", "video/mp4"),
            Map.entry("bin", "application/octet-stream"));

    private final Path root;

    private StaticFiles(Path root) throws IOException {
        this.root = root.toRealPath();
        if (!Files.isDirectory(this.root)) throw new IllegalArgumentException(root + " is not a directory");
    }

    public static StaticFiles of(Path root) throws IOException {
        return new StaticFiles(root);
    }

    @Override
    public void handle(Request req, Response res) throws Exception {
        Entry e = lookup(req.pathParam("*"));
        if (e == null) {
            res.status(404).text("Not Found");
            return;
        }
        if (e.directoryWithoutSlash) {
            // Its index's relative links resolve against the slashed path only, as in nginx.
            String query = req.queryString();
            res.status(301).header("Location", req.path() + "/" + (query != null ? "?" + query : "")).end();
            return;
        }
        res.header("ETag", e.etag).header("Last-Modified", e.lastModified).header("Accept-Ranges", "bytes");
        if (notModified(req, e.etag, e.modifiedMillis)) {
            res.status(304).end();
            return;
        }
        res.contentType(e.contentType);
        long start = 0, count = e.size;
        String range = req.header("range");
        if (range != null && (req.header("if-range") == null || req.header("if-range").equals(e.etag))) {
            long[] r = parseRange(range, e.size);
            if (r == null) {
                res.status(416).header("Content-Range", "bytes */" + e.size).end();
                return;
            }
            if (r.length == 2) {
                start = r[0];
                count = r[1] - r[0] + 1;
                res.status(206).header("Content-Range", "bytes " + r[0] + "-" + r[1] + "/" + e.size);
            }
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(e.file, StandardOpenOption.READ);
        } catch (java.nio.file.NoSuchFileException gone) {
            cache.remove(req.pathParam("*"));
            res.status(404).text("Not Found");
            return;
        }
        res.sendFile(ch, start, count);
    }

    /**
     * What is known about a file: resolving a path safely costs several system calls (one per path component to
     * follow links), and a busy static route asks for the same few files again and again. Entries are trusted for
     * {@link #FRESH_NANOS}, as nginx's open file cache does, so a changed file is seen within a second.
     */
    private record Entry(Path file, long size, long modifiedMillis, String etag, String lastModified, String contentType,
                         boolean directoryWithoutSlash, long checkedAt) {
    }

    private static final long FRESH_NANOS = 1_000_000_000L;
    private static final int MAX_ENTRIES = 4096;
    private final java.util.concurrent.ConcurrentHashMap<String, Entry> cache = new java.util.concurrent.ConcurrentHashMap<>();

    private Entry lookup(String relative) throws IOException {
        String key = relative == null ? "" : relative;
        Entry e = cache.get(key);
        long now = System.nanoTime();
        if (e != null && now - e.checkedAt < FRESH_NANOS) return e;
        Path file = resolve(key);
        if (file == null) {
            cache.remove(key);
            return null;
        }
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        long modified = attrs.lastModifiedTime().toMillis() / 1000 * 1000;
        e = new Entry(file, attrs.size(), modified, "\"" + Long.toHexString(attrs.size()) + "-" + Long.toHexString(modified) + "\"",
                DateHeader.IMF_FIXDATE.format(Instant.ofEpochMilli(modified)), contentType(file),
                !key.isEmpty() && !key.endsWith("/") && Files.isDirectory(root.resolve(key)), now);
        if (cache.size() >= MAX_ENTRIES) cache.clear();
        cache.put(key, e);
        return e;
    }

    /** The file for a raw (percent-encoded) relative path, or null if it is missing or outside the root. */
    Path resolve(String relative) {
        if (relative == null) relative = "";
        // Decoded by the router already; refuse what could climb out or smuggle a separator.
        if (relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) return null;
        for (String seg : relative.split("/")) {
            if (seg.equals("..") || seg.equals(".")) return null;
        }
        try {
            Path p = root.resolve(relative).normalize();
            if (!p.startsWith(root)) return null;
            if (Files.isDirectory(p)) p = p.resolve("index.html");
            if (!Files.isRegularFile(p)) return null;
            // Follow links, then check again: a link inside the root may point outside it.
            Path real = p.toRealPath();
            if (!real.startsWith(root) || !Files.isReadable(real)) return null;
            return real;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return null;
        }
    }

    private static boolean notModified(Request req, String etag, long modified) {
        String inm = req.header("if-none-match");
        if (inm != null) {
            for (String t : inm.split(",")) {
                String tag = t.trim();
                if (tag.equals("*") || tag.equals(etag) || tag.equals("W/" + etag)) return true;
            }
            return false;
        }
        String ims = req.header("if-modified-since");
        if (ims != null) {
            try {
                return ZonedDateTime.parse(ims, RFC_1123).toInstant().toEpochMilli() >= modified;
            } catch (DateTimeParseException e) {
                return false;
            }
        }
        return false;
    }

    /**
     * A single {@code bytes=} range as {start, end} inclusive; an empty array means "ignore the header" (several
     * ranges, or another unit: the whole file is sent); null means unsatisfiable (416).
     */
    static long[] parseRange(String header, long size) {
        if (!header.startsWith("bytes=")) return new long[0];
        String spec = header.substring(6).trim();
        if (spec.contains(",")) return new long[0];
        int dash = spec.indexOf('-');
        if (dash < 0) return new long[0];
        try {
            String a = spec.substring(0, dash).trim(), b = spec.substring(dash + 1).trim();
            long start, end;
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                if (suffix <= 0) return null;
                start = Math.max(0, size - suffix);
                end = size - 1;
            } else {
                start = Long.parseLong(a);
                end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            }
            if (start < 0 || start >= size || end < start) return null;
            return new long[] {start, end};
        } catch (NumberFormatException e) {
            return new long[0];
        }
    }

    static String contentType(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }
}
