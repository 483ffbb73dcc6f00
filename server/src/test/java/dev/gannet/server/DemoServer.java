package dev.gannet.server;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicReference;

/** The routes of {@code gannet serve} on an ephemeral loopback port, as ServeCommand installs them. */
final class DemoServer implements AutoCloseable {
    final Server server;
    final int port;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    DemoServer() throws Exception {
        var holder = new AtomicReference<Server>();
        ServerConfig config = ServerConfig.builder().address(new InetSocketAddress("127.0.0.1", 0)).threads(2).build();
        HttpServer app = HttpServer.create(HttpConfig.builder().server(config).build());
        DemoRoutes.install(app, holder, false);
        server = app.start();
        holder.set(server);
        port = server.port();
    }

    String origin() {
        return "http://127.0.0.1:" + port;
    }

    URI uri(String scheme, String path) {
        return URI.create(scheme + "://127.0.0.1:" + port + path);
    }

    /** A JDK WebSocket client whose messages (text as String, binary as byte[]) land in {@link Client#received}. */
    Client webSocket(String path, String origin) {
        Client c = new Client();
        var b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (origin != null) b.header("Origin", origin);
        c.ws = b.buildAsync(uri("ws", path), c);
        return c;
    }

    static final class Client implements WebSocket.Listener {
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        CompletableFuture<WebSocket> ws;
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        WebSocket open() {
            return ws.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join();
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                received.add(binary.toByteArray());
                binary.reset();
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closed.completeExceptionally(error);
        }

        Object next() throws InterruptedException {
            Object m = received.poll(5, java.util.concurrent.TimeUnit.SECONDS);
            if (m == null) throw new AssertionError("no WebSocket message within 5 s");
            return m;
        }
    }

    @Override
    public void close() {
        server.shutdownGracefully(Duration.ofMillis(500)).join();
        // Not close(): that waits for the client's open WebSockets to finish.
        http.shutdownNow();
    }
}
