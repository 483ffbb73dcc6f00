/**
 * The vthread engine: each connection is served by its own virtual thread with blocking reads and writes, and its
 * handler callbacks run under the connection's lock, so they never overlap even when started by timers or tasks.
 * The owner is whoever holds that lock. A write to a peer that does not read blocks its thread; once the socket is
 * full it goes on without the lock, so other callbacks still run, and abort and the close deadline never need it.
 * Tasks handed to a connection run on it (under its lock) even after it closed.
 */
package dev.gannet.engine.vthread;
