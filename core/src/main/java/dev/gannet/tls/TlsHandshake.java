package dev.gannet.tls;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Connection.Cancellable;
import java.time.Duration;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Drives one {@link TlsConnection}'s handshakes: does what the engine asks (delegated tasks, handshake messages to
 * send) until it needs bytes from the peer, opens the connection when the first handshake finishes, and fails it
 * if that takes longer than the configured timeout. Steps after the first handshake (TLS 1.3 post-handshake
 * messages, a TLS 1.2 renegotiation) take the same path, whether decrypting or encrypting asked for them.
 *
 * <p>Owned by its connection and touched only where the connection's own state is (inside its callbacks, see
 * there). The timeout's task is the exception: it runs as a transport task of the raw connection, which the
 * transport serializes with the callbacks.
 */
final class TlsHandshake {

    private final TlsConnection conn;
    private final Connection raw;
    private final SSLEngine engine;
    private final DelegatedTasks tasks;
    private final TlsOutbound out;

    private Cancellable timer;
    private boolean done;             // the first handshake finished
    private PostHandshakeGuard guard; // once it has
    private String applicationProtocol;

    TlsHandshake(TlsConnection conn, Connection raw, SSLEngine engine, DelegatedTasks tasks, TlsOutbound out) {
        this.conn = conn;
        this.raw = raw;
        this.engine = engine;
        this.tasks = tasks;
        this.out = out;
    }

    boolean done() {
        return done;
    }

    /** What checks the peer's records once the first handshake is done; null before. */
    PostHandshakeGuard guard() {
        return guard;
    }

    /** The protocol ALPN agreed on, or null. */
    String applicationProtocol() {
        return applicationProtocol;
    }

    /** Fails the connection unless the first handshake finishes within {@code timeout}. */
    void startTimer(Duration timeout) {
        timer = raw.schedule(() -> timedOut(timeout), timeout);
    }

    void cancelTimer() {
        if (timer != null) timer.cancel();
    }

    /** Starts the first handshake: a client sends its hello now, a server waits for one. */
    Action begin() throws SSLException {
        engine.beginHandshake();
        return step(engine.getHandshakeStatus());
    }

    /** Does what the engine asks until it needs bytes from the peer. */
    Action step(HandshakeStatus hs) throws SSLException {
        while (true) {
            switch (hs) {
                case NEED_TASK -> {
                    // Certificate checks, signatures, key agreement: off this thread unless configured inline.
                    if (tasks.start(engine::getDelegatedTask)) return Action.KEEP; // tasksDone goes on from here
                    hs = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    SSLEngineResult r = out.wrapHandshake();
                    if (r.getStatus() == Status.CLOSED && r.bytesProduced() == 0) return Action.KEEP;
                    hs = r.getHandshakeStatus();
                }
                case FINISHED -> {
                    // A renegotiation (TLS 1.2) may have held writes back; the first handshake opens.
                    Action a = done ? drainBacklogKeep() : finished();
                    if (a != Action.KEEP) return a;
                    hs = engine.getHandshakeStatus();
                }
                default -> {
                    // NOT_HANDSHAKING without FINISHED: some engines report completion only this way.
                    if (hs == HandshakeStatus.NOT_HANDSHAKING && !done && !out.outboundClosed()
                            && !"SSL_NULL_WITH_NULL_NULL".equals(engine.getSession().getCipherSuite())) {
                        return finished();
                    }
                    return Action.KEEP;
                }
            }
        }
    }

    private Action drainBacklogKeep() {
        out.drainBacklog();
        return Action.KEEP;
    }

    private Action finished() {
        done = true;
        guard = new PostHandshakeGuard(engine);
        cancelTimer();
        String alpn = engine.getApplicationProtocol();
        applicationProtocol = alpn == null || alpn.isEmpty() ? null : alpn;
        out.drainBacklog(); // what was written before the handshake, in order, ahead of onOpen's writes
        if (out.closeRequested()) return Action.KEEP; // closed (from another thread) before it was ever open
        return conn.open();
    }

    private void timedOut(Duration timeout) {
        if (!done && raw.isOpen()) {
            raw.abort(new SSLHandshakeException("TLS handshake not finished within " + timeout.toMillis() + " ms"));
        }
    }
}
