/**
 * Engine-agnostic transport API: handlers, connections, configs, servers and clients. Handler callbacks for a
 * connection run on the thread that owns it, one at a time; {@link dev.gannet.transport.Connection} methods may be
 * called from any thread, and calls from other threads are handed to the owner.
 */
package dev.gannet.transport;
