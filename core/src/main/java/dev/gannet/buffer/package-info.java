/**
 * Pooled off-heap buffers. A {@link dev.gannet.buffer.BufferPool} made for a loop MUST be used from that loop's
 * thread only; a shared pool and an {@link dev.gannet.buffer.OutboundBuffer} follow the thread rules of their owner.
 */
package dev.gannet.buffer;
