/**
 * The HTTP router: a radix tree from (method, path) to a handler of any type, independent of the rest of the HTTP
 * layer. Build a {@link dev.gannet.http.router.Router} once, then match each request's raw path bytes into a reused
 * {@link dev.gannet.http.router.RouteMatch}; matching allocates nothing.
 */
package dev.gannet.http.router;
