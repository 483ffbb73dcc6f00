/**
 * The vthread engine: each connection is served by its own virtual thread with blocking reads and writes, and its
 * handler callbacks run under the connection's lock, so they never overlap even when started by timers or tasks.
 */
package dev.gannet.engine.vthread;
