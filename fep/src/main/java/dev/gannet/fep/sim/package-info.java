/**
 * The institution simulator ({@code gannet fep exchange}): accepts the gateway's upstream sessions, acks and fills
 * orders, answers transfers and account queries, and injects faults on command.
 *
 * <p>Threading: sessions run on the simulator's event loops; fault commands (from tests or the control port) are
 * handed to each session's loop.
 */
package dev.gannet.fep.sim;
