package dev.gannet.fep.sim;

import dev.gannet.fep.session.MemoryStore;
import dev.gannet.fep.session.Session;
import dev.gannet.fep.session.SessionCounters;
import dev.gannet.fep.session.SessionHandler;
import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.MsgType.AccountStatus;
import dev.gannet.fep.wire.MsgType.AccountStatusQuery;
import dev.gannet.fep.wire.MsgType.CancelOrder;
import dev.gannet.fep.wire.MsgType.ExecutionReport;
import dev.gannet.fep.wire.MsgType.FundTransfer;
import dev.gannet.fep.wire.MsgType.NewOrder;
import dev.gannet.fep.wire.MsgType.TransferResult;
import dev.gannet.fep.wire.RejectReason;
import dev.gannet.tls.TlsConfig;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TcpServer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * An institution simulator (an exchange, a depository, a clearing house: one {@code source} code each): an acceptor
 * that takes the gateway's upstream sessions and answers every routed request at once.
 *
 * <ul>
 * <li>NewOrder: an ExecutionReport EXEC_NEW (the ack) with an order id, then, for {@link Config#fillRatio()} of the
 * orders (all by default), an EXEC_FILL for the whole quantity at the limit price (or {@link Config#marketPrice()}
 * for a market order). With {@link #rejectOrders} on, an EXEC_REJECTED with BUSINESS_REJECT instead.</li>
 * <li>CancelOrder: EXEC_CANCELLED.</li>
 * <li>FundTransfer: a TransferResult, accepted, or rejected with BUSINESS_REJECT above {@link Config#transferLimit()}.</li>
 * <li>AccountStatusQuery: an active AccountStatus whose balance is {@link #balanceOf} the account.</li>
 * </ul>
 * Every reply copies the request's correlation id and carries {@link Config#source()}. Request ids are taken up to
 * 2^63 - 1: the gateway sends them with the member's session number in the top 16 bits (fep-protocol 8.1), and
 * they are echoed, and recorded, as received.
 *
 * <p>A Logon is accepted when its member id is configured and its credential matches; the session id is the one in
 * the Logon's header, and a second connection for a logged-on session is refused (ALREADY_LOGGED_ON). Each session
 * id keeps one {@link MemoryStore} for the life of the simulator, so a gateway that reconnects resumes its sequence
 * numbers and gets a replay of the replies it missed (the last {@link Config#storeCapacity()} frames; older ones
 * come back as a gap fill).
 *
 * <p>Faults on command, from tests through the methods here or from a shell through the line-based control port
 * ({@link #command}): {@code drop}, {@code delay <ms>}, {@code skip <n>}, {@code garbage}, {@code reject on|off},
 * {@code refuse <REASON>|off}.
 *
 * <p>The reply path allocates nothing; a delayed reply copies its request, and recording order ids
 * ({@link #recordOrders}) boxes them: both are test and fault paths.
 */
public final class Exchange implements AutoCloseable {
    /** The members accepted when none are configured. */
    public static final Map<String, String> DEFAULT_MEMBERS = Map.of("GATEWAY", "secret");

    /**
     * @param host           address to listen on ({@code 0.0.0.0} for all)
     * @param port           session port; 0 picks a free one
     * @param engine         a core engine name ({@code nio}, {@code vthread}, {@code auto}, ...)
     * @param threads        event loops; 0: one per core
     * @param controlPort    the control port; 0 picks a free one, -1 for none
     * @param source         this institution's code, set in every reply's SOURCE field
     * @param fillRatio      the share of orders filled after their ack, 0..1 (every order at 1)
     * @param marketPrice    the fill price of a market order (units of 1e-4)
     * @param transferLimit  the largest FundTransfer amount accepted (units of 1e-4)
     * @param members        member id to credential
     * @param storeCapacity  frames each session keeps for replays (a power of two)
     * @param tls            TLS for the session port, or null
     */
    public record Config(String host, int port, String engine, int threads, int controlPort, int source,
                         double fillRatio, long marketPrice, long transferLimit, Map<String, String> members,
                         int storeCapacity, TlsConfig tls) {
        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(engine, "engine");
            members = Map.copyOf(members);
            if (port < 0 || port > 65535) throw new IllegalArgumentException("bad port " + port);
            if (controlPort < -1 || controlPort > 65535) throw new IllegalArgumentException("bad control port " + controlPort);
            if (source < 0 || source > 0xffff) throw new IllegalArgumentException("source must be a u16");
            if (!(fillRatio >= 0 && fillRatio <= 1)) throw new IllegalArgumentException("fill ratio must be in 0..1");
            if (marketPrice <= 0) throw new IllegalArgumentException("market price must be > 0");
            if (members.isEmpty()) throw new IllegalArgumentException("no members");
            if (Integer.bitCount(storeCapacity) != 1) throw new IllegalArgumentException("store capacity must be a power of two");
        }

        public static Builder builder() {
            return new Builder();
        }

        public static final class Builder {
            private String host = "0.0.0.0";
            private int port = 9100;
            private String engine = "nio";
            private int threads = 1;
            private int controlPort = -1;
            private int source = 1;
            private double fillRatio = 1.0;
            private long marketPrice = 100_0000;
            private long transferLimit = 1_000_000_000_0000L;
            private Map<String, String> members = DEFAULT_MEMBERS;
            private int storeCapacity = 1 << 16;
            private TlsConfig tls;

            public Builder host(String v) { host = v; return this; }
            public Builder port(int v) { port = v; return this; }
            public Builder engine(String v) { engine = v; return this; }
            public Builder threads(int v) { threads = v; return this; }
            public Builder controlPort(int v) { controlPort = v; return this; }
            public Builder source(int v) { source = v; return this; }
            public Builder fillRatio(double v) { fillRatio = v; return this; }
            public Builder marketPrice(long v) { marketPrice = v; return this; }
            public Builder transferLimit(long v) { transferLimit = v; return this; }
            public Builder members(Map<String, String> v) { members = v; return this; }
            public Builder storeCapacity(int v) { storeCapacity = v; return this; }
            public Builder tls(TlsConfig v) { tls = v; return this; }

            public Config build() {
                return new Config(host, port, engine, threads, controlPort, source, fillRatio, marketPrice,
                        transferLimit, members, storeCapacity, tls);
            }
        }
    }

    private final Config config;
    private final Map<String, byte[]> credentials = new ConcurrentHashMap<>();
    private final SessionCounters counters = new SessionCounters();
    private final Map<Long, Book> books = new ConcurrentHashMap<>();
    private final Set<Peer> peers = ConcurrentHashMap.newKeySet();
    private final Listener listener = new Listener();
    private final AtomicLong orderIds = new AtomicLong();
    private final LongAdder orders = new LongAdder();
    private final LongAdder[] received = new LongAdder[MsgType.LIMIT];
    private final ConcurrentHashMap<Long, Integer> recorded = new ConcurrentHashMap<>();
    private volatile boolean recording;
    private volatile long delayNanos;
    private volatile boolean rejectOrders;
    private volatile int refuseLogons;
    private final Server server;
    private final Server control;

    /** Starts listening (and the control port, when configured). */
    public Exchange(Config config) throws IOException {
        this.config = config;
        config.members().forEach((m, c) -> credentials.put(m, c.getBytes(StandardCharsets.US_ASCII)));
        for (int i = 0; i < received.length; i++) received[i] = new LongAdder();
        ServerConfig sc = ServerConfig.builder().host(config.host(), config.port()).engine(config.engine())
                .threads(config.threads()).tickInterval(Duration.ofMillis(100)).idleTimeout(Duration.ZERO)
                .shutdownTimeout(Duration.ofSeconds(1)).tls(config.tls()).build();
        server = TcpServer.start(sc, new SessionHandler(this::newPeer));
        Server ctl = null;
        if (config.controlPort() >= 0) {
            try {
                ctl = TcpServer.start(ServerConfig.builder().host(config.host(), config.controlPort())
                        .engine(config.engine()).threads(1).idleTimeout(Duration.ZERO)
                        .shutdownTimeout(Duration.ofSeconds(1)).build(), new ExchangeControl.LineHandler(this));
            } catch (IOException | RuntimeException e) {
                server.close();
                throw e;
            }
        }
        control = ctl;
    }

    /** An exchange with the defaults on {@code port} (0: any free one), loopback only, no control port. */
    public static Exchange start(int port) throws IOException {
        return new Exchange(Config.builder().host("127.0.0.1").port(port).build());
    }

    public Config config() { return config; }
    public int port() { return server.port(); }
    /** The control port, or -1 when there is none. */
    public int controlPort() { return control == null ? -1 : control.port(); }
    public Server server() { return server; }
    /** The counters of all the simulator's sessions. */
    public SessionCounters counters() { return counters; }

    // ---- counters for tests ------------------------------------------------------------------------------------

    /** NewOrders received, all sessions. */
    public long ordersReceived() {
        return orders.sum();
    }

    /** NewOrders received on session {@code sessionId}. */
    public long ordersReceived(long sessionId) {
        Book b = books.get(sessionId);
        return b == null ? 0 : b.orders.sum();
    }

    /** Application messages of {@code type} received. */
    public long received(int type) {
        return received[type].sum();
    }

    /** Delayed replies due but not yet sent, because their session has no connection now. */
    public long heldReplies() {
        long n = 0;
        for (Book b : books.values()) n += b.held.size();
        return n;
    }

    /** Sessions logged on now. */
    public int activeSessions() {
        int n = 0;
        for (Book b : books.values()) if (b.current.get() != null) n++;
        return n;
    }

    /** The session ids that have logged on at least once. */
    public Set<Long> sessionIds() {
        return Set.copyOf(books.keySet());
    }

    /**
     * Turns recording of NewOrder correlation ids on or off (test support: recording boxes). What was recorded
     * stays until {@link #clearRecordedOrders}.
     */
    public void recordOrders(boolean on) {
        recording = on;
    }

    public void clearRecordedOrders() {
        recorded.clear();
    }

    /** While recording: each NewOrder correlation id received and how many times (exactly once is 1). */
    public Map<Long, Integer> recordedOrders() {
        return Collections.unmodifiableMap(recorded);
    }

    // ---- faults ------------------------------------------------------------------------------------------------

    /** Closes every connection abruptly (a reset, pending replies dropped). Completes with how many. */
    public CompletableFuture<Integer> drop() {
        return forEachConnection(p -> p.conn.abort(new IOException("dropped by the simulator")));
    }

    /**
     * Holds each reply back {@code millis} (0: reply at once again); replies already held keep their delay. A reply
     * whose connection went meanwhile is sent on the session's next connection.
     */
    public void delay(long millis) {
        if (millis < 0) throw new IllegalArgumentException("delay must be >= 0");
        delayNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /**
     * Advances the outbound sequence of every logged-on session by {@code n} without sending anything: the next
     * frame shows the gateway a gap, which it fills with a ResendRequest (the replay answers the skipped numbers
     * with a gap fill). Completes with the number of sessions skipped.
     */
    public CompletableFuture<Integer> skip(int n) {
        if (n < 1) throw new IllegalArgumentException("skip needs n >= 1");
        return onEachConnection(p -> {
            Session s = p.session;
            if (!s.isActive() || s.connection() != p.conn) return false;
            // Heartbeats "lost on the way": numbered and journaled, never written. A heartbeat is a session frame,
            // so the replay the peer asks for answers the skipped numbers with a gap fill.
            for (int i = 0; i < n; i++) {
                s.prepare(MsgType.HEARTBEAT);
                s.sendLost();
            }
            return true;
        });
    }

    /**
     * Writes 64 random bytes on every connection, in between frames. The first four, the length field of what the
     * peer takes for the next frame, are always an impossible length, so the peer's framing fails at once.
     */
    public CompletableFuture<Integer> garbage() {
        return forEachConnection(p -> {
            byte[] junk = new byte[64];
            ThreadLocalRandom.current().nextBytes(junk);
            junk[3] |= (byte) 0x80; // a negative length
            p.conn.write(junk);
        });
    }

    /** Rejects every NewOrder (EXEC_REJECTED, BUSINESS_REJECT) while on. */
    public void rejectOrders(boolean on) {
        rejectOrders = on;
    }

    /**
     * Refuses every Logon with Logout({@code reason}) while non-zero, whatever its credential (0: take logons again).
     * Sessions logged on already are left alone. For trying a gateway against an institution that will not have it.
     */
    public void refuseLogons(int reason) {
        if (reason < 0 || reason > 0xffff) throw new IllegalArgumentException("reason must be a u16");
        refuseLogons = reason;
    }

    /**
     * Runs one control command, as the control port does: {@code drop}, {@code delay <ms>}, {@code skip <n>},
     * {@code garbage}, {@code reject on|off}, {@code refuse <REASON>|off}, {@code stats}, {@code help}. Completes
     * with one line, {@code ok ...} or {@code error ...}.
     */
    public CompletableFuture<String> command(String line) {
        return ExchangeControl.command(this, line);
    }

    private interface PeerTask {
        /** Returns whether it applied to this peer. */
        boolean run(Peer p);
    }

    private CompletableFuture<Integer> forEachConnection(java.util.function.Consumer<Peer> task) {
        return onEachConnection(p -> {
            task.accept(p);
            return true;
        });
    }

    /** Runs {@code task} on each open connection's own thread; completes with how many it applied to. */
    private CompletableFuture<Integer> onEachConnection(PeerTask task) {
        List<CompletableFuture<Boolean>> done = new ArrayList<>();
        for (Peer p : peers) {
            CompletableFuture<Boolean> f = new CompletableFuture<>();
            done.add(f);
            p.conn.execute(() -> {
                try {
                    f.complete(p.conn.isOpen() && task.run(p));
                } catch (Throwable t) {
                    f.completeExceptionally(t);
                }
            });
        }
        return CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).orTimeout(5, TimeUnit.SECONDS)
                .thenApply(v -> (int) done.stream().filter(CompletableFuture::join).count());
    }

    // ---- sessions ----------------------------------------------------------------------------------------------

    /** What a session id keeps across its connections; touched only by the connection that holds {@link #current}. */
    private final class Book {
        final long sessionId;
        final String memberId;
        final MemoryStore store = new MemoryStore(config.storeCapacity());
        final LongAdder orders = new LongAdder();
        final AtomicReference<Peer> current = new AtomicReference<>();
        /** Delayed requests due for their reply (fault path). */
        final java.util.Queue<Frame> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
        double fillCredit;

        Book(long sessionId, String memberId) {
            this.sessionId = sessionId;
            this.memberId = memberId;
        }
    }

    /** One connection and its session. */
    private static final class Peer {
        final Connection conn;
        final Session session;
        Book book;

        Peer(Connection conn, Session session) {
            this.conn = conn;
            this.session = session;
        }
    }

    private Session newPeer(Connection c) {
        // An institution: request ids come from the gateway with the member's session number in the top 16 bits.
        Session s = new Session(Session.Role.ACCEPTOR, listener, counters).maxRequestId(Long.MAX_VALUE);
        Peer p = new Peer(c, s);
        s.attachment(p);
        peers.add(p);
        return s;
    }

    private final class Listener implements Session.Listener {
        @Override
        public int onLogon(Session session, Frame logon) {
            int refuse = refuseLogons;
            if (refuse != 0) return refuse;
            Peer p = session.attachment();
            String member = logon.ascii(MsgType.Logon.MEMBER_ID, MsgType.Logon.MEMBER_ID_LENGTH);
            byte[] want = credentials.get(member);
            if (want == null || !logon.asciiEquals(MsgType.Logon.CREDENTIAL, MsgType.Logon.CREDENTIAL_LENGTH, want)) {
                return RejectReason.BAD_CREDENTIALS;
            }
            long id = logon.sessionId();
            Book b = books.computeIfAbsent(id, k -> new Book(k, member));
            if (!b.memberId.equals(member)) return RejectReason.SESSION_MISMATCH;
            // One connection per session; the one logged on is left alone (fep-protocol 7.3).
            if (!b.current.compareAndSet(null, p)) return RejectReason.ALREADY_LOGGED_ON;
            p.book = b;
            session.bind(id, b.store, (int) logon.u32(MsgType.Logon.HEARTBEAT_MS));
            return 0;
        }

        @Override
        public void onApplication(Session session, Frame f) {
            Peer p = session.attachment();
            Book b = p.book;
            int type = f.type();
            received[type].increment();
            if (type == MsgType.NEW_ORDER) {
                orders.increment();
                b.orders.increment();
                if (recording) recorded.merge(f.i64(NewOrder.CL_ORD_ID), 1, Integer::sum);
            }
            long delay = delayNanos;
            if (delay == 0) {
                reply(session, b, f);
                return;
            }
            ByteBuffer copy = ByteBuffer.allocate(f.length()).order(ByteOrder.LITTLE_ENDIAN);
            f.copyTo(copy, 0);
            Frame held = new Frame().wrap(copy, 0);
            p.conn.schedule(() -> {
                // The reply goes out on whichever connection holds the session by then (none: at its next logon),
                // as an institution's would; only that connection's thread touches the session's store.
                b.held.add(held);
                Peer now = b.current.get();
                if (now == p) sendHeld(now);
                else if (now != null) now.conn.execute(() -> sendHeld(now));
            }, Duration.ofNanos(delay));
        }

        @Override
        public void onActive(Session session) {
            sendHeld(session.attachment());
        }

        @Override
        public void onDisconnected(Session session, int reason) {
            Peer p = session.attachment();
            peers.remove(p);
            if (p.book != null) p.book.current.compareAndSet(p, null);
        }
    }

    // ---- replies -----------------------------------------------------------------------------------------------

    /** Sends the delayed replies due, when {@code p} still holds its session; on {@code p}'s thread. */
    private void sendHeld(Peer p) {
        Book b = p.book;
        if (b == null || b.current.get() != p || !p.session.isActive() || p.session.connection() != p.conn) return;
        for (Frame f; (f = b.held.poll()) != null; ) reply(p.session, b, f);
    }

    private void reply(Session s, Book b, Frame f) {
        switch (f.type()) {
            case MsgType.NEW_ORDER -> newOrder(s, b, f);
            case MsgType.CANCEL_ORDER -> cancel(s, f);
            case MsgType.FUND_TRANSFER -> transfer(s, f);
            case MsgType.ACCOUNT_STATUS_QUERY -> accountStatus(s, f);
            default -> {
                counters.rejected(RejectReason.UNEXPECTED_TYPE);
                s.reject(f.seq(), f.type(), RejectReason.UNEXPECTED_TYPE);
            }
        }
    }

    private void newOrder(Session s, Book b, Frame f) {
        long qty = f.i64(NewOrder.QUANTITY);
        if (rejectOrders) {
            executionReport(s, f, 0, ExecutionReport.EXEC_REJECTED, 0, 0, 0, 0).u16(ExecutionReport.REJECT_REASON,
                    RejectReason.BUSINESS_REJECT);
            s.send();
            return;
        }
        long orderId = orderIds.incrementAndGet();
        executionReport(s, f, orderId, ExecutionReport.EXEC_NEW, 0, 0, 0, qty);
        s.send();
        b.fillCredit += config.fillRatio();
        if (b.fillCredit >= 1 - 1e-9) {
            b.fillCredit -= 1;
            long px = f.u8(NewOrder.ORD_TYPE) == 2 ? f.i64(NewOrder.PRICE) : config.marketPrice();
            executionReport(s, f, orderId, ExecutionReport.EXEC_FILL, px, qty, qty, 0);
            s.send();
        }
    }

    /** Prepares an ExecutionReport answering the NewOrder {@code f}. */
    private Frame executionReport(Session s, Frame f, long orderId, int execType, long px, long lastQty, long cumQty,
                                  long leavesQty) {
        Frame r = s.prepare(MsgType.EXECUTION_REPORT);
        r.i64(ExecutionReport.CL_ORD_ID, f.i64(NewOrder.CL_ORD_ID))
                .i64(ExecutionReport.ORDER_ID, orderId)
                .u8(ExecutionReport.EXEC_TYPE, execType)
                .u8(ExecutionReport.SIDE, f.u8(NewOrder.SIDE))
                .u16(ExecutionReport.SOURCE, config.source())
                .i64(ExecutionReport.LAST_PX, px)
                .i64(ExecutionReport.LAST_QTY, lastQty)
                .i64(ExecutionReport.CUM_QTY, cumQty)
                .i64(ExecutionReport.LEAVES_QTY, leavesQty)
                .i64(ExecutionReport.TRANSACT_TIME, System.currentTimeMillis() * 1_000_000L);
        copy12(f, NewOrder.SYMBOL, r, ExecutionReport.SYMBOL);
        return r;
    }

    private void cancel(Session s, Frame f) {
        Frame r = s.prepare(MsgType.EXECUTION_REPORT);
        r.i64(ExecutionReport.CL_ORD_ID, f.i64(CancelOrder.CL_ORD_ID))
                .u8(ExecutionReport.EXEC_TYPE, ExecutionReport.EXEC_CANCELLED)
                .u16(ExecutionReport.SOURCE, config.source())
                .i64(ExecutionReport.TRANSACT_TIME, System.currentTimeMillis() * 1_000_000L);
        copy12(f, CancelOrder.SYMBOL, r, ExecutionReport.SYMBOL);
        s.send();
    }

    private void transfer(Session s, Frame f) {
        boolean accept = f.i64(FundTransfer.AMOUNT) <= config.transferLimit();
        Frame r = s.prepare(MsgType.TRANSFER_RESULT);
        r.i64(TransferResult.TRANSFER_ID, f.i64(FundTransfer.TRANSFER_ID))
                .u8(TransferResult.STATUS, accept ? 0 : 1)
                .u16(TransferResult.REJECT_REASON, accept ? 0 : RejectReason.BUSINESS_REJECT)
                .u16(TransferResult.SOURCE, config.source())
                .i64(TransferResult.REFERENCE, accept ? orderIds.incrementAndGet() : 0);
        s.send();
    }

    private void accountStatus(Session s, Frame f) {
        long a = f.i64(AccountStatusQuery.ACCOUNT), b = f.i64(AccountStatusQuery.ACCOUNT + 8);
        long balance = balance(a, b);
        Frame r = s.prepare(MsgType.ACCOUNT_STATUS);
        r.i64(AccountStatus.QUERY_ID, f.i64(AccountStatusQuery.QUERY_ID))
                .i64(AccountStatus.ACCOUNT, a).i64(AccountStatus.ACCOUNT + 8, b)
                .u8(AccountStatus.STATUS, 0)
                .u16(AccountStatus.SOURCE, config.source())
                .u8(AccountStatus.CURRENCY, 'K').u8(AccountStatus.CURRENCY + 1, 'R').u8(AccountStatus.CURRENCY + 2, 'W')
                .i64(AccountStatus.BALANCE, balance)
                .i64(AccountStatus.AVAILABLE, balance - balance / 10)
                .i64(AccountStatus.AS_OF, System.currentTimeMillis() * 1_000_000L);
        s.send();
    }

    /** Copies a 12-byte text field between frames without a byte array. */
    private static void copy12(Frame from, int fromField, Frame to, int toField) {
        to.i64(toField, from.i64(fromField)).u32(toField + 8, from.u32(fromField + 8));
    }

    /**
     * The balance the simulator reports for {@code account} (units of 1e-4): a hash of the account, between 0 and
     * 1,000,000,000.0000, the same on every run. AVAILABLE is nine tenths of it, rounded up.
     */
    public static long balanceOf(String account) {
        byte[] field = new byte[16];
        byte[] a = account.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(a, 0, field, 0, Math.min(a.length, 16));
        ByteBuffer bb = ByteBuffer.wrap(field).order(ByteOrder.LITTLE_ENDIAN);
        return balance(bb.getLong(0), bb.getLong(8));
    }

    private static long balance(long a, long b) {
        long h = mix(a * 0x9E3779B97F4A7C15L + b);
        return Math.floorMod(h, 1_000_000_000L) * 10_000L;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        try {
            if (control != null) control.close();
        } finally {
            server.close();
        }
    }

    @Override
    public String toString() {
        return "Exchange[port " + port() + " source " + config.source() + " " + counters + "]";
    }

}
