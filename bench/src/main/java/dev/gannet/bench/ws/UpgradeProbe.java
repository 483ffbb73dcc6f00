package dev.gannet.bench.ws;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where an upgrade's latency tail comes from, one handshake at a time with a blocking client: the p50/p99 of
 * connect-to-101 against a server already running, or ({@code --connect-only}) of a bare TCP connect to a listener
 * in this process, and the slowest handshakes with their index (a tail at 256, 512, 1,024 ... open descriptors is
 * the kernel growing a file table).
 *
 * <p>With {@code --in-process ENGINE} it starts a Gannet server with a {@code /ws} endpoint in this JVM instead,
 * and also reports the bytes the server's threads allocated per upgrade (ThreadMXBean).
 *
 * <p>{@code UpgradeProbe --port P [--count N] [--warm W] [--hold] [--reserve] [--connect-only] [--in-process ENGINE]}
 */
public final class UpgradeProbe {
    private static final byte[] REQUEST = ("GET /ws HTTP/1.1\r\nHost: probe\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private UpgradeProbe() {
    }

    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        dev.gannet.transport.Server inProcess = null;
        if (a.contains("--in-process")) inProcess = startGannet(value(a, "--in-process", null));
        int port = inProcess != null ? inProcess.port() : Integer.parseInt(value(a, "--port", null));
        int count = Integer.parseInt(value(a, "--count", "5000"));
        int warm = Integer.parseInt(value(a, "--warm", "3000"));
        boolean hold = a.contains("--hold");
        if (a.contains("--reserve")) dev.gannet.engine.internal.FileTable.reserve();
        ServerSocket listener = null;
        if (a.contains("--connect-only")) {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress("127.0.0.1", port), 20_000);
        }
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < warm; i++) {
            try (Socket s = once(port, listener, held, false)) {
                // the warm-up compiles this loop; its sockets close at once
            }
        }
        closeAll(held);
        long[] latency = new long[count];
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long allBefore = threads.getTotalThreadAllocatedBytes();
        long mineBefore = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            Socket s = once(port, listener, held, true);
            latency[i] = System.nanoTime() - start;
            if (hold) held.add(s);
            else s.close();
        }
        long others = (threads.getTotalThreadAllocatedBytes() - allBefore) - (threads.getCurrentThreadAllocatedBytes() - mineBefore);
        if (inProcess != null) System.out.printf("server threads allocated %,d bytes per upgrade%n", others / count);
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        System.out.printf("%s: %,d at one in flight: p50 %d us, p99 %d us, p99.9 %d us, max %d us%n",
                listener != null ? "TCP connect" : "upgrade", count, sorted[count / 2] / 1000,
                sorted[count * 99 / 100] / 1000, sorted[count * 999 / 1000] / 1000, sorted[count - 1] / 1000);
        Integer[] slowest = new Integer[count];
        for (int i = 0; i < count; i++) slowest[i] = i;
        Arrays.sort(slowest, (x, y) -> Long.compare(latency[y], latency[x]));
        for (int k = 0; k < Math.min(8, count); k++) {
            System.out.printf("  #%d: %d us%n", slowest[k], latency[slowest[k]] / 1000);
        }
        closeAll(held);
        if (listener != null) listener.close();
        if (inProcess != null) inProcess.shutdownGracefully(java.time.Duration.ofSeconds(1)).join();
    }

    /** The server under test in this JVM: one loop, compression off, an empty handler. */
    private static dev.gannet.transport.Server startGannet(String engine) throws IOException {
        return dev.gannet.http.HttpServer.create(dev.gannet.http.HttpConfig.builder()
                        .server(dev.gannet.transport.ServerConfig.builder().host("127.0.0.1", 0).engine(engine).threads(1).build())
                        .build())
                .ws("/ws", dev.gannet.http.ws.WebSocketConfig.builder().compression(false).build(),
                        new dev.gannet.http.ws.WebSocketHandler() {})
                .start();
    }

    /** One connect, and the upgrade unless {@code listener} is set (then the accepted end is kept with the others). */
    private static Socket once(int port, ServerSocket listener, List<Socket> accepted, boolean keepAccepted) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port));
        if (listener != null) {
            Socket other = listener.accept();
            if (keepAccepted) accepted.add(other);
            else other.close();
            return s;
        }
        s.getOutputStream().write(REQUEST);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1024];
        int got = 0;
        while (got < 4 || buf[got - 4] != '\r' || buf[got - 3] != '\n' || buf[got - 2] != '\r' || buf[got - 1] != '\n') {
            int r = in.read(buf, got, buf.length - got);
            if (r < 0 || got + r == buf.length) throw new IOException("no 101 head");
            got += r;
        }
        if (!new String(buf, 0, 12, StandardCharsets.US_ASCII).equals("HTTP/1.1 101")) throw new IOException("not a 101");
        return s;
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) s.close();
        sockets.clear();
    }

    private static String value(List<String> args, String name, String fallback) {
        int i = args.indexOf(name);
        if (i >= 0 && i + 1 < args.size()) return args.get(i + 1);
        if (fallback == null) throw new IllegalArgumentException("missing " + name);
        return fallback;
    }
}
