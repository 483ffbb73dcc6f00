/**
 * FEP sessions: logon, sequence numbers in both directions, gap fill by replay, duplicates, heartbeats and test
 * requests, and the throttle, on core transport connections ({@link dev.gannet.fep.session.SessionHandler}).
 *
 * <p>Threading: a {@link dev.gannet.fep.session.Session} and its {@link dev.gannet.fep.session.SessionStore} are used
 * only by the thread that owns the session's current connection; another thread hands work over with
 * {@code session.connection().execute(...)}. Counters are safe to read from anywhere.
 */
package dev.gannet.fep.session;
