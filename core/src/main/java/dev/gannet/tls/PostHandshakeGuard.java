package dev.gannet.tls;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLProtocolException;

/**
 * What a peer may still send once a connection's first handshake is done, checked record by record as they are
 * decrypted. Owned by one {@link TlsConnection} and used only inside its callbacks.
 *
 * <ul>
 *   <li>Client-initiated renegotiation (TLS 1.2) is refused, as nginx and Go do: each one is a full handshake (a
 *       signature, a key agreement) the client makes the server pay for on a connection it already has. On TLS 1.2
 *       the record type travels in the clear, so the ClientHello is refused before the engine spends anything on
 *       it. The JDK's engine cannot be made to send a no_renegotiation alert; the connection fails with an
 *       {@link SSLProtocolException}, which sends close_notify and closes it.</li>
 *   <li>Records without application data (TLS 1.3 KeyUpdates and, to a client, NewSessionTickets; empty records;
 *       warning alerts) are allowed up to {@link #MAX_RECORDS_WITHOUT_DATA} per connection. Each costs a key
 *       derivation or a decryption and gives nothing back; an honest peer sends a KeyUpdate every few hundred
 *       gigabytes at most.</li>
 * </ul>
 */
final class PostHandshakeGuard {
    static final int MAX_RECORDS_WITHOUT_DATA = 256;
    private static final byte CHANGE_CIPHER_SPEC = 20;
    private static final byte HANDSHAKE = 22;

    private final boolean refuseRenegotiation;
    private int recordsWithoutData;

    /** For an engine whose first handshake just finished. */
    PostHandshakeGuard(SSLEngine engine) {
        refuseRenegotiation = !engine.getUseClientMode() && "TLSv1.2".equals(engine.getSession().getProtocol());
    }

    /** Before decrypting the record {@code in} starts with (at least its first byte is there). */
    void beforeUnwrap(ByteBuffer in) throws SSLException {
        if (!refuseRenegotiation) return;
        byte contentType = in.get(in.position());
        if (contentType == HANDSHAKE || contentType == CHANGE_CIPHER_SPEC) {
            throw new SSLProtocolException("client-initiated TLS renegotiation refused");
        }
    }

    /** After decrypting one. */
    void afterUnwrap(SSLEngineResult r) throws SSLException {
        if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() > 0 && r.bytesProduced() == 0
                && ++recordsWithoutData > MAX_RECORDS_WITHOUT_DATA) {
            throw new SSLProtocolException("more than " + MAX_RECORDS_WITHOUT_DATA
                    + " records without application data after the handshake (KeyUpdate or empty records)");
        }
    }
}
