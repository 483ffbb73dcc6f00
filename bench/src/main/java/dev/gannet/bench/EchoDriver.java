package dev.gannet.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop TCP echo load: N persistent connections, each sends one message, waits for all of its bytes to come
 * back, records the round trip, and sends the next. One thread and one Selector, plain JDK NIO, so the client
 * side is the same for every server and costs one core (the orchestrator pins it to core 1).
 *
 * <p>Closed loop means the latencies are service times at saturation, not latencies at a fixed offered rate;
 * they compare servers under the same load but are not corrected for coordinated omission.
 *
 * <p>Output: one line on stdout, {@code RESULT key=value ...}, for {@link TcpEchoBench} to parse; errors on
 * stderr and a non-zero exit code.
 */
public final class EchoDriver {

    /** A server that answers nothing for this long is considered stuck rather than slow. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Every message's first and last byte are checked; every this-many-th message per connection is checked whole. */
    private static final int FULL_CHECK_EVERY = 64;
    private static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final String host;
    private final int port;
    private final int size;
    private final int connections;
    private final long warmupNanos;
    private final long durationNanos;
    private final long serverPid;

    private final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_NANOS, 3);
    private long completed;
    private long lastCompletionAt;

    private EchoDriver(String host, int port, int size, int connections, double warmupSeconds,
                       double durationSeconds, long serverPid) {
        this.host = host;
        this.port = port;
        this.size = size;
        this.connections = connections;
        this.warmupNanos = (long) (warmupSeconds * 1e9);
        this.durationNanos = (long) (durationSeconds * 1e9);
        this.serverPid = serverPid;
    }

    public static void main(String[] args) {
        String host = "127.0.0.1";
        int port = -1;
        int size = 64;
        int connections = 100;
        double warmup = 5;
        double duration = 10;
        long serverPid = -1;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--host" -> host = v;
                    case "--port" -> port = Integer.parseInt(v);
                    case "--size" -> size = Integer.parseInt(v);
                    case "--connections" -> connections = Integer.parseInt(v);
                    case "--warmup" -> warmup = Double.parseDouble(v);
                    case "--duration" -> duration = Double.parseDouble(v);
                    case "--server-pid" -> serverPid = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (port <= 0 || size <= 0 || connections <= 0 || duration <= 0 || warmup < 0) {
                throw new IllegalArgumentException("need --port > 0, --size > 0, --connections > 0, --duration > 0");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("echo driver: " + e.getMessage());
            System.err.println("usage: EchoDriver --port P [--host H] [--size BYTES] [--connections N] "
                    + "[--warmup S] [--duration S] [--server-pid PID]");
            System.exit(2);
            return;
        }
        try {
            String line = new EchoDriver(host, port, size, connections, warmup, duration, serverPid).run();
            System.out.println(line);
            System.out.flush();
            System.exit(0);
        } catch (Exception e) {
            System.err.println("echo driver: " + e.getMessage());
            System.exit(1);
        }
    }

    /** One connection's state. Buffers are direct so the JDK does not copy through a temporary one per call. */
    private final class Conn {
        final int id;
        final SocketChannel channel;
        final ByteBuffer out;
        final ByteBuffer in;
        SelectionKey key;
        long sentAt;
        int seq;

        Conn(int id, SocketChannel channel) {
            this.id = id;
            this.channel = channel;
            this.out = ByteBuffer.allocateDirect(size);
            this.in = ByteBuffer.allocateDirect(size);
            for (int i = 0; i < size; i++) {
                out.put(i, (byte) (i * 7 + id));
            }
        }

        void send(long now) throws IOException {
            seq++;
            // Change the ends every time so a stale or misrouted echo cannot pass the cheap check.
            out.put(0, (byte) seq);
            out.put(size - 1, (byte) (seq * 31 + id));
            out.clear();
            in.clear();
            sentAt = now;
            channel.write(out);
            // Keep reading while a large message is still being written, so neither side can block the other.
            int ops = out.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        }

        void onReady() throws IOException {
            if (key.isWritable() && out.hasRemaining()) {
                channel.write(out);
                if (!out.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isReadable()) {
                if (channel.read(in) < 0) {
                    throw new IOException("the server closed connection " + id);
                }
                if (!in.hasRemaining()) {
                    long now = System.nanoTime();
                    if (out.hasRemaining()) {
                        throw new IOException("connection " + id + " received " + size
                                + " bytes before its message was fully sent: not an echo");
                    }
                    verify();
                    long rtt = now - sentAt;
                    histogram.recordValue(Math.min(rtt, HIGHEST_TRACKABLE_NANOS));
                    completed++;
                    lastCompletionAt = now;
                    send(now);
                }
            }
        }

        private void verify() throws IOException {
            boolean ok = in.get(0) == out.get(0) && in.get(size - 1) == out.get(size - 1);
            if (ok && seq % FULL_CHECK_EVERY == 0) {
                // Both buffers cover [0, size) for the compare; send() rewinds them again for the next message.
                ok = in.clear().mismatch(out.clear()) < 0;
            }
            if (!ok) {
                throw new IOException("connection " + id + " message " + seq + ": the echoed bytes differ from "
                        + "the bytes sent");
            }
        }
    }

    private String run() throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        try (Selector selector = Selector.open()) {
            Conn[] conns = new Conn[connections];
            try {
                for (int i = 0; i < connections; i++) {
                    SocketChannel ch = SocketChannel.open();
                    conns[i] = new Conn(i, ch);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    ch.connect(address);
                    ch.configureBlocking(false);
                    conns[i].key = ch.register(selector, 0, conns[i]);
                }
                return drive(selector, conns);
            } finally {
                for (Conn c : conns) {
                    if (c != null) {
                        c.channel.close();
                    }
                }
            }
        }
    }

    private String drive(Selector selector, Conn[] conns) throws IOException {
        long start = System.nanoTime();
        lastCompletionAt = start;
        for (Conn c : conns) {
            c.send(start);
        }
        long measureStart = 0;
        long serverTicksStart = 0;
        long driverTicksStart = 0;
        long[][] cpusStart = null;
        boolean measuring = false;
        while (true) {
            try {
                // The consumer form of select: no selected-key set to clear, no iterator per wakeup.
                selector.select(key -> {
                    try {
                        ((Conn) key.attachment()).onReady();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, 100);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            long now = System.nanoTime();
            if (!measuring && now - start >= warmupNanos) {
                // The CPU window of the server opens here, after warm-up, as close as possible to the first
                // counted message; reading /proc from this pinned thread costs a few microseconds.
                serverTicksStart = serverTicks();
                driverTicksStart = ProcStat.cpuTicks(ProcessHandle.current().pid());
                cpusStart = ProcStat.cpuTimes();
                histogram.reset();
                completed = 0;
                measureStart = now;
                measuring = true;
            } else if (measuring && now - measureStart >= durationNanos) {
                long serverTicks = serverTicks() - serverTicksStart;
                long driverTicks = ProcStat.cpuTicks(ProcessHandle.current().pid()) - driverTicksStart;
                long[][] cpus = ProcStat.cpuTimes();
                return result(now - measureStart, serverTicks, driverTicks, cpusStart, cpus);
            }
            if (now - lastCompletionAt > STALL_NANOS) {
                throw new IOException("no echo completed for " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS)
                        + " s (" + completed + " completed so far): the server is stuck");
            }
        }
    }

    private long serverTicks() throws IOException {
        return serverPid > 0 ? ProcStat.cpuTicks(serverPid) : -1;
    }

    private String result(long nanos, long serverTicks, long driverTicks, long[][] cpusStart, long[][] cpus) {
        StringBuilder busy = new StringBuilder();
        StringBuilder total = new StringBuilder();
        for (int i = 0; i < Math.min(cpusStart.length, cpus.length); i++) {
            String sep = i == 0 ? "" : ",";
            busy.append(sep).append(cpus[i][0] - cpusStart[i][0]);
            total.append(sep).append(cpus[i][1] - cpusStart[i][1]);
        }
        return String.format(Locale.ROOT,
                "RESULT msgs=%d seconds=%.6f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f "
                        + "server_cpu_ticks=%d driver_cpu_ticks=%d cpu_busy_ticks=%s cpu_total_ticks=%s "
                        + "clk_tck=%d size=%d connections=%d",
                completed, nanos / 1e9,
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getValueAtPercentile(99.9) / 1e3, histogram.getMaxValue() / 1e3,
                serverPid > 0 ? serverTicks : -1, driverTicks, busy, total, ProcStat.clockTicksPerSecond(), size,
                connections);
    }
}
