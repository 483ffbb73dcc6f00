package dev.gannet.http.middleware;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A real server on an ephemeral port (nio engine, one loop), the JDK client, and raw sockets, for middleware tests. */
final class TestServer implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final Server server;
    final int port;

    private TestServer(Server server) {
        this.server = server;
        this.port = server.port();
    }

    /** Starts a server (nio engine) after {@code setup} has added middleware and routes. */
    static TestServer start(Consumer<HttpServer> setup) throws IOException {
        return start("nio", setup);
    }

    static TestServer start(String engine, Consumer<HttpServer> setup) throws IOException {
        HttpServer app = HttpServer.create(HttpConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1", 0).engine(engine).threads(1).shutdownTimeout(Duration.ofSeconds(2)).build())
                .headerTimeout(Duration.ofSeconds(5))
                .build());
        setup.accept(app);
        return new TestServer(app.start());
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** GET with headers given as name, value, name, value… */
    HttpResponse<String> get(String path, String... headers) throws Exception {
        return send(request(path, headers).GET());
    }

    HttpResponse<byte[]> getBytes(String path, String... headers) throws Exception {
        return CLIENT.send(request(path, headers).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b;
    }

    HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    Raw raw() throws IOException {
        return new Raw(port);
    }

    @Override
    public void close() {
        server.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Exact request bytes out, one framed response back (Content-Length bodies only). */
    static final class Raw implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        Raw(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
        }

        Resp exchange(String request) throws IOException {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return read(request.startsWith("HEAD "));
        }

        Resp read(boolean head) throws IOException {
            ByteArrayOutputStream h = new ByteArrayOutputStream();
            int tail = 0;
            while (tail != 0x0d0a0d0a) {
                int b = in.read();
                if (b < 0) throw new IOException("EOF in response head: " + h);
                h.write(b);
                tail = (tail << 8) | b;
            }
            String text = h.toString(StandardCharsets.ISO_8859_1);
            String[] lines = text.split("\r\n");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            List<String[]> headers = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int c = lines[i].indexOf(':');
                if (c > 0) headers.add(new String[] {lines[i].substring(0, c).trim(), lines[i].substring(c + 1).trim()});
            }
            Resp r = new Resp(status, headers, new byte[0]);
            String cl = r.header("Content-Length");
            int length = head || cl == null ? 0 : Integer.parseInt(cl);
            return new Resp(status, headers, in.readNBytes(length));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    record Resp(int status, List<String[]> headers, byte[] body) {
        String header(String name) {
            for (String[] h : headers) if (h[0].equalsIgnoreCase(name)) return h[1];
            return null;
        }

        List<String> all(String name) {
            List<String> out = new ArrayList<>();
            for (String[] h : headers) if (h[0].equalsIgnoreCase(name)) out.add(h[1]);
            return out;
        }

        boolean hasHeaderStartingWith(String prefix) {
            for (String[] h : headers) if (h[0].regionMatches(true, 0, prefix, 0, prefix.length())) return true;
            return false;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
