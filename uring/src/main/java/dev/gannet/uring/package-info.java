/**
 * The io_uring engine, in Java over {@code java.lang.foreign} (no JNI). See {@code docs/io_uring.md}.
 *
 * <p>Threading: each {@link dev.gannet.uring.UringLoop} is one platform thread that opens its own
 * {@link dev.gannet.uring.Ring} (opened with {@code SINGLE_ISSUER}, so the kernel too holds it to that thread) and
 * owns its {@link dev.gannet.uring.BufferRing}, slots and connections; every field of a connection is that thread's.
 * Other threads reach a loop only through its task queue (an eventfd write wakes it). {@link dev.gannet.uring.Sockets}
 * and {@link dev.gannet.uring.Uring} are safe from any thread.
 *
 * <p>Memory the kernel may still touch (send chunks, mapped file pieces, receive buffers, descriptors) is released
 * only after the completion that ends the kernel's use of it.
 */
package dev.gannet.uring;
