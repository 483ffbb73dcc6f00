package dev.gannet.transport;

/** What the transport does after a handler callback returns. */
public enum Action {
    /** Keep the connection open. */
    KEEP,
    /** Flush what is pending, then close this connection. */
    CLOSE,
    /** Close this connection and start a graceful shutdown of the whole server. */
    SHUTDOWN
}
