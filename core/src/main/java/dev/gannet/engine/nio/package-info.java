/**
 * The java.nio engine. Each {@code NioLoop} thread owns its selector, buffer pool and connections; connection state
 * is touched only on that thread, and other threads reach it through the loop's task queue.
 */
package dev.gannet.engine.nio;
