package dev.gannet.bench;

import dev.gannet.transport.Action;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TcpServer;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Bytes the server allocates per echoed message in steady state. Server and client share one JVM: the JVM
 * counts bytes allocated by every thread, so the server's share is the total minus the client thread's. Plain
 * counters, no sampling, so a result of 0.0 B/msg means no allocation at all over the window.
 */
final class AllocBench implements Bench {
    private static final int CONNECTIONS = 100;

    @Override
    public String name() {
        return "alloc";
    }

    @Override
    public String summary() {
        return "server bytes allocated per echoed message, steady state (nio and vthread)";
    }

    @Override
    public void usage(PrintStream out) {
        out.println("usage: gannet bench alloc [--quick]");
        out.println("  Echoes 64 B and 4 KB messages over " + CONNECTIONS + " connections in-process and prints the bytes");
        out.println("  the server threads allocated per message after warm-up (ThreadMXBean allocation counters).");
    }

    @Override
    public int run(List<String> args) throws Exception {
        boolean quick = args.contains("--quick");
        long warmup = quick ? 300_000 : 1_000_000;
        long measured = quick ? 300_000 : 2_000_000;
        StringBuilder table = new StringBuilder("| engine | message | messages measured | server B/msg |\n"
                + "|---|---:|---:|---:|\n");
        for (String engine : List.of("nio", "vthread")) {
            for (int size : List.of(64, 4096)) {
                System.err.printf("alloc: %s %d B ...%n", engine, size);
                double perMsg = measure(engine, size, warmup, measured);
                System.err.printf(Locale.ROOT, "alloc: %s %d B: %.3f B/msg%n", engine, size, perMsg);
                table.append(String.format(Locale.ROOT, "| %s | %d B | %,d | %.3f |%n", engine, size, measured, perMsg));
            }
        }
        System.out.print(TextReport.render(table.toString(), ""));
        return 0;
    }

    private static double measure(String engine, int size, long warmup, long measured) throws IOException {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        ServerConfig config = ServerConfig.builder().host("127.0.0.1", 0).engine(engine).threads(1).build();
        Server server = TcpServer.start(config, (c, in) -> {
            c.write(in);
            return Action.KEEP;
        });
        try (Client client = new Client(server.localAddress(), size)) {
            long self = Thread.currentThread().threadId();
            client.roundTrips(warmup);
            long loop = loopThreadId();
            long total0 = mx.getTotalThreadAllocatedBytes();
            long client0 = mx.getThreadAllocatedBytes(self);
            long loop0 = loop < 0 ? 0 : mx.getThreadAllocatedBytes(loop);
            client.roundTrips(measured);
            long total1 = mx.getTotalThreadAllocatedBytes();
            long client1 = mx.getThreadAllocatedBytes(self);
            long loop1 = loop < 0 ? 0 : mx.getThreadAllocatedBytes(loop);
            if (loop >= 0) System.err.printf(Locale.ROOT, "alloc: %s event loop thread alone: %.3f B/msg%n", engine, (double) (loop1 - loop0) / measured);
            return (double) ((total1 - total0) - (client1 - client0)) / measured;
        } finally {
            server.shutdownGracefully(Duration.ofSeconds(1)).join();
        }
    }

    /** The nio server's event loop thread, or -1 (the vthread engine has none). */
    private static long loopThreadId() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("gannet-nio-0")) return t.threadId();
        }
        return -1;
    }

    /** A closed-loop echo client on one selector, allocation-free after set-up. */
    private static final class Client implements AutoCloseable {
        private final Selector selector = Selector.open();
        private final SocketChannel[] channels = new SocketChannel[CONNECTIONS];
        private final ByteBuffer[] out = new ByteBuffer[CONNECTIONS];
        private final ByteBuffer[] in = new ByteBuffer[CONNECTIONS];

        Client(InetSocketAddress address, int size) throws IOException {
            for (int i = 0; i < CONNECTIONS; i++) {
                SocketChannel ch = SocketChannel.open(address);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, i);
                channels[i] = ch;
                out[i] = ByteBuffer.allocateDirect(size);
                in[i] = ByteBuffer.allocateDirect(size);
            }
        }

        void roundTrips(long count) throws IOException {
            long done = 0;
            for (int i = 0; i < CONNECTIONS; i++) send(i);
            long inFlight = CONNECTIONS;
            while (done < count) {
                selector.select();
                var it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    int i = (Integer) k.attachment();
                    ByteBuffer b = in[i];
                    if (channels[i].read(b) < 0) throw new IOException("server closed a connection");
                    if (!b.hasRemaining()) {
                        b.clear();
                        done++;
                        inFlight--;
                        if (done + inFlight < count) {
                            send(i);
                            inFlight++;
                        }
                    }
                }
                if (inFlight == 0) break;
            }
        }

        private void send(int i) throws IOException {
            ByteBuffer b = out[i].clear();
            while (b.hasRemaining()) channels[i].write(b);
        }

        @Override
        public void close() throws IOException {
            for (SocketChannel ch : channels) if (ch != null) ch.close();
            selector.close();
        }
    }
}
