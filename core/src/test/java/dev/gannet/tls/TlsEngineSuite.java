package dev.gannet.tls;

import dev.gannet.testsupport.Descriptors;
import dev.gannet.testsupport.ExternalTool;
import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TcpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS over a real engine, against real clients (the JDK's SSLSocket, openssl s_client): what an attacker can do
 * after the handshake (renegotiate, flood KeyUpdates) and what a connection that ends in the middle of a file leaves
 * behind. Written once; a subclass per engine names it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class TlsEngineSuite {
    private static final TlsConfig SERVER_TLS = TlsConfig.selfSigned("localhost");
    private static final int FILE_SIZE = 8 * 1024 * 1024;

    private final List<Server> servers = new ArrayList<>();
    /** The causes the server's handler saw in onClose, in order. */
    final ConcurrentLinkedQueue<Throwable> closeCauses = new ConcurrentLinkedQueue<>();
    final AtomicInteger closes = new AtomicInteger();

    abstract String engine();

    @AfterEach
    void stopServers() {
        for (Server s : servers) s.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    Server start(Handler handler) throws IOException {
        Server s = TcpServer.start(ServerConfig.builder().host("127.0.0.1", 0).engine(engine()).threads(1)
                .shutdownTimeout(Duration.ofSeconds(2)).tls(SERVER_TLS).build(), handler);
        servers.add(s);
        return s;
    }

    /** Echoes; remembers how each connection ended. */
    Server startEcho() throws IOException {
        return start(new Handler() {
            @Override
            public Action onData(Connection c, ByteBuffer in) {
                c.write(in);
                return Action.KEEP;
            }

            @Override
            public void onClose(Connection c, Throwable cause) {
                if (cause != null) closeCauses.add(cause);
                closes.incrementAndGet();
            }
        });
    }

    // ---------------------------------------------------------------- renegotiation and KeyUpdate

    @Test
    void aClientRenegotiatingOverTls12IsRefusedAndOthersGoOn() throws Exception {
        Server s = startEcho();
        try (SSLSocket tls = connect(s, "TLSv1.2")) {
            assertThat(roundTrip(tls, "before")).isEqualTo("before");
            tls.startHandshake(); // on an established TLS 1.2 connection: a new ClientHello, a renegotiation
            // Refused: the connection ends instead of echoing under new keys.
            assertThat(readAfterWriting(tls, "after")).as("what the server answers after a renegotiation").isNull();
        }
        awaitCloses(1);
        assertThat(closeCauses).anySatisfy(c -> assertThat(c).isInstanceOf(SSLException.class)
                .hasMessageContaining("renegotiation"));
        // The loop goes on: a new connection is served.
        try (SSLSocket again = connect(s, "TLSv1.2")) {
            assertThat(roundTrip(again, "still here")).isEqualTo("still here");
        }
    }

    @Test
    void opensslRenegotiationIsRefusedWithNoSecondHandshake() throws Exception {
        String openssl = ExternalTool.require("openssl");
        Server s = startEcho();
        Path log = java.nio.file.Files.createTempFile("gannet-s_client", ".log");
        Process p = new ProcessBuilder(openssl, "s_client", "-tls1_2", "-state", "-connect", "127.0.0.1:" + s.port())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        OutputStream stdin = p.getOutputStream();
        String out;
        try {
            // "R" on a line of its own asks s_client to renegotiate. stdin stays open: only the server can end it.
            awaitHandshakes(s);
            stdin.write("R\n".getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("s_client ends because the server closed").isTrue();
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            out = java.nio.file.Files.readString(log);
            java.nio.file.Files.delete(log);
        }
        assertThat(out).contains("RENEGOTIATING");
        assertThat(count(out, "SSLv3/TLS read finished")).as("handshakes finished:\n" + out).isEqualTo(1);
        awaitCloses(1);
        assertThat(closeCauses).anySatisfy(c -> assertThat(c).hasMessageContaining("renegotiation"));
    }

    @Test
    void tls12SessionResumptionIsNotMistakenForARenegotiation() throws Exception {
        Server s = startEcho();
        SSLContext ctx = trustingContext(); // one client context: its session cache resumes the first session
        long created;
        try (SSLSocket first = connect(ctx, s, "TLSv1.2")) {
            assertThat(roundTrip(first, "first")).isEqualTo("first");
            created = first.getSession().getCreationTime();
        }
        try (SSLSocket second = connect(ctx, s, "TLSv1.2")) {
            assertThat(roundTrip(second, "second")).isEqualTo("second");
            assertThat(second.getSession().getCreationTime()).as("the session was resumed").isEqualTo(created);
        }
    }

    @Test
    void keyUpdatesOverTls13AreAllowedButBounded() throws Exception {
        Server s = startEcho();
        try (SSLSocket tls = connect(s, "TLSv1.3")) {
            // On TLS 1.3 the JDK answers startHandshake with a KeyUpdate (asking the server for one back).
            for (int i = 0; i < 20; i++) tls.startHandshake();
            assertThat(roundTrip(tls, "fresh keys")).isEqualTo("fresh keys");
            String answer = "";
            for (int i = 0; i < PostHandshakeGuard.MAX_RECORDS_WITHOUT_DATA + 10 && answer != null; i++) {
                try {
                    tls.startHandshake();
                } catch (IOException closed) {
                    answer = null;
                }
            }
            if (answer != null) answer = readAfterWriting(tls, "flooded");
            assertThat(answer).as("the server closes past the limit").isNull();
        }
        awaitCloses(1);
        assertThat(closeCauses).anySatisfy(c -> assertThat(c).isInstanceOf(SSLException.class)
                .hasMessageContaining("without application data"));
    }

    // ---------------------------------------------------------------- files on every close path

    @Test
    void aPeerResettingInTheMiddleOfAFileGetsTheFileReleased(@TempDir Path dir) throws Exception {
        BigFile file = new BigFile(dir, "reset.bin");
        Server s = start(file.sender(null));
        try (SSLSocket tls = connect(s, "TLSv1.3")) {
            tls.getOutputStream().write('g');
            tls.getOutputStream().flush();
            assertThat(tls.getInputStream().readNBytes(64 * 1024)).hasSize(64 * 1024);
            reset(tls);
        }
        file.awaitReleased();
    }

    @Test
    void aPeerClosingInTheMiddleOfAFileGetsTheFileReleased(@TempDir Path dir) throws Exception {
        BigFile file = new BigFile(dir, "fin.bin");
        Server s = start(file.sender(null));
        try (SSLSocket tls = connect(s, "TLSv1.2")) {
            tls.getOutputStream().write('g');
            tls.getOutputStream().flush();
            assertThat(tls.getInputStream().readNBytes(64 * 1024)).hasSize(64 * 1024);
        } // close_notify and FIN, with most of the file unsent
        file.awaitReleased();
    }

    @Test
    void anAbortWithAFileQueuedReleasesIt(@TempDir Path dir) throws Exception {
        BigFile file = new BigFile(dir, "abort.bin");
        // The client does not read, so the file fills the buffers: the handler aborts as the connection turns full.
        Server s = start(file.sender(c -> c.abort(new IOException("test abort"))));
        try (SSLSocket tls = connect(s, "TLSv1.3")) {
            tls.getOutputStream().write('g');
            tls.getOutputStream().flush();
            file.awaitReleased();
        }
    }

    @Test
    void aHandlerExceptionWithAFileQueuedReleasesIt(@TempDir Path dir) throws Exception {
        BigFile file = new BigFile(dir, "throw.bin");
        Server s = start(file.sender(c -> {
            throw new IllegalStateException("handler failure (test)");
        }));
        try (SSLSocket tls = connect(s, "TLSv1.3")) {
            tls.getOutputStream().write('g');
            tls.getOutputStream().flush();
            file.awaitReleased();
        }
    }

    @Test
    void aShutdownWithAFileQueuedReleasesIt(@TempDir Path dir) throws Exception {
        BigFile file = new BigFile(dir, "shutdown.bin");
        Server s = start(file.sender(null));
        try (SSLSocket tls = connect(s, "TLSv1.3")) {
            tls.getOutputStream().write('g');
            tls.getOutputStream().flush();
            file.awaitStarted();
            // The client never reads: the drain's deadline ends the connection with the file half sent.
            s.shutdownGracefully(Duration.ofMillis(200)).orTimeout(10, TimeUnit.SECONDS).join();
            file.awaitReleased();
        }
    }

    @Test
    void aFileSentAfterTheCloseIsDroppedAtOnce(@TempDir Path dir) throws Exception {
        BigFile file = new BigFile(dir, "late.bin");
        Server s = start(new Handler() {
            @Override
            public Action onData(Connection c, ByteBuffer in) {
                in.position(in.limit());
                c.close();
                file.send(c); // too late: dropped, and its callback still runs
                return Action.KEEP;
            }
        });
        try (SSLSocket tls = connect(s, "TLSv1.3")) {
            tls.getOutputStream().write('g');
            tls.getOutputStream().flush();
            file.awaitReleased();
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A big file the server sends, opened per request; each send's callback closes its channel. The channels are
     * kept (strongly reachable), so only that callback, never a garbage collection, can close them.
     */
    static final class BigFile {
        final Path path;
        final List<FileChannel> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AtomicInteger callbacks = new AtomicInteger();

        BigFile(Path dir, String name) throws IOException {
            path = dir.resolve(name);
            byte[] data = new byte[FILE_SIZE];
            new Random(7).nextBytes(data);
            java.nio.file.Files.write(path, data);
        }

        void send(Connection c) {
            try {
                FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
                opened.add(ch);
                c.sendFile(ch, 0, FILE_SIZE, () -> {
                    callbacks.incrementAndGet();
                    try {
                        ch.close();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Sends the file on the first byte received; runs {@code whenFull} (if any) once the connection is full. */
        Handler sender(java.util.function.Consumer<Connection> whenFull) {
            return new Handler() {
                @Override
                public Action onData(Connection c, ByteBuffer in) {
                    in.position(in.limit());
                    if (c.context() == null) {
                        c.context(Boolean.TRUE);
                        send(c);
                    }
                    return Action.KEEP;
                }

                @Override
                public void onWritabilityChanged(Connection c, boolean writable) {
                    if (!writable && whenFull != null) whenFull.accept(c);
                }
            };
        }

        void awaitStarted() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (opened.isEmpty() && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(opened).as("the server started sending the file").isNotEmpty();
        }

        /** Every channel opened got closed by its send's callback, once, and no descriptor points at the file. */
        void awaitReleased() throws Exception {
            awaitStarted();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while ((Descriptors.on(path) > 0 || callbacks.get() < opened.size()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(Descriptors.on(path)).as("descriptors still open on " + path).isZero();
            assertThat(callbacks.get()).as("each send's callback ran once").isEqualTo(opened.size());
            for (FileChannel ch : opened) assertThat(ch.isOpen()).isFalse();
        }
    }

    void awaitCloses(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closes.get() < n && System.nanoTime() < deadline) Thread.sleep(5);
        assertThat(closes.get()).as("connections closed on the server").isGreaterThanOrEqualTo(n);
    }

    /** Waits until the server has accepted a connection (s_client is connected and handshaking). */
    private static void awaitHandshakes(Server s) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.stats().accepted.sum() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        Thread.sleep(500); // s_client reads stdin only once its handshake is done; a line sent earlier waits for it
    }

    static SSLSocket connect(Server s, String protocol) throws Exception {
        return connect(trustingContext(), s, protocol);
    }

    static SSLContext trustingContext() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, null);
        return ctx;
    }

    static SSLSocket connect(SSLContext ctx, Server s, String protocol) throws Exception {
        SSLSocket socket = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", s.port());
        socket.setSoTimeout(10_000);
        socket.setEnabledProtocols(new String[] {protocol});
        socket.startHandshake();
        return socket;
    }

    static String roundTrip(Socket s, String message) throws IOException {
        s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        return new String(s.getInputStream().readNBytes(message.length()), StandardCharsets.UTF_8);
    }

    /** The echo of {@code message}, or null when the connection ended (end of stream, reset or TLS error) instead. */
    static String readAfterWriting(Socket s, String message) {
        try {
            String echo = roundTrip(s, message);
            return echo.length() == message.length() ? echo : null;
        } catch (IOException ended) {
            return null;
        }
    }

    /** Closes with a reset (SO_LINGER 0) instead of a FIN, as a killed client does. */
    static void reset(SSLSocket tls) throws IOException {
        tls.setSoLinger(true, 0);
        tls.close();
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) n++;
        return n;
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
