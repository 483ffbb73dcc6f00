package dev.gannet.transport;

import dev.gannet.tls.TlsConfig;

import java.net.InetSocketAddress;

/** Puts the TLS handler in front of a user's handler. */
final class Tls {
    private Tls() {
    }

    static Handler server(TlsConfig config, Handler handler) {
        throw new UnsupportedOperationException("TLS is not wired in yet");
    }

    static Handler client(TlsConfig config, Handler handler, InetSocketAddress remote) {
        throw new UnsupportedOperationException("TLS is not wired in yet");
    }
}
