/**
 * TLS 1.3 and 1.2 over the JDK's SSLEngine, as a {@link dev.gannet.transport.Handler} decorator so that every engine
 * gets it. All TLS state of a connection is touched inside that connection's callbacks only; calls from other threads
 * are handed to it through {@link dev.gannet.transport.Connection#execute}. The parts a {@link TlsConnection} owns
 * ({@link TlsOutbound}, its sending side; {@link TlsHandshake}; {@link DelegatedTasks}; {@link PostHandshakeGuard})
 * follow the same rule, except a delegated task itself, which runs on {@link TlsConfig#delegatedTaskExecutor()} while
 * the connection leaves its engine alone. {@link BufferCache} is shared by every connection and safe on any thread.
 */
package dev.gannet.tls;
