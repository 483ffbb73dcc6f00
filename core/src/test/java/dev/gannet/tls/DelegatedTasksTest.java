package dev.gannet.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gannet.transport.Action;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;

/**
 * Delegated handshake tasks run off the connection's thread: the handshake waits for them without touching the
 * engine, and whatever happens to the connection meanwhile (writes, a close, a timeout, a failing task) comes out
 * right when the task is done, or after it is gone.
 */
class DelegatedTasksTest {

    private static final SelfSignedCertificate CERT = SelfSignedCertificate.generate("localhost");

    private static TlsConfig server(Executor tasks) {
        return TlsConfig.builder().keyManagers(CERT.keyManagers()).delegatedTaskExecutor(tasks).build();
    }

    private static TlsConfig client(Executor tasks) {
        return TlsConfig.builder().trustCertificates(CERT.certificate()).delegatedTaskExecutor(tasks).build();
    }

    private static MemoryPipe pipe(TlsConfig clientConfig, Recorder c, TlsConfig serverConfig, Recorder s, long seed,
                                   int maxChunk) {
        return new MemoryPipe(new TlsHandler(c, clientConfig, true), TlsHandler.server(serverConfig, s), seed, maxChunk);
    }

    private static Recorder echo() {
        Recorder s = new Recorder();
        s.onData = (conn, in) -> {
            byte[] bytes = new byte[in.remaining()];
            in.get(bytes);
            s.received.writeBytes(bytes);
            conn.write(bytes);
            return Action.KEEP;
        };
        return s;
    }

    /** Hands out these tasks, then null, as SSLEngine.getDelegatedTask does. */
    private static java.util.function.Supplier<Runnable> supplier(Runnable... tasks) {
        Iterator<Runnable> it = List.of(tasks).iterator();
        return () -> it.hasNext() ? it.next() : null;
    }

    private static String text(Recorder r) {
        return r.received.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void bothSidesHandTheirTasksToTheExecutor() {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            for (int maxChunk : new int[] {1, 50, 20_000}) {
                HeldTasks clientTasks = new HeldTasks();
                HeldTasks serverTasks = new HeldTasks();
                Recorder c = new Recorder();
                Recorder s = echo();
                c.onOpen = conn -> conn.write("hello".getBytes(StandardCharsets.US_ASCII));
                TlsConfig cc = client(clientTasks).toBuilder().protocols(protocol).build();
                pipe(cc, c, server(serverTasks), s, maxChunk, maxChunk).open();

                assertThat(text(c)).as(protocol + " in chunks of up to " + maxChunk).isEqualTo("hello");
                assertThat(((TlsConnection) s.connection).session().getProtocol()).isEqualTo(protocol);
                assertThat(serverTasks.ran).isPositive().isEqualTo(serverTasks.submitted);
                assertThat(clientTasks.ran).isPositive().isEqualTo(clientTasks.submitted);
            }
        }
    }

    @Test
    void inlineSameThreadAndRefusingExecutorsAllComplete() {
        Executor refusing = task -> {
            throw new RejectedExecutionException("shut down");
        };
        for (Executor tasks : new Executor[] {TlsConfig.INLINE_TASKS, Runnable::run, refusing}) {
            for (boolean freshThreads : new boolean[] {false, true}) {
                Recorder c = new Recorder();
                Recorder s = echo();
                c.onOpen = conn -> conn.write("hi".getBytes(StandardCharsets.US_ASCII));
                MemoryPipe p = pipe(client(tasks), c, server(tasks), s, 2, 100);
                p.freshThreads = freshThreads; // the vthread engine: callbacks on changing virtual threads
                p.open();
                assertThat(text(c)).as(tasks + (freshThreads ? " on fresh threads" : "")).isEqualTo("hi");
                assertThat(p.server.paused).as("reading is not left paused").isFalse();
            }
        }
    }

