/**
 * The {@code gannet} command line. Commands run on the main thread; servers run on their engines' threads. The
 * dashboard's stats ({@code StatsFeed}) are sampled on a ticker thread of their own.
 */
package dev.gannet.server;
