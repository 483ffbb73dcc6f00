package dev.gannet.http;

import dev.gannet.http.router.Router;

import java.nio.charset.StandardCharsets;

/**
 * A directory route asked for without its trailing slash ({@code /static} for {@code /static/*}) is redirected to
 * the slashed path rather than answered 404, so that relative links in the directory's index resolve against it.
 * GET and HEAD get 301, which every client follows; other methods get 308, which keeps the method and the body.
 */
final class DirectoryRedirect {
    private DirectoryRedirect() {
    }

    /** Answers with the redirect and returns true if {@code req} names a directory route without its slash. */
    static boolean answer(Router<?> router, Request req, Response res) {
        String path = req.path();
        byte[] bytes = path.getBytes(StandardCharsets.ISO_8859_1); // as sent: the parser admits no other bytes
        String method = req.method();
        if (!router.isDirectoryWithoutSlash(router.methodIndex(method), bytes, 0, bytes.length)) return false;
        String query = req.queryString();
        boolean safe = method.equals("GET") || method.equals("HEAD");
        res.status(safe ? 301 : 308).header("Location", path + "/" + (query != null ? "?" + query : "")).end();
        return true;
    }
}
