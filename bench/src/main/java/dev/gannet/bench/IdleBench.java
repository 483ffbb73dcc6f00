package dev.gannet.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Memory per idle connection: the server's RSS growth divided by N after N connections were opened, each had one
 * round trip (so the server fully set it up), and then went quiet. The server is a separate {@code gannet serve}
 * process with the launcher's default flags, so the figure is what a user's process pays.
 */
final class IdleBench implements Bench {

    @Override
    public String name() {
        return "idle";
    }

    @Override
    public String summary() {
        return "server RSS per idle connection (10k connections; nio, io_uring and vthread)";
    }

    @Override
    public void usage(PrintStream out) {
        out.println("usage: gannet bench idle [--quick] [--connections N]");
        out.println("  Opens N (default 10000; --quick 2000) connections to a gannet serve process per engine and prints");
        out.println("  the growth of its resident set size divided by N.");
    }

    @Override
    public int run(List<String> args) throws Exception {
        int n = args.contains("--quick") ? 2000 : 10_000;
        int i = args.indexOf("--connections");
        if (i >= 0 && i + 1 < args.size()) n = Integer.parseInt(args.get(i + 1));
        StringBuilder table = new StringBuilder("| engine | connections | RSS before (KiB) | RSS after (KiB) "
                + "| bytes per connection |\n|---|---:|---:|---:|---:|\n");
        for (String engine : List.of("nio", "io_uring", "vthread")) {
            System.err.printf("idle: %s with %d connections ...%n", engine, n);
            table.append(measure(engine, n));
        }
        System.out.print(TextReport.render(table.toString(), ""));
        return 0;
    }

    /** One row of the table (Markdown). */
    private static String measure(String engine, int n) throws Exception {
        int port = ChildProcesses.freePort();
        Path log = Path.of("bench", "target", "idle-" + engine + ".log");
        List<String> cmd = new ArrayList<>(List.of(ChildProcesses.javaBinary()));
        cmd.addAll(ChildProcesses.gannetFlags());
        cmd.addAll(List.of("-cp", ChildProcesses.classPath(), "dev.gannet.server.Gannet", "serve",
                "--host", "127.0.0.1", "--port", Integer.toString(port), "--engine", engine, "--threads", "1", "--mode", "echo"));
        Process server = ChildProcesses.start(cmd, log);
        List<SocketChannel> open = new ArrayList<>(n);
        try {
            ChildProcesses.awaitListening(port, Duration.ofSeconds(20), server, log);
            long pid = server.pid();
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            // Warm the server's code paths first, so the growth measured is per connection, not class loading or JIT.
            for (int k = 0; k < 200; k++) {
                try (SocketChannel ch = SocketChannel.open(address)) {
                    roundTrip(ch);
                }
            }
            Thread.sleep(1000);
            long before = rssKiB(pid);
            for (int k = 0; k < n; k++) open.add(SocketChannel.open(address));
            for (SocketChannel ch : open) roundTrip(ch);
            Thread.sleep(2000);
            long after = rssKiB(pid);
            String row = String.format(Locale.ROOT, "| %s | %,d | %,d | %,d | %,.0f |%n", engine, n, before, after,
                    (after - before) * 1024.0 / n);
            System.err.print("idle: " + row);
            return row;
        } finally {
            for (SocketChannel ch : open) ch.close();
            ChildProcesses.stop(server, Duration.ofSeconds(5));
        }
    }

    private static void roundTrip(SocketChannel ch) throws IOException {
        ch.write(ByteBuffer.wrap(new byte[] {'p'}));
        ByteBuffer b = ByteBuffer.allocate(1);
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) throw new IOException("server closed the connection");
        }
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        throw new IOException("no VmRSS for pid " + pid);
    }
}
