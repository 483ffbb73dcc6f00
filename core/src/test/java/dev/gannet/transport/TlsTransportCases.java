package dev.gannet.transport;

import dev.gannet.tls.TlsConfig;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/** A real JDK TLS client for the TLS cases of the transport suite: nothing of Gannet's TLS on the client side. */
final class TlsTransportCases {
    static final TlsConfig SERVER_TLS = TlsConfig.selfSigned("localhost").toBuilder()
            .applicationProtocols("h2", "http/1.1").build();

    private TlsTransportCases() {
    }

    /** Connects with the JDK's SSLSocket, trusting any certificate, offering {@code alpn} (may be empty). */
    static SSLSocket connect(InetSocketAddress address, String... alpn) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", address.getPort());
        s.setSoTimeout(10_000);
        if (alpn.length > 0) {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(alpn);
            s.setSSLParameters(p);
        }
        s.startHandshake();
        return s;
    }

    static String roundTrip(Socket s, String message) throws IOException {
        s.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        return new String(s.getInputStream().readNBytes(message.length()), StandardCharsets.UTF_8);
    }

    /**
     * A delegated-task executor that runs each task on a virtual thread, and while held keeps new tasks waiting
     * until released: a handshake step as slow as a test likes, with no clock involved.
     */
    static final class GatedTasks implements Executor {
        final AtomicInteger ran = new AtomicInteger();
        /** A permit for each task that found the gate held. */
        final Semaphore waiting = new Semaphore(0);
        private volatile CountDownLatch gate = new CountDownLatch(0);

        void hold() {
            gate = new CountDownLatch(1);
        }

        void release() {
            gate.countDown();
        }

        @Override
        public void execute(Runnable task) {
            CountDownLatch g = gate;
            Thread.ofVirtual().start(() -> {
                if (g.getCount() > 0) waiting.release();
                try {
                    g.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // run it anyway: the handshake depends on it
                }
                // Counted first: the task hands the handshake back to the connection's loop as it ends, so the
                // handshake (and a test's echo) can finish before a count made afterwards.
                ran.incrementAndGet();
                task.run();
            });
        }
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
