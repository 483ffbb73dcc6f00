/**
 * The engine SPI. Engines create the threads that own connections; a connection's handler callbacks always run
 * on its owner thread, one at a time.
 */
package dev.gannet.engine;
