/**
 * TLS 1.3 and 1.2 over the JDK's SSLEngine, as a {@link dev.gannet.transport.Handler} decorator so that every engine
 * gets it. All TLS state of a connection is touched inside that connection's callbacks only; calls from other threads
 * are handed to it through {@link dev.gannet.transport.Connection#execute}.
 */
package dev.gannet.tls;
