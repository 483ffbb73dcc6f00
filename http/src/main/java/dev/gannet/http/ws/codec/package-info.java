/**
 * The pure WebSocket codec: frames and messages of RFC 6455 and the permessage-deflate extension of RFC 7692, with
 * no I/O. The transport feeds received bytes to a {@link dev.gannet.http.ws.codec.MessageDecoder} and writes what
 * {@link dev.gannet.http.ws.codec.FrameEncoder} and {@link dev.gannet.http.ws.codec.Deflation} produce.
 *
 * <p>Threading: nothing here is thread-safe. A decoder, an {@link dev.gannet.http.ws.codec.Inflation}, a
 * {@link dev.gannet.http.ws.codec.Deflation} and a {@link dev.gannet.http.ws.codec.Utf8Validator} each belong to one
 * connection (one direction of it) and are used only on that connection's owner thread (its event loop). The
 * static methods of {@link dev.gannet.http.ws.codec.FrameEncoder} and
 * {@link dev.gannet.http.ws.codec.PerMessageDeflate} keep no state and may be called from any thread.
 */
package dev.gannet.http.ws.codec;
