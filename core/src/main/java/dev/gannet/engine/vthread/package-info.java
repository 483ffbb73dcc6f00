/**
 * The vthread engine: each connection is served by its own virtual thread with blocking reads and writes, and its
 * handler callbacks run under the connection's lock, so they never overlap even when started by timers or tasks.
 * A write to a peer that does not read blocks holding that lock; abort, and the close deadline of a close asked for
 * meanwhile, do not need it. Tasks handed to a connection run on it (under its lock) even after it closed.
 */
package dev.gannet.engine.vthread;
