/**
 * The FEP gateway (financial external platform): a binary protocol between a securities firm's order systems and
 * outside institutions, carried over sessions with sequence numbers and a journal.
 *
 * <ul>
 *   <li>{@code wire}: the protocol's frames, read and written in place by flyweights; pure, no I/O.</li>
 *   <li>{@code journal}: one append-only file per session.</li>
 *   <li>{@code session}: logon, sequence numbers, gap fill, heartbeats, throttle, on core transport connections.</li>
 *   <li>{@code gateway}: routes member requests to upstream institutions and replies back.</li>
 *   <li>{@code sim}, {@code load}: the institution simulator and the latency load driver.</li>
 * </ul>
 *
 * <p>Threading: a session belongs to the thread of its connection; the gateway runs every session on one event
 * loop, so routing between them needs no locks. A journal is written by that thread only; its group-commit thread
 * only forces the file. {@code FepMain} (the command line) runs on the main thread and a shutdown hook.
 */
package dev.gannet.fep;
