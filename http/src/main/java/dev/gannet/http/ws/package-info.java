/**
 * WebSocket (RFC 6455, with permessage-deflate from RFC 7692): server endpoints ({@code HttpServer.ws}), a client
 * ({@link dev.gannet.http.ws.WebSocketClient}), and topics for broadcasts encoded once.
 *
 * <p>Threading: a socket's callbacks run on its connection's event loop, one at a time. {@code send}, {@code ping}
 * and {@code close} may be called from any thread; off the loop they re-enter it. {@link dev.gannet.http.ws.Topics}
 * and {@link dev.gannet.http.ws.Topic} are thread-safe; a topic keeps its subscribers per event loop and touches
 * each group only on its own loop. A {@link dev.gannet.http.ws.Fanout} is called from any thread and must not block.
 */
package dev.gannet.http.ws;
