/**
 * HTTP/1.1 wire format: push parsers for request heads and bodies (RFC 9112), with no I/O. A parser, its heads and
 * its body decoders belong to one connection and are driven from that connection's callbacks only; nothing here is
 * thread safe, and byte buffers handed to sinks are views valid during the call.
 */
package dev.gannet.http.h1;
