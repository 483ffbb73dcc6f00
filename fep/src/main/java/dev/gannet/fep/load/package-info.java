/**
 * The latency load driver ({@code gannet fep load}): N member sessions at a fixed rate or at maximum throughput,
 * with latency in an HdrHistogram measured from each order's intended send time at a fixed rate.
 *
 * <p>Threading: each session runs on its client connection's loop; at a fixed rate one pacer thread hands due
 * orders to those loops. Histograms are written by the loops and read by the reporting thread through a
 * {@code Recorder}.
 */
package dev.gannet.fep.load;
