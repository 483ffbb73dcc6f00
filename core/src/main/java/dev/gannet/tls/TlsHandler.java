package dev.gannet.tls;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * Adds TLS to any {@link Handler}: wrap the application's handler in one of these and give it to any
 * engine. The engine sees TLS records; the application's handler sees a {@link TlsConnection} carrying
 * plaintext, with the same callbacks and the same contracts as on plain TCP.
 *
 * <p>Per connection, the state (an {@link SSLEngine} and its buffers) lives in a {@link TlsConnection} kept
 * in the raw connection's context; the application's own context is a separate field of the TLS
 * connection, so the application uses {@code context()} exactly as without TLS.
 *
 * <ul>
 *   <li>The application's {@code onOpen} runs when the handshake has finished, not when the TCP connection
 *       opens, so what it writes there is already encrypted and {@code applicationProtocol()} is known.</li>
 *   <li>A handshake that fails (no common protocol or cipher suite, a bad certificate, a plaintext client)
 *       or does not finish within {@link TlsConfig#handshakeTimeout()} closes the connection with the
 *       {@link SSLException} as the cause, after sending the peer the TLS alert saying why. The
 *       application then sees {@code onClose} without having seen {@code onOpen}.</li>
 *   <li>The handshake's expensive steps (the engine's delegated tasks) run on
 *       {@link TlsConfig#delegatedTaskExecutor()}, not on the event loop; the connection reads nothing while
 *       one runs.</li>
 *   <li>The peer's close_notify reaches the application as {@code onEndOfInput}; closing sends ours.</li>
 *   <li>A client's renegotiation (TLS 1.2) fails its connection; KeyUpdates (TLS 1.3) are bounded per connection
 *       ({@link PostHandshakeGuard}).</li>
 *   <li>A file given to {@code sendFile} has its callback run once, when sent or when the connection ends first.</li>
 * </ul>
 */
public final class TlsHandler implements Handler {

    private final Handler delegate;
    private final TlsConfig config;
    private final boolean clientMode;
    private final InetSocketAddress peer;

    /**
     * @param delegate   the application's handler
     * @param config     the TLS settings
     * @param clientMode true on the connecting side (it starts the handshake and verifies the server),
     *                   false on a server. A client takes the server's name from the connection's remote
     *                   address, unless {@link TlsConfig#peerHost()} names it
     */
    public TlsHandler(Handler delegate, TlsConfig config, boolean clientMode) {
        this(delegate, config, clientMode, null);
    }

    private TlsHandler(Handler delegate, TlsConfig config, boolean clientMode, InetSocketAddress peer) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.config = Objects.requireNonNull(config, "config");
        this.clientMode = clientMode;
        this.peer = peer;
    }

    /** The server side: one instance serves every accepted connection. */
    public static TlsHandler server(TlsConfig config, Handler delegate) {
        return new TlsHandler(delegate, config, false, null);
    }

    /**
     * The client side for connections to {@code remote}: its host string (the name as given, never a
     * reverse lookup) is what the server's certificate is checked against and what SNI carries, unless
     * {@link TlsConfig#peerHost()} overrides it. Passing the address the client was asked to connect to
     * keeps the name even when the engine only knows the resolved address.
     */
    public static TlsHandler client(TlsConfig config, Handler delegate, InetSocketAddress remote) {
        return new TlsHandler(delegate, config, true, Objects.requireNonNull(remote, "remote"));
    }

    public Handler delegate() {
        return delegate;
    }

    public TlsConfig config() {
        return config;
    }

    public boolean clientMode() {
        return clientMode;
    }

    @Override
    public Action onOpen(Connection raw) {
        String host = null;
        int port = -1;
        InetSocketAddress remote = peer != null ? peer
                : raw.remoteAddress() instanceof InetSocketAddress a ? a : null;
        if (remote != null) {
            // getHostString: the name the client connected with, never a reverse lookup.
            if (clientMode) host = remote.getHostString();
            port = remote.getPort();
        }
        SSLEngine engine = config.newEngine(clientMode, host, port);
        TlsConnection tls = new TlsConnection(raw, engine, delegate, config.delegatedTaskExecutor());
        raw.context(tls);
        try {
            return tls.start(config.handshakeTimeout());
        } catch (SSLException e) {
            throw rethrow(e);
        }
    }

    @Override
    public Action onData(Connection raw, ByteBuffer in) {
        TlsConnection tls = raw.context();
        try {
            return tls.receive(in);
        } catch (SSLException e) {
            throw rethrow(e);
        }
    }

    @Override
    public Action onEndOfInput(Connection raw) {
        TlsConnection tls = raw.context();
        return tls == null ? Action.CLOSE : tls.endOfInput();
    }

    @Override
    public void onWritabilityChanged(Connection raw, boolean writable) {
        TlsConnection tls = raw.context();
        if (tls != null) tls.writabilityChanged(writable);
    }

    @Override
    public Action onTick(Connection raw) {
        TlsConnection tls = raw.context();
        return tls == null ? Action.KEEP : tls.tick();
    }

    @Override
    public Action onDrain(Connection raw) {
        TlsConnection tls = raw.context();
        return tls == null ? Action.CLOSE : tls.drain();
    }

    @Override
    public void onClose(Connection raw, Throwable cause) {
        // No TlsConnection means the engine could not even be created; the application never saw it.
        if (raw.context() instanceof TlsConnection tls) tls.closed(cause);
    }

    /**
     * Throws the checked SSLException out of a Handler callback, which declares none. The transport closes
     * the connection with whatever a callback throws as the cause; wrapping it in an unchecked exception
     * would hide the SSLException (and its alert description) behind a wrapper in logs and in onClose.
     */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException rethrow(Throwable e) throws E {
        throw (E) e;
    }

    @Override
    public String toString() {
        return "TlsHandler[" + (clientMode ? "client" : "server") + ", " + delegate + "]";
    }
}
