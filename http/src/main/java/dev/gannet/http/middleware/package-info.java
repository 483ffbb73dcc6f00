/**
 * Ready-made {@link dev.gannet.http.Middleware}: request ids, access logging, CORS, compression, error recovery,
 * timeouts for blocking routes, rate limiting, client addresses behind proxies and security headers. Each is a small
 * class with a static factory; those with options take a record {@code Config} built with {@code Config.builder()}.
 *
 * <p>A suggested order, outermost first: {@code RequestId}, {@code AccessLog}, {@code Recovery},
 * {@code SecurityHeaders}, {@code Cors}, {@code RateLimit}, {@code Compression}, {@code Timeout}. Recovery sits
 * outside what can fail, AccessLog outside Recovery sees the final status, Cors answers preflights before the rate
 * limit counts them, and Timeout sits closest to the handler it interrupts.
 */
package dev.gannet.http.middleware;
