package dev.gannet.http;

/**
 * Code around every route's handler: logging, headers, limits. Call {@code next.handle(request, response)} to go on,
 * or answer and return to stop. Middleware added with {@link HttpServer#use} runs in the order added, outermost
 * first, for matched routes and for 404/405 alike. Chains are composed once at start, so a request walks them
 * without allocating.
 */
@FunctionalInterface
public interface Middleware {
    void handle(Request request, Response response, HttpHandler next) throws Exception;
}
