package dev.gannet.testing;

/** How {@link GannetExtension} runs the app under test. */
public enum Mode {
    /**
     * A real server on an ephemeral port of 127.0.0.1; {@link TestClient} talks to it with {@code java.net.http}. Covers
     * the transport, the engine and keep-alive, at the cost of a socket per test class.
     */
    SERVER,
    /**
     * No socket: requests go through {@link dev.gannet.http.LocalConnector}, which runs the same parser, router,
     * middleware and encoder. Faster and needs no port; what it cannot show is the network (engine, timeouts).
     */
    LOCAL
}
