package dev.gannet.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.BiFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS settings for a server or a client, applied to each connection's {@link SSLEngine} by
 * {@link #newEngine}. Start from a factory ({@link #server}, {@link #selfSigned}, {@link #client()},
 * {@link #client(Path)}) or {@link #builder()}, and adjust with {@link #toBuilder()}.
 *
 * <p>The defaults are strict on purpose: TLS 1.3 and 1.2 only, and only ECDHE key exchange with AEAD ciphers
 * (AES-GCM, ChaCha20-Poly1305), in the server's order of preference. Clients verify the server's host name
 * ("HTTPS" endpoint identification) and send it as SNI.
 *
 * @param sslContext             the keys and trust behind every engine
 * @param protocols              enabled protocol versions, e.g. {@code TLSv1.3}
 * @param cipherSuites           enabled cipher suites, most preferred first
 * @param applicationProtocols   ALPN names offered (client) or accepted in order of preference (server);
 *                               empty for no ALPN. A server accepts clients that offer no ALPN (their
 *                               connection has no protocol), but refuses clients offering only others
 *                               (RFC 7301 no_application_protocol), unless a selector decides
 * @param protocolSelector       server only, may be null: picks the ALPN protocol from the client's offer
 *                               instead of {@code applicationProtocols}; see
 *                               {@link SSLEngine#setHandshakeApplicationProtocolSelector}
 * @param peerHost               client only, may be null: the server name to send as SNI and verify the
 *                               certificate against; null uses the host the connection was made to
 * @param endpointIdentification client only: verify the server certificate matches the host name
 * @param insecureTrustAll       client only: accept any server certificate. For tests and development only
 * @param clientAuth             server only: whether to ask clients for a certificate
 * @param handshakeTimeout       a connection whose handshake has not finished by then is closed
 * @param delegatedTaskExecutor  where the engine's delegated handshake tasks run (certificate checks, signatures,
 *                               key agreement): {@link #DEFAULT_TASK_EXECUTOR}, {@link #INLINE_TASKS}, or any
 *                               executor. While a connection's task runs, that connection reads nothing; its
 *                               handshake goes on on its own thread when the task is done
 */
public record TlsConfig(
        SSLContext sslContext,
        List<String> protocols,
        List<String> cipherSuites,
        List<String> applicationProtocols,
        BiFunction<SSLEngine, List<String>, String> protocolSelector,
        String peerHost,
        boolean endpointIdentification,
        boolean insecureTrustAll,
        ClientAuth clientAuth,
        Duration handshakeTimeout,
        Executor delegatedTaskExecutor) {

    /** Protocol versions enabled unless set otherwise, newest first. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Cipher suites enabled unless set otherwise, most preferred first: every suite has forward secrecy
     * (ECDHE; TLS 1.3 always does) and authenticated encryption. AES-128-GCM leads because it is the
     * fastest where AES instructions exist, which is everywhere a server runs.
     */
    public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Runs delegated tasks on the connection's own thread, inside the callback that needs them: an event loop
     * stops for every signature its handshakes make. For tests driving a handshake step by step, and for
     * clients with few connections that would rather not pay the hand-over.
     */
    public static final Executor INLINE_TASKS = new Executor() {
        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public String toString() {
            return "inline";
        }
    };

    /**
     * The default for delegated tasks: a new virtual thread each. No pool to size or shut down (virtual threads
     * are daemons, so a server or client that stops leaves nothing behind), and a task that blocks (a trust
     * manager fetching a CRL or asking OCSP, a key held by a remote signer) holds no platform thread. The CPU
     * work lands on the JDK's carrier threads, one per core, so a burst of handshakes queues there, spread over
     * the cores, instead of on the event loop that accepted them; the loop keeps getting its share of the CPU
     * from the operating system meanwhile.
     */
    public static final Executor DEFAULT_TASK_EXECUTOR = new Executor() {
        private final ThreadFactory threads = Thread.ofVirtual().name("gannet-tls-task-", 0).factory();

        @Override
        public void execute(Runnable task) {
            threads.newThread(task).start();
        }

        @Override
        public String toString() {
            return "virtual threads";
        }
    };

    /** Whether a server asks for client certificates. */
    public enum ClientAuth {
        /** Do not ask. */
        NONE,
        /** Ask, but accept clients without one. */
        WANT,
        /** Require one; the handshake fails without it. */
        NEED
    }

    public TlsConfig {
        Objects.requireNonNull(sslContext, "sslContext");
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
        applicationProtocols = List.copyOf(applicationProtocols);
        Objects.requireNonNull(clientAuth, "clientAuth");
        Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        Objects.requireNonNull(delegatedTaskExecutor, "delegatedTaskExecutor");
        if (protocols.isEmpty()) throw new IllegalArgumentException("no TLS protocol versions enabled");
        if (cipherSuites.isEmpty()) throw new IllegalArgumentException("no cipher suites enabled");
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be > 0");
        }
        for (String p : applicationProtocols) {
            // RFC 7301: a protocol name is 1 to 255 bytes.
            if (p.isEmpty() || p.length() > 255) throw new IllegalArgumentException("bad ALPN protocol name: '" + p + "'");
        }
    }

    /** A server presenting the certificate chain (leaf first) and private key in these PEM files. */
    public static TlsConfig server(Path certChainPem, Path privateKeyPem) {
        return builder().certificate(certChainPem, privateKeyPem).build();
    }

    /**
     * A server with a freshly generated self-signed certificate for {@code hostnames} (default
     * {@code localhost}). For development: clients must be told to trust it. To learn where it is or to
     * hand it to clients, generate a {@link SelfSignedCertificate} yourself and use
     * {@link Builder#keyManagers}.
     */
    public static TlsConfig selfSigned(String... hostnames) {
        return builder().keyManagers(SelfSignedCertificate.generate(hostnames).keyManagers()).build();
    }

    /** A client trusting the JDK's default certificate authorities. */
    public static TlsConfig client() {
        return builder().build();
    }

    /** A client trusting only the certificates (CAs or self-signed servers) in this PEM file. */
    public static TlsConfig client(Path trustedCertsPem) {
        return builder().trustCertificates(trustedCertsPem).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these settings. Its SSL context is this one until key or trust material is set on
     * the builder, which then builds a new context from the material set on the builder alone.
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.inheritedContext = sslContext;
        b.protocols = protocols;
        b.cipherSuites = cipherSuites;
        b.applicationProtocols = applicationProtocols;
        b.protocolSelector = protocolSelector;
        b.peerHost = peerHost;
        b.endpointIdentification = endpointIdentification;
        b.insecureTrustAll = insecureTrustAll;
        b.clientAuth = clientAuth;
        b.handshakeTimeout = handshakeTimeout;
        b.delegatedTaskExecutor = delegatedTaskExecutor;
        return b;
    }

    /**
     * These settings, with {@code names} as the ALPN protocols when none are set (and no selector): how a server
     * built on a protocol (HTTP/1.1 answers {@code http/1.1}) makes ALPN agree on it, while an application's own
     * list still wins. Without any, a server never selects a protocol and clients such as curl report that the
     * server "did not agree on a protocol".
     */
    public TlsConfig withDefaultApplicationProtocols(String... names) {
        if (!applicationProtocols.isEmpty() || protocolSelector != null) return this;
        return new TlsConfig(sslContext, protocols, cipherSuites, List.of(names), null, peerHost,
                endpointIdentification, insecureTrustAll, clientAuth, handshakeTimeout, delegatedTaskExecutor);
    }

    /**
     * An engine with every setting applied, for one connection.
     *
     * @param clientMode whether this side starts the handshake
     * @param peerHost   the host the client connected to (a name or an IP literal), or null; a client
     *                   verifies the certificate against it and sends it as SNI unless {@link #peerHost()}
     *                   overrides it. Servers may pass it as a session cache hint, or null
     * @param peerPort   the peer's port, or -1
     */
    public SSLEngine newEngine(boolean clientMode, String peerHost, int peerPort) {
        String host = clientMode && this.peerHost != null ? this.peerHost : peerHost;
        SSLEngine engine = host != null ? sslContext.createSSLEngine(host, peerPort) : sslContext.createSSLEngine();
        engine.setUseClientMode(clientMode);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(protocols.toArray(String[]::new));
        params.setCipherSuites(cipherSuites.toArray(String[]::new));
        if (!applicationProtocols.isEmpty()) params.setApplicationProtocols(applicationProtocols.toArray(String[]::new));
        if (clientMode) {
            if (endpointIdentification && !insecureTrustAll) {
                if (host == null) {
                    throw new IllegalStateException("a TLS client verifying host names needs the peer's host name; "
                            + "set TlsConfig peerHost or turn endpointIdentification off");
                }
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            // SNI carries names only (RFC 6066 3); the JDK leaves dotless names such as "localhost" out on its
            // own, so set it explicitly for anything that is not an IP literal.
            if (host != null && SelfSignedCertificate.ipLiteral(host) == null) {
                try {
                    params.setServerNames(List.of(new SNIHostName(host)));
                } catch (IllegalArgumentException e) {
                    // Not a valid DNS name (e.g. an underscore): connect without SNI rather than fail.
                }
            }
        } else {
            // Our suite order is by preference; let it win over the client's.
            params.setUseCipherSuitesOrder(true);
            switch (clientAuth) {
                case NEED -> params.setNeedClientAuth(true);
                case WANT -> params.setWantClientAuth(true);
                case NONE -> { }
            }
        }
        engine.setSSLParameters(params);
        if (!clientMode && protocolSelector != null) engine.setHandshakeApplicationProtocolSelector(protocolSelector);
        return engine;
    }

    @Override
    public String toString() {
        return "TlsConfig[protocols=" + protocols + ", cipherSuites=" + cipherSuites.size()
                + ", alpn=" + applicationProtocols + (protocolSelector != null ? " (selector)" : "")
                + (peerHost != null ? ", peerHost=" + peerHost : "")
                + ", endpointIdentification=" + endpointIdentification
                + (insecureTrustAll ? ", INSECURE trust-all" : "")
                + ", clientAuth=" + clientAuth + ", handshakeTimeout=" + handshakeTimeout
                + (delegatedTaskExecutor != DEFAULT_TASK_EXECUTOR ? ", delegatedTasks=" + delegatedTaskExecutor : "")
                + "]";
    }

    public static final class Builder {
        private SSLContext sslContext;
        private SSLContext inheritedContext;
        private boolean materialSet; // key or trust material was set on this builder
        private KeyManager[] keyManagers;
        private TrustManager[] trustManagers;
        private List<String> protocols;
        private List<String> cipherSuites;
        private List<String> applicationProtocols = List.of();
        private BiFunction<SSLEngine, List<String>, String> protocolSelector;
        private String peerHost;
        private boolean endpointIdentification = true;
        private boolean insecureTrustAll;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;
        private Executor delegatedTaskExecutor = DEFAULT_TASK_EXECUTOR;

        private Builder() {
        }

        /** Uses this context as it is; it cannot be combined with key or trust material set here. */
        public Builder sslContext(SSLContext v) {
            sslContext = v;
            if (!materialSet) insecureTrustAll = false; // only true when this builder made the trust-all context
            return this;
        }

        /** The keys this side presents (needed by servers; by clients only for client authentication). */
        public Builder keyManagers(KeyManager... v) {
            keyManagers = v.clone();
            inheritedContext = null;
            materialSet = true;
            return this;
        }

        /** Presents the chain (leaf first) and private key in these PEM files. */
        public Builder certificate(Path certChainPem, Path privateKeyPem) {
            return keyManagers(PemReader.keyManagers(certChainPem, privateKeyPem));
        }

        /** Presents this chain (leaf first) and key. */
        public Builder certificate(List<X509Certificate> chain, PrivateKey key) {
            return keyManagers(PemReader.keyManagers(chain, key));
        }

        /** How peers' certificates are checked; unset means the JDK's default CA certificates. */
        public Builder trustManagers(TrustManager... v) {
            trustManagers = v.clone();
            inheritedContext = null;
            materialSet = true;
            return this;
        }

        /** Trusts only the certificates in this PEM file. */
        public Builder trustCertificates(Path trustedCertsPem) {
            return trustManagers(PemReader.trustManagers(trustedCertsPem));
        }

        /** Trusts only these certificates (e.g. a {@link SelfSignedCertificate#certificate()}). */
        public Builder trustCertificates(X509Certificate... trusted) {
            return trustManagers(PemReader.trustManagers(List.of(trusted)));
        }

        /**
         * INSECURE: accepts any certificate from the peer and skips host name checks, so anyone on the path
         * can read and change the traffic. Only for tests and development against self-signed servers.
         */
        public Builder insecureTrustAll() {
            insecureTrustAll = true;
            endpointIdentification = false;
            inheritedContext = null;
            materialSet = true;
            return this;
        }

        /** Enabled protocol versions; each must be one the JDK knows. */
        public Builder protocols(String... v) {
            protocols = List.of(v);
            return this;
        }

        /** Enabled cipher suites, most preferred first; each must be one the JDK supports. */
        public Builder cipherSuites(String... v) {
            cipherSuites = List.of(v);
            return this;
        }

        /** ALPN protocol names, e.g. {@code "h2", "http/1.1"}; a server prefers them in this order. */
        public Builder applicationProtocols(String... v) {
            applicationProtocols = List.of(v);
            return this;
        }

        public Builder applicationProtocols(List<String> v) {
            applicationProtocols = List.copyOf(v);
            return this;
        }

        /** Server only: chooses the ALPN protocol from the client's list (see the record's documentation). */
        public Builder applicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> v) {
            protocolSelector = v;
            return this;
        }

        public Builder peerHost(String v) {
            peerHost = v;
            return this;
        }

        public Builder endpointIdentification(boolean v) {
            endpointIdentification = v;
            return this;
        }

        public Builder clientAuth(ClientAuth v) {
            clientAuth = v;
            return this;
        }

        public Builder handshakeTimeout(Duration v) {
            handshakeTimeout = v;
            return this;
        }

        /**
         * Where delegated handshake tasks run: {@link #DEFAULT_TASK_EXECUTOR} unless set, {@link #INLINE_TASKS} for
         * the connection's own thread, or an executor of the application's. One that refuses a task (shut down,
         * full) gets it run inline instead, so handshakes still finish.
         */
        public Builder delegatedTaskExecutor(Executor v) {
            delegatedTaskExecutor = v;
            return this;
        }

        public TlsConfig build() {
            SSLContext context = context();
            Set<String> supportedProtocols = Set.of(context.getSupportedSSLParameters().getProtocols());
            Set<String> supportedSuites = Set.of(context.getSupportedSSLParameters().getCipherSuites());
            List<String> p = protocols != null
                    ? requireSupported("protocol", protocols, supportedProtocols)
                    : DEFAULT_PROTOCOLS.stream().filter(supportedProtocols::contains).toList();
            List<String> c = cipherSuites != null
                    ? requireSupported("cipher suite", cipherSuites, supportedSuites)
                    : DEFAULT_CIPHER_SUITES.stream().filter(supportedSuites::contains).toList();
            return new TlsConfig(context, p, c, applicationProtocols, protocolSelector, peerHost,
                    endpointIdentification, insecureTrustAll, clientAuth, handshakeTimeout, delegatedTaskExecutor);
        }

        private SSLContext context() {
            if (sslContext != null) {
                if (materialSet) {
                    throw new IllegalStateException("sslContext(...) was set together with key or trust "
                            + "material (keyManagers, certificate, trustManagers, trustCertificates or "
                            + "insecureTrustAll); set one or the other");
                }
                return sslContext;
            }
            if (inheritedContext != null) return inheritedContext;
            TrustManager[] trust = insecureTrustAll ? new TrustManager[] {new TrustAll()} : trustManagers;
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keyManagers, trust, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot create an SSLContext: " + e.getMessage(), e);
            }
        }

        private static List<String> requireSupported(String what, List<String> wanted, Set<String> supported) {
            List<String> unknown = new ArrayList<>(wanted);
            unknown.removeAll(supported);
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unsupported " + what + (unknown.size() > 1 ? "s " : " ")
                        + unknown + "; this JDK supports " + supported.stream().sorted().toList());
            }
            return wanted;
        }
    }

    /** Accepts every certificate. Only reachable through {@link Builder#insecureTrustAll()}. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) { }
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) { }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        @Override
        public String toString() {
            return "INSECURE trust-all";
        }
    }
}
