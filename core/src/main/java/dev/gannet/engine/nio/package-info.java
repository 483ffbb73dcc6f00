/**
 * The java.nio engine. Each {@code NioLoop} thread owns its poller (epoll through FFM, or the JDK selector), buffer
 * pool and connections; connection state is touched only on that thread, and other threads reach it through the
 * loop's task queue, whose only cross-thread call into the poller is {@code Poller.wakeup}.
 */
package dev.gannet.engine.nio;
