/** The {@code gannet} command line. Commands run on the main thread; servers run on their engines' threads. */
package dev.gannet.server;
