package dev.gannet.fep.load;

import dev.gannet.fep.session.MemoryStore;
import dev.gannet.fep.session.Session;
import dev.gannet.fep.session.SessionCounters;
import dev.gannet.fep.session.SessionHandler;
import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.MsgType.ExecutionReport;
import dev.gannet.fep.wire.MsgType.NewOrder;
import dev.gannet.fep.wire.RejectReason;
import dev.gannet.tls.TlsConfig;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Connection;
import dev.gannet.transport.TcpClient;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Drives NewOrders through FEP sessions and measures the round trip to each order's ack (ExecutionReport EXEC_NEW),
 * matched by correlation id.
 *
 * <p>Each member is its own initiator {@link Session} with a {@link MemoryStore}, on its own reconnecting
 * {@link TcpClient}. Two modes:
 * <ul>
 * <li>{@code rate == 0}, maximum throughput: each session keeps {@code window} orders outstanding and sends a new
 * one for each one answered. Latency is measured from the actual send.</li>
 * <li>{@code rate > 0}: {@code rate} orders a second in total, spread evenly over the sessions, on a fixed schedule.
 * Latency is measured from each order's INTENDED send time, so a stall (of the peer or of the driver) is charged to
 * every order it delayed: the coordinated-omission correction. One pacer thread sleeps until the next order is due
 * and hands its session's connection a task that sends every order due by then. (The event loops' own timers tick
 * in whole milliseconds, which would add up to a millisecond to every order; the pacer's wake-up lateness, tens of
 * microseconds of timer slack, and the hand-off to the loop are measured as part of the round trip.) The pacer
 * wakes at most every {@link #PACE_NANOS}: at 50k orders a second a wake-up and a hand-off per order would take
 * most of the core the driver shares with the simulator, and load the measurement with the driver's own
 * queueing; batching adds at most that interval to an order's measured latency.</li>
 * </ul>
 *
 * <p>Per order the driver allocates nothing: send times live in an array indexed by the id's low bits, and
 * latencies go to an HdrHistogram {@link Recorder}.
 */
public final class LoadDriver {
    /** The pacer's shortest sleep: orders that fall due within it go out together. */
    static final long PACE_NANOS = 100_000;
    /** One session: who it logs on as. */
    public record Member(String memberId, String credential, long sessionId) {
        public Member {
            Objects.requireNonNull(memberId, "memberId");
            Objects.requireNonNull(credential, "credential");
            if (memberId.isEmpty() || memberId.length() > MsgType.Logon.MEMBER_ID_LENGTH)
                throw new IllegalArgumentException("member id must be 1.." + MsgType.Logon.MEMBER_ID_LENGTH + " characters");
            if (credential.isEmpty() || credential.length() > MsgType.Logon.CREDENTIAL_LENGTH)
                throw new IllegalArgumentException("credential must be 1.." + MsgType.Logon.CREDENTIAL_LENGTH + " characters");
        }

        /** Members {@code prefix1 .. prefixN}, all with {@code credential}, session ids {@code firstSessionId ..}. */
        public static List<Member> numbered(String prefix, String credential, int n, long firstSessionId) {
            List<Member> l = new ArrayList<>();
            for (int i = 0; i < n; i++) l.add(new Member(prefix + (i + 1), credential, firstSessionId + i));
            return List.copyOf(l);
        }
    }

    /**
     * @param host         the gateway (or simulator)
     * @param port         its member port
     * @param members      one session each
     * @param rate         orders a second over all sessions; 0 for maximum throughput
     * @param window       orders outstanding per session at maximum throughput
     * @param duration     how long to measure
     * @param warmup       how long to send before measuring
     * @param destination  the NewOrder DESTINATION
     * @param engine       the core engine for the connections
     * @param tls          TLS, or null for plain TCP
     * @param heartbeatMs  the sessions' heartbeat interval
     * @param drain        how long to wait, after sending stops, for the answers still outstanding
     * @param logonTimeout   how long to wait for every session to log on before giving up
     * @param progress     where the once-a-second progress lines go, or null
     * @param account      the orders' account
     * @param symbol       the orders' symbol
     */
    public record Config(String host, int port, List<Member> members, int rate, int window, Duration duration,
                         Duration warmup, int destination, String engine, TlsConfig tls, int heartbeatMs,
                         Duration drain, Duration logonTimeout, PrintStream progress, String account,
                         String symbol) {
        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(warmup, "warmup");
            Objects.requireNonNull(drain, "drain");
            Objects.requireNonNull(logonTimeout, "logonTimeout");
            members = List.copyOf(members);
            if (members.isEmpty()) throw new IllegalArgumentException("no sessions");
            if (members.size() > 0xffff) throw new IllegalArgumentException("at most 65535 sessions");
            if (port < 1 || port > 65535) throw new IllegalArgumentException("bad port " + port);
            if (rate < 0) throw new IllegalArgumentException("rate must be >= 0");
            if (window < 1) throw new IllegalArgumentException("window must be >= 1");
            if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException("duration must be > 0");
            if (warmup.isNegative()) throw new IllegalArgumentException("warmup must be >= 0");
            if (destination < 0 || destination > 0xffff) throw new IllegalArgumentException("destination must be a u16");
            if (heartbeatMs < 100) throw new IllegalArgumentException("heartbeat must be >= 100 ms");
            if (account.isEmpty() || account.length() > 16) throw new IllegalArgumentException("account: 1..16 characters");
            if (symbol.isEmpty() || symbol.length() > 12) throw new IllegalArgumentException("symbol: 1..12 characters");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private String host = "127.0.0.1";
            private int port = 9000;
            private List<Member> members = Member.numbered("M", "secret", 1, 1);
            private int rate;
            private int window = 64;
            private Duration duration = Duration.ofSeconds(10);
            private Duration warmup = Duration.ofSeconds(2);
            private int destination = 1;
            private String engine = "nio";
            private TlsConfig tls;
            private int heartbeatMs = 5_000;
            private Duration drain = Duration.ofSeconds(5);
            private Duration logonTimeout = Duration.ofSeconds(10);
            private PrintStream progress = System.err;
            private String account = "ACC0000001";
            private String symbol = "005930";

            public Builder host(String v) { host = v; return this; }
            public Builder port(int v) { port = v; return this; }
            public Builder members(List<Member> v) { members = v; return this; }
            public Builder rate(int v) { rate = v; return this; }
            public Builder window(int v) { window = v; return this; }
            public Builder duration(Duration v) { duration = v; return this; }
            public Builder warmup(Duration v) { warmup = v; return this; }
            public Builder destination(int v) { destination = v; return this; }
            public Builder engine(String v) { engine = v; return this; }
            public Builder tls(TlsConfig v) { tls = v; return this; }
            public Builder heartbeatMs(int v) { heartbeatMs = v; return this; }
            public Builder drain(Duration v) { drain = v; return this; }
            public Builder logonTimeout(Duration v) { logonTimeout = v; return this; }
            public Builder progress(PrintStream v) { progress = v; return this; }
            public Builder account(String v) { account = v; return this; }
            public Builder symbol(String v) { symbol = v; return this; }

            public Config build() {
                return new Config(host, port, members, rate, window, duration, warmup, destination, engine, tls,
                        heartbeatMs, drain, logonTimeout, progress, account, symbol);
            }
        }
    }

    /**
     * What a run measured. {@code sent}, {@code acked} and {@code rejects} cover the whole run (warmup too);
     * {@code roundTrips} are the acked orders sent (intended) during the measured {@code seconds}, whenever their
     * ack came, and {@code rtps} their rate. Latencies in microseconds; {@code latencyNanos} is the histogram behind
     * them; {@code unmatched} counts acks that matched no outstanding order (a slot reused too soon).
     */
    public record Result(long roundTrips, double seconds, double rtps, double p50Us, double p99Us, double p999Us,
                         double maxUs, long sent, long acked, long rejects, long unmatched, Histogram latencyNanos) {
        /** The machine-readable summary: {@code RESULT rtps=... p50_us=... ... rejects=...}. */
        public String line() {
            return String.format(Locale.ROOT, "RESULT rtps=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f"
                    + " sent=%d acked=%d rejects=%d", rtps, p50Us, p99Us, p999Us, maxUs, sent, acked, rejects);
        }

        /** The fields of a {@link #line()}, by name. */
        public static Map<String, String> parse(String line) {
            if (!line.startsWith("RESULT ")) throw new IllegalArgumentException("not a RESULT line: " + line);
            Map<String, String> m = new LinkedHashMap<>();
            for (String kv : line.substring(7).trim().split(" +")) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("bad field '" + kv + "' in " + line);
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
            return m;
        }

        /** The human-readable summary, two lines, then {@link #line()}. */
        public String report() {
            return String.format(Locale.ROOT, "round trips: %d in %.1f s = %.1f/s (sent %d, acked %d, rejects %d)%n"
                    + "latency us: p50=%.1f p99=%.1f p99.9=%.1f max=%.1f%n%s", roundTrips, seconds, rtps, sent, acked,
                    rejects, p50Us, p99Us, p999Us, maxUs, line());
        }
    }

    private final Config config;
    private final Recorder recorder = new Recorder(3);
    private final SessionCounters counters = new SessionCounters();
    private final LongAdder sent = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder rejects = new LongAdder();
    private final LongAdder fills = new LongAdder();
    /** Answers to no order we know of (a slot reused before its answer came), and orders given up that way. */
    private final LongAdder unmatched = new LongAdder();
    private final LongAdder overwritten = new LongAdder();
    private final List<Driver> drivers = new ArrayList<>();
    private final CountDownLatch loggedOn;
    private volatile boolean sending;
    private volatile long startNanos;
    /** Orders stamped in [measureFrom, measureUntil) are the ones measured. */
    private volatile long measureFrom, measureUntil;

    public LoadDriver(Config config) {
        this.config = config;
        this.loggedOn = new CountDownLatch(config.members().size());
    }

    /** The sessions' shared counters (gaps, rejects, disconnects...). */
    public SessionCounters counters() {
        return counters;
    }

    /** Fills received (the driver only counts them). */
    public long fills() {
        return fills.sum();
    }

    /**
     * Connects every session, waits for all of them to log on (up to {@link Config#logonTimeout()}), sends for
     * warmup plus duration, waits for the answers outstanding (up to {@link Config#drain()}), logs out and returns
     * what it measured.
     */
    public Result run() throws IOException, InterruptedException {
        ClientConfig cc = ClientConfig.builder().engine(config.engine()).reconnect(true)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(5))
                .tickInterval(Duration.ofMillis(100)).tls(config.tls()).build();
        InetSocketAddress remote = new InetSocketAddress(config.host(), config.port());
        probe(remote);
        List<Member> members = config.members();
        int n = members.size();
        List<TcpClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int share = config.rate() / n + (i < config.rate() % n ? 1 : 0);
                Driver d = new Driver(i, members.get(i), share);
                drivers.add(d);
                d.client = TcpClient.open(remote, cc, new SessionHandler(c -> d.session));
                clients.add(d.client);
            }
            if (!loggedOn.await(config.logonTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new IOException((n - loggedOn.getCount()) + " of " + n + " sessions logged on to " + remote
                        + " within " + config.logonTimeout().toMillis() + " ms" + refusals() + " (" + counters + ")");
            }
            return go();
        } finally {
            sending = false;
            // The Logout goes first on each connection's thread; close() then stops reconnecting, and its own close
            // of the connection, queued behind the Logout, finds it closing already.
            for (Driver d : drivers) {
                Connection c = d.client == null ? null : d.client.connection();
                if (c != null) c.execute(() -> d.session.logout(0, "load done"));
            }
            for (TcpClient c : clients) c.close();
        }
    }

    /**
     * One plain connection first, so that a gateway that is not there is said at once ("connection refused"),
     * instead of the reconnecting sessions retrying quietly until the logon timeout.
     */
    private void probe(InetSocketAddress remote) throws IOException {
        String where = config.host() + ":" + config.port();
        if (remote.isUnresolved()) throw new IOException("cannot connect to " + where + ": unknown host");
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(remote, (int) Math.min(Integer.MAX_VALUE, config.logonTimeout().toMillis()));
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot connect to " + where + ": connection refused (is the gateway running there?"
                    + " see --host and --port)", e);
        } catch (java.net.SocketTimeoutException e) {
            throw new IOException("cannot connect to " + where + ": no answer within "
                    + config.logonTimeout().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new IOException("cannot connect to " + where + ": " + e.getMessage(), e);
        }
    }

    private Result go() throws InterruptedException {
        long start = System.nanoTime();
        long warmupEnd = start + config.warmup().toNanos();
        long end = warmupEnd + config.duration().toNanos();
        startNanos = start;
        measureFrom = warmupEnd;
        measureUntil = end;
        for (Driver d : drivers) if (d.ratePerSecond > 0) d.nextDue = d.intended(0);
        sending = true;
        Thread pacer = config.rate() > 0 ? Thread.ofPlatform().name("gannet-load-pacer").daemon(true).start(this::pace)
                : null;
        for (Driver d : drivers) d.kick();
        try {
            return measure(start, warmupEnd, end);
        } finally {
            sending = false;
            if (pacer != null) pacer.join(1_000);
        }
    }

    /**
     * Fixed rate: wakes at the next order's intended time and has its session's thread send what is due. Parks
     * rather than spins, so it costs no core; the lateness of its wake-ups counts in the latencies it measures.
     */
    private void pace() {
        while (sending) {
            long now = System.nanoTime();
            long earliest = now + 1_000_000L;
            boolean handedOver = false;
            for (Driver d : drivers) {
                long due = d.nextDue;
                if (due - now > 0) {
                    earliest = Math.min(earliest, due);
                    continue;
                }
                if (!d.connected) continue; // what falls due meanwhile goes at once when it is back
                if (d.queued.get()) {
                    handedOver = true;
                    continue;
                }
                TcpClient client = d.client;
                Connection c = client == null ? null : client.connection();
                if (c == null) continue;
                d.queued.set(true);
                handedOver = true;
                c.execute(d.sendDue);
            }
            // While a task is queued its session's next time is not known yet: look again soon.
            long wake = Math.max(handedOver ? Math.min(earliest, now + PACE_NANOS) : earliest, now + PACE_NANOS);
            long sleep = wake - System.nanoTime();
            if (sleep > 0) java.util.concurrent.locks.LockSupport.parkNanos(sleep);
        }
    }

    /**
     * Prints progress each second until {@code end}, then stops sending and drains. The histogram holds the orders
     * sent (intended, at a fixed rate) from {@code warmupEnd} to {@code end}, whenever their answer came: those are
     * the round trips measured.
     */
    private Result measure(long start, long warmupEnd, long end) throws InterruptedException {
        PrintStream out = config.progress();
        Histogram interval = null;
        Histogram total = new Histogram(3);
        long last = start;
        long ackedLast = 0;
        long nextProgress = start + 1_000_000_000L;
        while (true) {
            long now = System.nanoTime();
            long wake = Math.min(nextProgress, end);
            if (now < wake) {
                TimeUnit.NANOSECONDS.sleep(Math.min(wake - now, 100_000_000L));
                continue;
            }
            interval = recorder.getIntervalHistogram(interval);
            total.add(interval);
            if (now >= end) break;
            long ackedNow = acked.sum();
            if (out != null) {
                out.printf(Locale.ROOT, "[%5.1fs]%s %.0f rt/s, p99 %s (sent %d, acked %d, rejects %d)%n",
                        (now - start) / 1e9, now < warmupEnd ? " warmup" : "", (ackedNow - ackedLast) * 1e9 / (now - last),
                        total.getTotalCount() == 0 ? "-" : String.format(Locale.ROOT, "%.1f us",
                                total.getValueAtPercentile(99) / 1e3), sent.sum(), ackedNow, rejects.sum());
            }
            last = now;
            ackedLast = ackedNow;
            nextProgress += 1_000_000_000L;
        }
        sending = false;
        long drainUntil = System.nanoTime() + config.drain().toNanos();
        while (outstanding() > 0 && System.nanoTime() < drainUntil) Thread.sleep(5);
        total.add(recorder.getIntervalHistogram(interval));

        double seconds = config.duration().toNanos() / 1e9;
        long roundTrips = total.getTotalCount();
        return new Result(roundTrips, seconds, roundTrips / seconds, us(total, 50), us(total, 99), us(total, 99.9),
                roundTrips == 0 ? 0 : total.getMaxValue() / 1e3, sent.sum(), acked.sum(), rejects.sum(),
                unmatched.sum(), total);
    }

    private String refusals() {
        StringBuilder b = new StringBuilder();
        for (Driver d : drivers) {
            int r = d.refusal;
            if (r != 0) b.append(b.isEmpty() ? "; refused: " : ", ").append("session ").append(d.session.sessionId())
                    .append(' ').append(RejectReason.name(r));
        }
        return b.toString();
    }

    private long outstanding() {
        return sent.sum() - acked.sum() - rejects.sum() - overwritten.sum();
    }

    private static double us(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(percentile) / 1e3;
    }

    /** One session's sender, on its connection's thread. */
    private final class Driver implements Session.Listener {
        final Session session;
        final long idBase;
        final int ratePerSecond;
        /** Send time (intended, at a fixed rate) and id of each outstanding order, by the id's low bits. */
        final long[] slotIds;
        final long[] slotTimes;
        /** The order id each sequence number carried, for session Rejects (which name a sequence number). */
        final long[] seqIds;
        final int mask;
        final Runnable sendDue = this::sendDue;
        final long offsetNanos;
        /** Fixed rate: a sendDue task is queued on the connection (set by the pacer, cleared by the task). */
        final java.util.concurrent.atomic.AtomicBoolean queued = new java.util.concurrent.atomic.AtomicBoolean();
        /** Fixed rate: the intended time of the next order; written by the connection's thread, read by the pacer. */
        volatile long nextDue = Long.MAX_VALUE;
        /** Logged on now (for the pacer). */
        volatile boolean connected;
        long counter;
        long scheduled;
        int outstanding;
        boolean active;
        volatile TcpClient client;
        /** Why the last logon attempt failed, while the session has never been active. */
        volatile int refusal;

        Driver(int index, Member m, int ratePerSecond) {
            this.ratePerSecond = ratePerSecond;
            this.idBase = (long) (index + 1) << 32;
            int want = Math.max(Math.max(config.window() * 4, ratePerSecond * 4), 1024);
            int size = Integer.highestOneBit(Math.min(want, 1 << 20) - 1) << 1;
            slotIds = new long[size];
            slotTimes = new long[size];
            seqIds = new long[size];
            mask = size - 1;
            // Spread the sessions' schedules over one interval rather than firing them all together.
            int sessions = config.members().size();
            offsetNanos = ratePerSecond == 0 ? 0 : 1_000_000_000L / ratePerSecond * index / sessions;
            session = new Session(Session.Role.INITIATOR, this, counters)
                    // Kept for replays after a reconnect: as many frames as orders can be outstanding.
                    .bind(m.sessionId(), new MemoryStore(size), config.heartbeatMs())
                    .credentials(m.memberId().getBytes(StandardCharsets.US_ASCII),
                            m.credential().getBytes(StandardCharsets.US_ASCII));
        }

        /** From the main thread when sending starts. */
        void kick() {
            Connection c = client.connection();
            if (c != null) c.execute(this::start);
        }

        @Override
        public void onActive(Session s) {
            if (!active) {
                active = true;
                loggedOn.countDown();
            }
            connected = true;
            start();
        }

        /** Sending started, or the session (re)connected: at maximum throughput, fill the window. */
        void start() {
            Connection c = session.connection();
            if (!sending || c == null || !session.isActive()) return;
            if (config.rate() == 0) {
                long now = System.nanoTime();
                while (sending && outstanding < config.window()) send(now, now);
            } else {
                sendDue();
            }
        }

        long intended(long k) {
            return startNanos + offsetNanos + k * 1_000_000_000L / ratePerSecond;
        }

        /** Fixed rate, on the connection's thread: send every order due by now, each stamped with its intended time. */
        void sendDue() {
            queued.set(false);
            if (ratePerSecond == 0 || !sending || !session.isActive()) return;
            long now = System.nanoTime();
            long intended;
            while ((intended = intended(scheduled)) <= now) {
                send(intended, now);
                scheduled++;
            }
            nextDue = intended;
        }

        void send(long stamp, long now) {
            long n = ++counter;
            long id = idBase | (n & 0xffff_ffffL);
            int slot = (int) (n & mask);
            if (slotIds[slot] != 0) overwritten.increment();
            slotIds[slot] = id;
            slotTimes[slot] = stamp;
            outstanding++;
            Frame f = session.prepare(MsgType.NEW_ORDER);
            f.i64(NewOrder.CL_ORD_ID, id)
                    .ascii(NewOrder.ACCOUNT, 16, config.account())
                    .ascii(NewOrder.SYMBOL, 12, config.symbol())
                    .u8(NewOrder.SIDE, (int) (n & 1) + 1)
                    .u8(NewOrder.ORD_TYPE, 2)
                    .i64(NewOrder.PRICE, 70_000_0000L + (n % 10) * 100_0000L)
                    .i64(NewOrder.QUANTITY, 10)
                    .u16(NewOrder.DESTINATION, config.destination());
            long seq = session.send();
            seqIds[(int) (seq & mask)] = id;
            sent.increment();
        }

        @Override
        public void onApplication(Session s, Frame f) {
            if (f.type() != MsgType.EXECUTION_REPORT) return;
            int execType = f.u8(ExecutionReport.EXEC_TYPE);
            switch (execType) {
                case ExecutionReport.EXEC_NEW -> answered(f.i64(ExecutionReport.CL_ORD_ID), true);
                case ExecutionReport.EXEC_REJECTED -> answered(f.i64(ExecutionReport.CL_ORD_ID), false);
                case ExecutionReport.EXEC_FILL, ExecutionReport.EXEC_PARTIAL_FILL -> fills.increment();
                default -> { }
            }
        }

        @Override
        public void onDisconnected(Session s, int reason) {
            connected = false;
            if (!active && reason != 0) refusal = reason;
        }

        @Override
        public void onReject(Session s, long refSeq, int refType, int reason) {
            if (refType == MsgType.NEW_ORDER) {
                int i = (int) (refSeq & mask);
                long id = seqIds[i];
                seqIds[i] = 0;
                if (id != 0) {
                    answered(id, false);
                    return;
                }
            }
            rejects.increment();
        }

        private void answered(long id, boolean ok) {
            int slot = (int) (id & mask);
            if (slotIds[slot] != id) {
                unmatched.increment();
                return;
            }
            slotIds[slot] = 0;
            outstanding--;
            if (ok) {
                long stamp = slotTimes[slot];
                if (stamp - measureFrom >= 0 && stamp - measureUntil < 0) {
                    recorder.recordValue(Math.max(0, System.nanoTime() - stamp));
                }
                acked.increment();
            } else {
                rejects.increment();
            }
            if (config.rate() == 0 && sending && session.isActive() && outstanding < config.window()) {
                long now = System.nanoTime();
                send(now, now);
            }
        }
    }

    // ---- command line ------------------------------------------------------------------------------------------
}