    @Test
    void writesMadeWhileTasksRunGoOutInOrderAheadOfOnOpens() throws InterruptedException {
        HeldTasks clientTasks = new HeldTasks();
        clientTasks.hold = true;
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        c.onOpen = conn -> conn.write("[open]".getBytes(StandardCharsets.US_ASCII));
        MemoryPipe p = pipe(client(clientTasks), c, server(new HeldTasks()), s, 3, 200).open();
        TlsConnection tls = p.client.context();
        assertThat(clientTasks.queue).as("the client waits for its first task").isNotEmpty();
        assertThat(p.client.paused).as("and reads nothing meanwhile").isTrue();

        int step = 0;
        while (c.opens == 0) {
            assertThat(clientTasks.queue).isNotEmpty();
            tls.write(("[" + step + "]").getBytes(StandardCharsets.US_ASCII));
            int n = step++;
            // From another thread too: handed to the connection's thread, queued behind the one above.
            Thread.ofPlatform().start(() -> tls.write(("(" + n + ")").getBytes(StandardCharsets.US_ASCII))).join();
            p.run();
            clientTasks.runOne();
            p.run();
        }
        tls.write("[after]".getBytes(StandardCharsets.US_ASCII));
        p.run();

        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < step; i++) expected.append('[').append(i).append("](").append(i).append(')');
        assertThat(step).as("several tasks, each a hand-over").isGreaterThan(1);
        assertThat(text(s)).isEqualTo(expected + "[open][after]");
    }

    @Test
    void anAbortWhileATaskRunsMakesItsCompletionANoOp() {
        HeldTasks serverTasks = new HeldTasks();
        serverTasks.hold = true;
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = pipe(client(new HeldTasks()), c, server(serverTasks), s, 4, 500).open();
        assertThat(serverTasks.queue).hasSize(1);

        IOException reset = new IOException("connection reset");
        p.server.abort(reset); // the transport closes it: a reset, an idle timeout
        long written = p.server.bytesWritten;
        serverTasks.runOne(); // the task finishes after all; its completion is queued on the closed connection
        p.run();

        assertThat(s.opens).isZero();
        assertThat(s.closeCause).isSameAs(reset);
        assertThat(p.server.bytesWritten).as("nothing sent after the close").isEqualTo(written);
        assertThat(p.client.closeReported).isTrue();
    }

    @Test
    void aCloseWhileATaskRunsWaitsForItThenSendsCloseNotify() {
        HeldTasks serverTasks = new HeldTasks();
        serverTasks.hold = true;
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        MemoryPipe p = pipe(client(new HeldTasks()), c, server(serverTasks), s, 5, 500).open();
        TlsConnection tls = p.server.context();
        tls.close();
        assertThat(p.server.closeReported).as("the close waits for the task").isFalse();
        assertThat(tls.isOpen()).isFalse();

        serverTasks.hold = false;
        p.run();
        assertThat(serverTasks.ran).isOne();
        assertThat(s.opens).as("closed before it was ever open").isZero();
        assertThat(p.server.closeReported).isTrue();
        assertThat(p.server.closeCause).isNull();
        assertThat(p.client.closeReported).isTrue();
    }

    @Test
    void theHandshakeTimeoutFiresWhileATaskRuns() {
        HeldTasks serverTasks = new HeldTasks();
        serverTasks.hold = true;
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        TlsConfig sc = server(serverTasks).toBuilder().handshakeTimeout(Duration.ofMillis(200)).build();
        MemoryPipe p = pipe(client(new HeldTasks()), c, sc, s, 6, 500).open();
        assertThat(serverTasks.queue).hasSize(1);

        p.advance(Duration.ofMillis(250));
        assertThat(p.server.closeReported).isTrue();
        assertThat(s.closeCause).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("200 ms");
        long written = p.server.bytesWritten;
        serverTasks.hold = false;
        p.run();
        assertThat(serverTasks.ran).isOne();
        assertThat(s.opens).isZero();
        assertThat(p.server.bytesWritten).isEqualTo(written);
    }

    @Test
    void aTaskThatThrowsIsReportedAsAHandshakeFailureWhereverItRan() throws Exception {
        // The JDK's tasks keep their failures for the engine to throw; other engines' tasks may throw.
        IllegalStateException boom = new IllegalStateException("boom");
        Runnable throwing = () -> {
            throw boom;
        };
        MemoryPipe p = new MemoryPipe(new Recorder(), new Recorder(), 9, 10);
        List<Throwable> done = new ArrayList<>();
        HeldTasks held = new HeldTasks();
        DelegatedTasks offloaded = new DelegatedTasks(held, p.server, done::add);
        assertThat(offloaded.start(supplier(throwing))).isTrue();
        assertThat(offloaded.running()).isTrue();
        assertThat(p.server.paused).isTrue();
        held.runOne(); // on the "executor": the throw is caught and handed to the connection's thread
        assertThat(done).isEmpty();
        p.run();
        assertThat(done).containsExactly(boom);
        assertThat(offloaded.running()).isFalse();

        for (Executor here : new Executor[] {TlsConfig.INLINE_TASKS, Runnable::run}) {
            DelegatedTasks d = new DelegatedTasks(here, p.client, t -> done.add(null));
            assertThatThrownBy(() -> d.start(supplier(throwing)))
                    .isInstanceOf(SSLHandshakeException.class).hasCause(boom);
            assertThat(d.running()).isFalse();
        }
        assertThat(done).hasSize(1);
    }

    @Test
    void aFailureInsideATaskSendsTheAlertAndClosesWithTheCause() {
        // The server's key is chosen in the ClientHello task; here choosing it fails, as a remote signer might.
        X509ExtendedKeyManager keys = (X509ExtendedKeyManager) CERT.keyManagers()[0];
        IllegalStateException unavailable = new IllegalStateException("signer unavailable");
        X509ExtendedKeyManager failing = new X509ExtendedKeyManager() {
            @Override public String chooseEngineServerAlias(String type, Principal[] issuers, SSLEngine engine) {
                throw unavailable;
            }
            @Override public String[] getClientAliases(String type, Principal[] issuers) { return null; }
            @Override public String chooseClientAlias(String[] type, Principal[] issuers, Socket socket) { return null; }
            @Override public String[] getServerAliases(String type, Principal[] issuers) { return keys.getServerAliases(type, issuers); }
            @Override public String chooseServerAlias(String type, Principal[] issuers, Socket socket) { throw unavailable; }
            @Override public X509Certificate[] getCertificateChain(String alias) { return keys.getCertificateChain(alias); }
            @Override public PrivateKey getPrivateKey(String alias) { return keys.getPrivateKey(alias); }
        };
        HeldTasks serverTasks = new HeldTasks();
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        TlsConfig sc = TlsConfig.builder().keyManagers(failing).delegatedTaskExecutor(serverTasks).build();
        MemoryPipe p = pipe(client(new HeldTasks()), c, sc, s, 7, 500).open();

        assertThat(serverTasks.ran).isPositive();
        assertThat(s.opens).isZero();
        assertThat(c.opens).isZero();
        assertThat(s.closeCause).isInstanceOf(SSLException.class).hasRootCause(unavailable);
        assertThat(p.server.closeCause).as("the transport has the cause too").isSameAs(s.closeCause);
        assertThat(p.client.closeCause).as("the alert reached the client")
                .isInstanceOf(SSLException.class).hasMessageContaining("internal_error");
    }

    @Test
    void aFailureFoundAfterATaskSendsTheAlertAndClosesWithTheCause() {
        // The client's certificate check runs in a task; the server's certificate is for another name.
        HeldTasks clientTasks = new HeldTasks();
        Recorder c = new Recorder();
        Recorder s = new Recorder();
        TlsConfig cc = client(clientTasks).toBuilder().peerHost("example.com").build();
        MemoryPipe p = pipe(cc, c, server(new HeldTasks()), s, 8, 300).open();

        assertThat(clientTasks.ran).isPositive();
        assertThat(c.opens).isZero();
        assertThat(c.closeCause).isInstanceOf(SSLHandshakeException.class);
        assertThat(p.client.closeCause).isSameAs(c.closeCause);
        assertThat(p.server.closeCause).as("the server got the client's alert")
                .isInstanceOf(SSLException.class).hasMessageContaining("certificate");
    }
}
