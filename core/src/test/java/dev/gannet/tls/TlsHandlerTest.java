package dev.gannet.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Random;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsHandlerTest {

    private static final SelfSignedCertificate CERT = SelfSignedCertificate.generate("localhost");

    /** Delegated tasks run by the pipe at random points, as if on another thread (see {@link HeldTasks}). */
    private static TlsConfig server(UnaryOperator<TlsConfig.Builder> tweak) {
        return tweak.apply(TlsConfig.builder().keyManagers(CERT.keyManagers()).delegatedTaskExecutor(new HeldTasks()))
                .build();
    }

    /** A client that trusts CERT and checks the host name ("localhost", the pipe's remote address). */
    private static TlsConfig client(UnaryOperator<TlsConfig.Builder> tweak) {
        return tweak.apply(TlsConfig.builder().trustCertificates(CERT.certificate())
                .delegatedTaskExecutor(new HeldTasks())).build();
    }

    private static MemoryPipe pipe(TlsConfig clientConfig, Recorder c, TlsConfig serverConfig, Recorder s,
                                   long seed, int maxChunk) {
        return new MemoryPipe(new TlsHandler(c, clientConfig, true), new TlsHandler(s, serverConfig, false),
                seed, maxChunk);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void handshakeCompletesOneByteAtATimeAndDataFlowsBothWays() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> conn.write("hello".getBytes(StandardCharsets.US_ASCII));
        s.onData = (conn, in) -> {
            byte[] bytes = new byte[in.remaining()];
            in.get(bytes);
            s.received.writeBytes(bytes);
            conn.write(bytes); // echo
            return Action.KEEP;
        };
        MemoryPipe p = pipe(client(b -> b), c, server(b -> b), s, 1, 1).open();

        assertThat(c.opens).isOne();
        assertThat(s.opens).isOne();
        assertThat(new String(s.bytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(new String(c.bytes(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        TlsConnection tls = (TlsConnection) c.connection;
        assertThat(tls.isHandshakeComplete()).isTrue();
        assertThat(tls.session().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(TlsConfig.DEFAULT_CIPHER_SUITES).contains(tls.session().getCipherSuite());
        assertThat(tls.unwrap()).isSameAs(p.client);
        assertThat(p.client.closeReported).isFalse();
        assertThat(p.server.closeReported).isFalse();
    }

    @Test
    void tls12Works() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> conn.write("ping".getBytes(StandardCharsets.US_ASCII));
        pipe(client(b -> b.protocols("TLSv1.2")), c, server(b -> b), s, 2, 500).open();

        assertThat(new String(s.bytes(), StandardCharsets.US_ASCII)).isEqualTo("ping");
        assertThat(((TlsConnection) s.connection).session().getProtocol()).isEqualTo("TLSv1.2");
        assertThat(((TlsConnection) s.connection).session().getCipherSuite())
                .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void alpnPicksTheServersPreferenceAmongWhatTheClientOffers() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        pipe(client(b -> b.applicationProtocols("http/1.1", "h2")), c,
                server(b -> b.applicationProtocols("h2", "http/1.1")), s, 3, 64).open();

        assertThat(s.protocolAtOpen).isEqualTo("h2");
        assertThat(c.protocolAtOpen).isEqualTo("h2");
        assertThat(c.connection.applicationProtocol()).isEqualTo("h2");
    }

    @Test
    void alpnFallsBackToHttp11WhenTheClientOffersOnlyThat() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        pipe(client(b -> b.applicationProtocols("http/1.1")), c,
                server(b -> b.applicationProtocols("h2", "http/1.1")), s, 4, 64).open();

        assertThat(s.protocolAtOpen).isEqualTo("http/1.1");
        assertThat(c.protocolAtOpen).isEqualTo("http/1.1");
    }

    @Test
    void noAlpnMeansNullProtocol() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        pipe(client(b -> b), c, server(b -> b.applicationProtocols("h2", "http/1.1")), s, 5, 64).open();
        assertThat(s.opens).isOne();
        assertThat(s.protocolAtOpen).isNull();
        assertThat(c.protocolAtOpen).isNull();

        Recorder c2 = new Recorder();
        Recorder s2 = new Recorder();
        pipe(client(b -> b), c2, server(b -> b), s2, 6, 64).open();
        assertThat(s2.opens).isOne();
        assertThat(s2.protocolAtOpen).isNull();
        assertThat(c2.protocolAtOpen).isNull();
    }

    @Test
    void alpnSelectorOverridesTheList() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        pipe(client(b -> b.applicationProtocols("h2", "http/1.1")), c,
                server(b -> b.applicationProtocolSelector((engine, offered) ->
                        offered.contains("http/1.1") ? "http/1.1" : null)), s, 7, 64).open();

        assertThat(s.protocolAtOpen).isEqualTo("http/1.1");
        assertThat(c.protocolAtOpen).isEqualTo("http/1.1");
    }

    @Test
    void oneMegabyteEachWayArrivesIntact() {
        byte[] up = random(1 << 20, 10);
        byte[] down = random(1 << 20, 11);
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        Random sizes = new Random(12);
        c.onOpen = conn -> writeInPieces(conn, up, sizes);
        s.onOpen = conn -> writeInPieces(conn, down, sizes);
        pipe(client(b -> b), c, server(b -> b), s, 13, 20_000).open();

        assertThat(s.bytes()).isEqualTo(up);
        assertThat(c.bytes()).isEqualTo(down);
    }

    private static void writeInPieces(Connection conn, byte[] data, Random sizes) {
        int off = 0;
        while (off < data.length) {
            int n = Math.min(data.length - off, 1 + sizes.nextInt(40_000));
            if (sizes.nextBoolean()) conn.write(data, off, n);
            else conn.write(ByteBuffer.wrap(data, off, n));
            off += n;
        }
    }

    @Test
    void echoSurvivesWritabilityCallbacksMadeFromInsideWrite() {
        // The engines report crossing the high water mark from inside raw.write, i.e. while a record is
        // being sent; that nested callback must not disturb the output being encrypted.
        byte[] up = random(1 << 20, 14);
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> writeInPieces(conn, up, new Random(15));
        s.onData = (conn, in) -> {
            conn.write(in);
            return Action.KEEP;
        };
        MemoryPipe p = pipe(client(b -> b), c, server(b -> b), s, 16, 30_000);
        p.server.lowWaterMark = 2 * 1024;
        p.server.highWaterMark = 8 * 1024;
        p.open();

        assertThat(c.bytes()).isEqualTo(up);
        assertThat(s.writabilityChanges).isPositive();
    }

    @Test
    void unconsumedPlaintextIsHandedBackWithTheNextBytes() {
        // Length-prefixed frames of up to 40 KB (longer than a record), read only when whole.
        Random r = new Random(20);
        java.io.ByteArrayOutputStream sent = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 60; i++) {
            byte[] frame = random(r.nextInt(40_000), i);
            sent.writeBytes(frame);
            wire.writeBytes(ByteBuffer.allocate(4).putInt(frame.length).array());
            wire.writeBytes(frame);
        }
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> conn.write(wire.toByteArray());
        int[] frames = {0};
        s.onData = (conn, in) -> {
            while (in.remaining() >= 4 && in.remaining() >= 4 + in.getInt(in.position())) {
                byte[] frame = new byte[in.getInt()];
                in.get(frame);
                s.received.writeBytes(frame);
                frames[0]++;
            }
            return Action.KEEP;
        };
        pipe(client(b -> b), c, server(b -> b), s, 21, 3_000).open();

        assertThat(frames[0]).isEqualTo(60);
        assertThat(s.bytes()).isEqualTo(sent.toByteArray());
    }

    @Test
    void writesDuringOneCallbackAreGatheredIntoOneRecord() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> conn.write(new byte[] {1});
        long[] before = new long[1];
        MemoryPipe[] p = new MemoryPipe[1];
        s.onData = (conn, in) -> {
            in.position(in.limit());
            before[0] = p[0].server.bytesWritten;
            for (int i = 0; i < 100; i++) conn.write(new byte[10]);
            return Action.KEEP;
        };
        p[0] = pipe(client(b -> b), c, server(b -> b), s, 22, 1000);
        p[0].open();

        assertThat(c.bytes()).hasSize(1000);
        // One record: 1000 bytes of data plus a few dozen of header, content type, tag (and the JDK's
        // padding). A hundred records would carry over 2000 bytes of overhead.
        assertThat(p[0].server.bytesWritten - before[0]).isBetween(1022L, 1100L);
    }

    @Test
    void aClientLimitedToTls11IsRefused() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = pipe(client(b -> b.protocols("TLSv1.1")), c, server(b -> b), s, 30, 100).open();

        assertThat(c.opens).isZero();
        assertThat(s.opens).isZero();
        assertThat(c.closed).isTrue();
        assertThat(c.closeCause).isInstanceOf(SSLHandshakeException.class);
        assertThat(p.client.closeReported).isTrue();
    }

    @Test
    void theServerRefusesATls11ClientHello() {
        Recorder raw = new Recorder(); // a plain client speaking TLS 1.1 by hand
        Recorder s = new Recorder();
        MemoryPipe p = new MemoryPipe(raw, new TlsHandler(s, server(b -> b), false), 31, 7);
        raw.onOpen = conn -> conn.write(tls11ClientHello());
        p.open();

        assertThat(s.opens).isZero();
        assertThat(p.server.closeCause).isInstanceOf(SSLHandshakeException.class);
        assertThat(s.closeCause).isSameAs(p.server.closeCause);
        byte[] reply = raw.bytes();
        assertThat(reply).isNotEmpty();
        assertThat(reply[0]).as("a TLS alert record").isEqualTo((byte) 0x15);
    }

    /** A TLS 1.1 ClientHello offering two CBC suites and no extensions. */
    private static byte[] tls11ClientHello() {
        ByteBuffer body = ByteBuffer.allocate(128);
        body.put((byte) 3).put((byte) 2);                    // client_version TLS 1.1
        body.put(random(32, 1));                               // random
        body.put((byte) 0);                                    // session id
        body.putShort((short) 4).putShort((short) 0xc013).putShort((short) 0x002f);
        body.put((byte) 1).put((byte) 0);                      // compression: null
        body.flip();
        ByteBuffer msg = ByteBuffer.allocate(9 + body.remaining());
        msg.put((byte) 0x16).put((byte) 3).put((byte) 1).putShort((short) (4 + body.remaining()));
        msg.put((byte) 1).put((byte) 0).putShort((short) body.remaining()).put(body);
        return msg.array();
    }

    @Test
    void noSharedCipherSuiteFailsBothSides() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = pipe(client(b -> b.protocols("TLSv1.2").cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256")),
                c, server(b -> b), s, 32, 50).open();

        assertThat(s.opens).isZero();
        assertThat(c.opens).isZero();
        assertThat(p.server.closeCause).isInstanceOf(SSLHandshakeException.class);
        assertThat(p.client.closeCause).isInstanceOf(SSLException.class)
                .hasMessageContaining("handshake_failure");
    }

    @Test
    void plaintextOnTheTlsPortIsRefused() {
        Recorder raw = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = new MemoryPipe(raw, new TlsHandler(s, server(b -> b), false), 33, 5);
        raw.onOpen = conn -> conn.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        p.open();

        assertThat(s.opens).isZero();
        assertThat(s.closed).isTrue();
        assertThat(s.closeCause).isInstanceOf(SSLException.class);
        assertThat(p.server.closeReported).isTrue();
    }

    @Test
    void theClientRejectsACertificateForAnotherHost() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = pipe(client(b -> b.peerHost("example.com")), c, server(b -> b), s, 34, 300).open();

        assertThat(c.opens).isZero();
        assertThat(s.opens).isZero();
        assertThat(p.client.closeCause).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void theClientFactoryChecksTheNameItWasGivenNotTheConnectionsAddress() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = new MemoryPipe(
                TlsHandler.client(client(b -> b), c, java.net.InetSocketAddress.createUnresolved("example.com", 443)),
                TlsHandler.server(server(b -> b), s), 39, 300).open();
        assertThat(c.opens).isZero();
        assertThat(p.client.closeCause).isInstanceOf(SSLHandshakeException.class);

        Recorder c2 = new Recorder();
        Recorder s2 = new Recorder();
        new MemoryPipe(TlsHandler.client(client(b -> b), c2, new java.net.InetSocketAddress("localhost", 443)),
                TlsHandler.server(server(b -> b), s2), 39, 300).open();
        assertThat(c2.opens).isOne();
        assertThat(s2.opens).isOne();
    }

    @Test
    void theClientRejectsAnUntrustedCertificateUnlessTrustingAll() {
        Recorder c = new Recorder();
        MemoryPipe p = pipe(TlsConfig.client().toBuilder().delegatedTaskExecutor(new HeldTasks()).build(), c,
                server(b -> b), new Recorder(), 35, 300).open();
        assertThat(c.opens).isZero();
        assertThat(p.client.closeCause).isInstanceOf(SSLHandshakeException.class);

        Recorder c2 = new Recorder();
        Recorder s2 = new Recorder();
        pipe(TlsConfig.builder().insecureTrustAll().peerHost("whatever.example").delegatedTaskExecutor(new HeldTasks())
                .build(), c2, server(b -> b), s2, 36, 300).open();
        assertThat(c2.opens).isOne();
        assertThat(s2.opens).isOne();
    }

    @Test
    void clientCertificatesWhenTheServerNeedsThem() throws Exception {
        SelfSignedCertificate clientCert = SelfSignedCertificate.generate("client.example");
        TlsConfig serverConfig = server(b -> b.clientAuth(TlsConfig.ClientAuth.NEED)
                .trustCertificates(clientCert.certificate()));

        Recorder c = new Recorder();
        Recorder s = new Recorder();
        pipe(client(b -> b.keyManagers(clientCert.keyManagers())), c, serverConfig, s, 37, 400).open();
        assertThat(s.opens).isOne();
        assertThat(((TlsConnection) s.connection).session().getPeerPrincipal().getName())
                .isEqualTo("CN=client.example");

        Recorder c2 = new Recorder();
        Recorder s2 = new Recorder();
        MemoryPipe p = pipe(client(b -> b), c2, serverConfig, s2, 38, 400).open();
        assertThat(s2.opens).isZero();
        assertThat(p.server.closeCause).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void handshakeTimesOut() {
        Recorder raw = new Recorder(); // connects and says nothing
        Recorder s = new Recorder();
        MemoryPipe p = new MemoryPipe(raw, new TlsHandler(s, server(b -> b.handshakeTimeout(Duration.ofMillis(200))),
                false), 40, 100).open();
        p.advance(Duration.ofMillis(150));
        assertThat(p.server.closeReported).isFalse();

        p.advance(Duration.ofMillis(100));
        assertThat(p.server.closeReported).isTrue();
        assertThat(s.closeCause).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("200 ms");
    }

    @Test
    void aFinishedHandshakeCancelsTheTimeout() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = pipe(client(b -> b), c, server(b -> b.handshakeTimeout(Duration.ofMillis(200))), s, 41, 100)
                .open();
        p.advance(Duration.ofSeconds(5));
        assertThat(s.opens).isOne();
        assertThat(p.server.closeReported).isFalse();
    }

    @Test
    void closeSendsCloseNotifyAndThePeerCloses() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> {
            conn.write("last words".getBytes(StandardCharsets.US_ASCII));
            conn.close();
        };
        MemoryPipe p = pipe(client(b -> b), c, server(b -> b), s, 50, 9).open();

        assertThat(new String(s.bytes(), StandardCharsets.US_ASCII)).isEqualTo("last words");
        assertThat(s.endOfInput).as("close_notify reaches the server as end of input").isTrue();
        assertThat(c.closed).isTrue();
        assertThat(s.closed).isTrue();
        assertThat(c.closeCause).isNull();
        assertThat(s.closeCause).isNull();
        assertThat(p.client.closeReported).isTrue();
        assertThat(p.server.closeReported).isTrue();
    }

    @Test
    void closeNotifyOverTls12() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        s.onOpen = conn -> {
            conn.write("bye".getBytes(StandardCharsets.US_ASCII));
            conn.close();
        };
        MemoryPipe p = pipe(client(b -> b.protocols("TLSv1.2")), c, server(b -> b), s, 53, 30).open();

        assertThat(new String(c.bytes(), StandardCharsets.US_ASCII)).isEqualTo("bye");
        assertThat(c.endOfInput).isTrue();
        assertThat(c.closeCause).isNull();
        assertThat(s.closeCause).isNull();
        assertThat(p.client.closeReported).isTrue();
        assertThat(p.server.closeReported).isTrue();
    }

    @Test
    void tls13HalfClose() {
        // The client is done sending; the server still answers, then closes.
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> {
            conn.write("question".getBytes(StandardCharsets.US_ASCII));
            conn.shutdownOutput();
        };
        s.onEndOfInputAction = Action.KEEP;
        MemoryPipe p = pipe(client(b -> b), c, server(b -> b), s, 54, 40).open();
        assertThat(s.endOfInput).isTrue();
        assertThat(new String(s.bytes(), StandardCharsets.US_ASCII)).isEqualTo("question");

        s.connection.write("answer".getBytes(StandardCharsets.US_ASCII));
        s.connection.close();
        p.run();
        assertThat(new String(c.bytes(), StandardCharsets.US_ASCII)).isEqualTo("answer");
        assertThat(c.closeCause).isNull();
        assertThat(s.closeCause).isNull();
    }

    @Test
    void alpnWithNothingInCommonFailsTheHandshake() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = pipe(client(b -> b.applicationProtocols("h3")), c,
                server(b -> b.applicationProtocols("h2", "http/1.1")), s, 55, 200).open();
        assertThat(s.opens).isZero();
        assertThat(p.server.closeCause).isInstanceOf(SSLHandshakeException.class);
        assertThat(p.client.closeCause).hasMessageContaining("no_application_protocol");
    }

    @Test
    void returningCloseFromACallbackAlsoSendsCloseNotify() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> conn.write(new byte[] {42});
        s.onData = (conn, in) -> {
            in.position(in.limit());
            conn.write("bye".getBytes(StandardCharsets.US_ASCII));
            return Action.CLOSE;
        };
        pipe(client(b -> b), c, server(b -> b), s, 51, 100).open();

        assertThat(new String(c.bytes(), StandardCharsets.US_ASCII)).isEqualTo("bye");
        assertThat(c.endOfInput).isTrue();
        assertThat(c.closeCause).isNull();
        assertThat(s.closeCause).isNull();
    }

    @Test
    void userContextIsSeparateFromTheTlsState() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        s.onOpen = conn -> conn.context("mine");
        MemoryPipe p = pipe(client(b -> b), c, server(b -> b), s, 52, 100).open();

        Object mine = s.connection.context();
        Object state = p.server.context();
        assertThat(mine).isEqualTo("mine");
        assertThat(state).isSameAs(s.connection);
    }

    @Test
    void sendFileIsEncryptedAndRespectsBackPressure(@TempDir Path dir) throws IOException {
        byte[] content = random(300_000, 60);
        Path file = Files.write(dir.resolve("f.bin"), content);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        boolean[] sent = {false};
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        s.onOpen = conn -> {
            conn.write("HEAD".getBytes(StandardCharsets.US_ASCII));
            conn.sendFile(channel, 1000, content.length - 1000, () -> sent[0] = true);
            conn.write("TAIL".getBytes(StandardCharsets.US_ASCII)); // must follow the file
        };
        MemoryPipe p = pipe(client(b -> b), c, server(b -> b), s, 61, 8_000);
        p.server.lowWaterMark = 8 * 1024;
        p.server.highWaterMark = 20 * 1024;
        p.open();
        channel.close();

        byte[] expected = new byte[4 + content.length - 1000 + 4];
        System.arraycopy("HEAD".getBytes(StandardCharsets.US_ASCII), 0, expected, 0, 4);
        System.arraycopy(content, 1000, expected, 4, content.length - 1000);
        System.arraycopy("TAIL".getBytes(StandardCharsets.US_ASCII), 0, expected, expected.length - 4, 4);
        assertThat(c.bytes()).isEqualTo(expected);
        assertThat(sent[0]).isTrue();
        assertThat(s.writabilityChanges).as("the transfer waited for the transport").isPositive();
    }

    @Test
    void writesFromAnotherThreadAreHandedToTheOwner() throws InterruptedException {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = pipe(client(b -> b), c, server(b -> b), s, 70, 100).open();

        Thread t = Thread.ofPlatform().start(() -> s.connection.write("from afar".getBytes(StandardCharsets.US_ASCII)));
        t.join();
        p.run();
        assertThat(new String(c.bytes(), StandardCharsets.US_ASCII)).isEqualTo("from afar");
    }

    @Test
    void pausedReadingHoldsPlaintextUntilResumed() {
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> conn.write("abc".getBytes(StandardCharsets.US_ASCII));
        s.onOpen = Connection::pauseReading;
        MemoryPipe p = pipe(client(b -> b), c, server(b -> b), s, 71, 100);
        p.open();
        assertThat(s.bytes()).isEmpty();

        s.connection.resumeReading();
        p.run();
        assertThat(new String(s.bytes(), StandardCharsets.US_ASCII)).isEqualTo("abc");
    }
}
