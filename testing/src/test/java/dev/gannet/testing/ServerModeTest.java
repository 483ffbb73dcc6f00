package dev.gannet.testing;

import dev.gannet.http.HttpServer;
import dev.gannet.transport.Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared contract over a real socket, plus what only a real server has: the Server and its port. */
@GannetTest(mode = Mode.SERVER, engine = "nio")
class ServerModeTest extends AppContract {
    /** The server the first test saw: every later test of the class must see the same one. */
    private static final AtomicReference<Server> FIRST_SEEN = new AtomicReference<>();

    private final TestClient constructorClient;
    private final int constructorPort;

    /** Constructor injection works because the app is per class and already started when instances are made. */
    ServerModeTest(TestClient client, @GannetPort int port) {
        this.constructorClient = client;
        this.constructorPort = port;
    }

    @Override
    Mode expectedMode() {
        return Mode.SERVER;
    }

    @BeforeAll
    static void beforeAllSeesTheRunningServer(Server server, @GannetPort Integer port) {
        assertThat(server.terminationFuture()).isNotDone();
        assertThat(port).isEqualTo(server.port());
    }

    @AfterAll
    static void afterAllStillSeesTheRunningServer(Server server, TestClient client) {
        // The extension stops the app after @AfterAll methods, so they can still use it.
        assertThat(server.terminationFuture()).isNotDone();
        assertThat(client.get("/hello").status()).isEqualTo(200);
    }

    @Test
    void serverAndPortAreTheRealListenerOnLoopback(Server server, @GannetPort int port) throws Exception {
        assertThat(port).isPositive().isEqualTo(server.port()).isEqualTo(constructorPort);
        InetSocketAddress address = server.localAddress();
        assertThat(address.getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.engine()).isEqualTo("nio");
        // Bypass the TestClient entirely: a raw socket on the injected port must reach the app's routes.
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("GET /users/5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").endsWith("user 5 q=null");
        }
    }

    @Test
    void oneServerForTheWholeClass(Server server) {
        FIRST_SEEN.compareAndSet(null, server);
        assertThat(server).isSameAs(FIRST_SEEN.get());
    }

    @Test
    void oneServerForTheWholeClassSeenAgain(Server server) {
        FIRST_SEEN.compareAndSet(null, server);
        assertThat(server).isSameAs(FIRST_SEEN.get());
    }

    @Test
    void constructorAndMethodGetTheSameClient(TestClient client) {
        assertThat(constructorClient).isSameAs(client);
        assertThat(constructorClient.get("/hello").body()).isEqualTo("Hello, World!");
    }

    @Test
    void theInjectedAppIsTheOneBehindThePort(HttpServer app, Server server) {
        assertThat(app.config().server().address().getPort()).isZero(); // asked for an ephemeral port...
        assertThat(server.port()).isNotZero();                           // ...and got a real one
        assertThat(app.config().server().engine()).isEqualTo("nio");
    }
}
