/**
 * The FEP gateway: member sessions in, upstream institution sessions out, routed by message type and destination,
 * replies correlated back by the member's session number in the top bits of the correlation id.
 *
 * <p>Threading: everything runs on the member server's single event loop, upstream connections included
 * ({@link dev.gannet.transport.ClientConfig#sameLoopAs}), so routing takes no lock and no hand-off. Only
 * {@link dev.gannet.fep.gateway.Gateway#start} and {@link dev.gannet.fep.gateway.Gateway#close} run on the caller's
 * thread, before and after the loop ({@code close} hands the members' Logouts to the loop and waits for them).
 * Reconnecting an upstream is started by one shared timer thread, which only opens the connection; everything
 * the connection then does runs on the loop. {@link dev.gannet.fep.gateway.Gateway#status} may be called from any
 * thread: it reads volatile state and counters (the queue lengths it shows may be a moment old).
 */
package dev.gannet.fep.gateway;
