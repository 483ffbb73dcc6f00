package dev.gannet.fep.gateway;

import dev.gannet.fep.journal.Journal;
import dev.gannet.fep.session.JournalStore;
import dev.gannet.fep.session.Session;
import dev.gannet.fep.session.SessionCounters;
import dev.gannet.fep.session.SessionHandler;
import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.Header;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.RejectReason;
import dev.gannet.fep.wire.Validator;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TcpServer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * The FEP gateway: member sessions in, upstream institution sessions out, every message journaled before it is
 * acted on, routed by type and destination, and replies correlated back to the member that asked.
 *
 * <p>Everything runs on one event loop: the member-facing server has one loop and the upstream connections are
 * made on it ({@link ClientConfig#sameLoopAs}), so routing is a method call and a copy, with no hand-off, no lock
 * and no allocation per message.
 *
 * <p>Correlation needs no table: a member's correlation id (below 2^48) goes upstream with the member's session
 * number in its top 16 bits, and the institution echoes it back.
 */
public final class Gateway implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
    private static final long ID_MASK = Validator.MAX_CLIENT_ID;
    /**
     * The gateway's own heartbeat interval, declared in every LogonAck and in its Logons upstream. Fixed: the
     * member's declared interval only sets how long the gateway waits for the member (docs/fep-protocol.md 7.6).
     */
    public static final int HEARTBEAT_MS = 1000;
    /**
     * Bytes an upstream may have unsent before requests for it wait in its bounded queue instead. The upstream
     * connection itself never stops reading (see {@link #start}), so this is what bounds its output.
     */
    private static final long MAX_UPSTREAM_BACKLOG = 1 << 20;

    private final GatewayConfig config;
    private final Member[] bySession = new Member[0x10000];
    private final Member[] members;
    private final Upstream[] upstreams;
    public final SessionCounters memberCounters = new SessionCounters();
    public final SessionCounters upstreamCounters = new SessionCounters();
    public final LongAdder routed = new LongAdder();
    public final LongAdder replies = new LongAdder();
    public final LongAdder queued = new LongAdder();
    public final LongAdder recovered = new LongAdder();
    public final LongAdder unroutableReplies = new LongAdder();
    public final LongAdder upstreamRejects = new LongAdder();
    /** Replies replayed by an institution that the gateway had already journaled for their member. */
    public final LongAdder duplicateReplies = new LongAdder();
    /** Times a member's input was held because its upstream was backed up. */
    public final LongAdder heldBack = new LongAdder();
    /** Requests rejected because they waited longer than {@link GatewayConfig#queueTimeout()} for their upstream. */
    public final LongAdder expired = new LongAdder();
    private final byte[] scratch = new byte[MsgType.Logon.CREDENTIAL_LENGTH];
    private final byte[] scratchId = new byte[MsgType.Logon.MEMBER_ID_LENGTH];
    private final byte[] noCredential = new byte[MsgType.Logon.CREDENTIAL_LENGTH];
    private volatile boolean shuttingDown;
    private boolean closed;
    private Server server;
    /** The logon throttle, per source address: {credit in ns, last update}. Cleared when it grows large. */
    private final java.util.Map<java.net.InetAddress, long[]> logonBuckets = new java.util.HashMap<>();

    private final class Member {
        final GatewayConfig.Member config;
        final byte[] id;
        final byte[] credential;
        final JournalStore store;
        /** Journals replies while the member is away; its next session replays them from the journal. */
        final Session offline;
        Session current;
        /** The session whose input is held until a backed-up upstream drains, or null. */
        Session held;
        /**
         * After a restart: the last reply journaled for this member, whole. If the process died after journaling
         * it and before its upstream session recorded it received, the institution replays it: that copy is
         * dropped rather than sent to the member twice.
         */
        ByteBuffer lastReply;

        Member(GatewayConfig.Member config, JournalStore store) {
            this.config = config;
            this.id = padded(config.id(), MsgType.Logon.MEMBER_ID_LENGTH);
            this.credential = padded(config.credential(), MsgType.Logon.CREDENTIAL_LENGTH);
            this.store = store;
            this.offline = new Session(Session.Role.ACCEPTOR, memberListener, memberCounters)
                    .bind(config.sessionId(), store, HEARTBEAT_MS);
        }

        Session sender() {
            return current != null && current.isActive() ? current : offline;
        }
    }

    private final class Upstream implements Session.Listener {
        final GatewayConfig.Upstream config;
        final Session session;
        final int typeMask;
        /** Frames waiting for the upstream to come back, whole, in a ring. */
        final ByteBuffer queue;
        final Frame waiting = new Frame();
        final int capacity;
        /** When each queued frame was queued, System.nanoTime(), in the same ring positions. */
        final long[] queuedAt;
        int head, size;
        UpstreamLink link;
        /** The session logged on on the current connection (a disconnect before that is a failed logon). */
        boolean activeHere;

        Upstream(GatewayConfig.Upstream config, JournalStore store, int capacity) {
            this.config = config;
            int mask = 0;
            for (int t : config.types()) mask |= 1 << t;
            this.typeMask = mask;
            this.capacity = capacity;
            this.queue = ByteBuffer.allocateDirect(Math.max(1, capacity) * Header.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
            this.queuedAt = new long[Math.max(1, capacity)];
            this.session = new Session(Session.Role.INITIATOR, this, upstreamCounters)
                    .bind(config.sessionId(), store, HEARTBEAT_MS)
                    .credentials(padded(config.memberId(), 16), padded(config.credential(), 32))
                    .recordAfterDelivery(true);
        }

        boolean routes(int type, int destination) {
            return destination == config.destination() && (typeMask & (1 << type)) != 0;
        }

        /** Bytes written to the upstream and not yet taken by its socket. */
        long backlog() {
            var c = session.connection();
            return c == null ? 0 : c.pendingOutputBytes();
        }

        /** Sends the member's request on, or queues it; false when it can do neither. */
        boolean forward(Frame request) {
            if (session.isActive() && size == 0 && backlog() < MAX_UPSTREAM_BACKLOG) {
                copyBody(request, session.prepare(request.type()));
                session.send();
                return true;
            }
            if (size == capacity) return false;
            int slot = (head + size) % capacity;
            request.copyTo(queue, slot * Header.MAX_FRAME);
            queuedAt[slot] = System.nanoTime();
            size++;
            queued.increment();
            return true;
        }

        @Override
        public void onActive(Session s) {
            activeHere = true;
            link.loggedOn();
            drain();
        }

        @Override
        public void onTick(Session s) {
            drain();
        }

        @Override
        public void onDisconnected(Session s, int reason) {
            // Members held back for this upstream read again: their requests now queue or get a Reject as the
            // configuration says, and their heartbeats are read, rather than their sessions timing out.
            releaseHeldBack();
            boolean was = activeHere;
            activeHere = false;
            link.disconnected(was, reason, s.peerLogoutText());
        }

        /**
         * While the upstream is not logged on, requests that waited longer than the queue timeout get
         * Reject(UPSTREAM_UNAVAILABLE), oldest first, from their member's session (journaled for a member away).
         */
        void expire(long now) {
            long timeout = config().queueTimeout().toNanos();
            while (size > 0 && !session.isActive() && now - queuedAt[head] >= timeout) {
                waiting.wrap(queue, head * Header.MAX_FRAME);
                long ref = waiting.i64(0);
                Member m = bySession[(int) (ref >>> 48)];
                if (m != null) {
                    memberCounters.rejected(RejectReason.UPSTREAM_UNAVAILABLE);
                    m.sender().reject(waiting.seq(), waiting.type(), RejectReason.UPSTREAM_UNAVAILABLE);
                }
                expired.increment();
                head = (head + 1) % capacity;
                size--;
            }
        }

        @Override
        public void onReject(Session s, long refSeq, int refType, int reason) {
            // The institution refused a frame at session level: nobody is waiting for an answer we could route, so
            // it is counted and logged rather than lost without a trace.
            upstreamRejects.increment();
            LOG.log(System.Logger.Level.WARNING, config.name() + " rejected our " + MsgType.name(refType) + " #"
                    + refSeq + ": " + RejectReason.name(reason));
        }

        /** Sends what waited, in order, while the upstream is up and its backlog allows. */
        void drain() {
            while (size > 0 && session.isActive() && backlog() < MAX_UPSTREAM_BACKLOG) {
                waiting.wrap(queue, head * Header.MAX_FRAME);
                copyBody(waiting, session.prepare(waiting.type()));
                session.send();
                head = (head + 1) % capacity;
                size--;
            }
            if (size == 0 && backlog() < MAX_UPSTREAM_BACKLOG / 2) releaseHeldBack();
        }

        @Override
        public void onApplication(Session s, Frame reply) {
            int type = reply.type();
            long ref = reply.i64(0);
            Member m = (ref >>> 48) < bySession.length ? bySession[(int) (ref >>> 48)] : null;
            if (!MsgType.isReply(type) || m == null) {
                unroutableReplies.increment();
                return;
            }
            if (m.lastReply != null && alreadyJournaled(m, reply)) {
                duplicateReplies.increment();
                return;
            }
            Session to = m.sender();
            Frame out = to.prepare(type);
            copyBody(reply, out);
            out.i64(0, ref & ID_MASK);
            to.send();
            replies.increment();
            if (size > 0) drain();
        }
    }

    private final Session.Listener memberListener = new Session.Listener() {
        @Override
        public int onLogon(Session s, Frame logon) {
            if (shuttingDown) return RejectReason.SHUTTING_DOWN;
            if (!logonAllowed(s)) return RejectReason.LOGON_FLOOD;
            // The member is found by its id, every configured id compared over its full width, then the credential
            // (against a blank one when no id matched), so timing tells nothing about which of them failed. Only a
            // member that proved who it is learns that the session id is wrong (spec 7.3 steps 3 and 4).
            logon.asciiBytes(MsgType.Logon.MEMBER_ID, MsgType.Logon.MEMBER_ID_LENGTH, scratchId);
            Member m = null;
            for (Member each : members) {
                if (MessageDigest.isEqual(scratchId, each.id)) m = each;
            }
            logon.asciiBytes(MsgType.Logon.CREDENTIAL, MsgType.Logon.CREDENTIAL_LENGTH, scratch);
            boolean credentialOk = MessageDigest.isEqual(scratch, m != null ? m.credential : noCredential);
            if (m == null || !credentialOk) return RejectReason.BAD_CREDENTIALS;
            if (logon.sessionId() != m.config.sessionId()) return RejectReason.SESSION_MISMATCH;
            if (m.current != null && m.current != s && m.current.connection() != null) {
                return RejectReason.ALREADY_LOGGED_ON;
            }
            m.current = s;
            s.attachment(m);
            s.bind(m.config.sessionId(), m.store, HEARTBEAT_MS);
            s.throttle(config.throttlePerSecond());
            return 0;
        }

        @Override
        public void onApplication(Session s, Frame request) {
            Member m = s.attachment();
            int type = request.type();
            if (!MsgType.isRoutedRequest(type)) {
                memberCounters.rejected(RejectReason.UNEXPECTED_TYPE);
                s.reject(request.seq(), type, RejectReason.UNEXPECTED_TYPE);
                return;
            }
            int reason = route(m, request);
            if (reason != 0) {
                memberCounters.rejected(reason);
                s.reject(request.seq(), type, reason);
            }
        }

        @Override
        public void onTick(Session s) {
            // Member sessions tick every 100 ms: often enough to hold the queue timeout to a tenth of a second. With
            // no member logged on, nobody is there to be told; the Rejects wait for the next member's tick.
            long now = System.nanoTime();
            for (Upstream u : upstreams) if (u.size > 0) u.expire(now);
        }

        @Override
        public void onDisconnected(Session s, int reason) {
            Member m = s.attachment();
            if (m != null && m.current == s) {
                m.current = null;
                m.held = null;
            }
        }
    };

    public Gateway(GatewayConfig config) {
        this.config = config;
        this.members = new Member[config.members().size()];
        this.upstreams = new Upstream[config.upstreams().size()];
    }

    /** Opens the journals, recovers what was accepted and not yet forwarded, connects upstream and listens. */
    public Gateway start() throws IOException {
        Files.createDirectories(config.journalDir());
        for (int i = 0; i < members.length; i++) {
            GatewayConfig.Member mc = config.members().get(i);
            members[i] = new Member(mc, open("member-" + mc.id(), true));
            bySession[(int) mc.sessionId()] = members[i];
        }
        for (int i = 0; i < upstreams.length; i++) {
            GatewayConfig.Upstream uc = config.upstreams().get(i);
            upstreams[i] = new Upstream(uc, open("upstream-" + uc.name(), false), config.queuePerUpstream());
        }
        recover();
        server = TcpServer.start(ServerConfig.builder().address(config.listen()).engine(config.engine()).threads(1)
                .tickInterval(Duration.ofMillis(100)).tls(config.tls()).build(),
                new SessionHandler(c -> new Session(Session.Role.ACCEPTOR, memberListener, memberCounters)));
        for (Upstream u : upstreams) {
            // An upstream connection never stops reading replies because our requests to it are backed up: an
            // institution that stops reading our requests while its replies are backed up (the engine's default,
            // and the simulator's) would then wait for us for ever, once both socket buffers filled. Seen at 100k
            // orders/s after a stall of a few hundred ms. MAX_UPSTREAM_BACKLOG bounds the request side instead.
            ClientConfig cc = ClientConfig.builder().engine(config.engine()).reconnect(false)
                    .tickInterval(Duration.ofMillis(100))
                    .waterMarks(ServerConfig.DEFAULT_LOW_WATER_MARK, Integer.MAX_VALUE)
                    .tls(u.config.tls()).sameLoopAs(server).build();
            u.link = new UpstreamLink(u.config.name(), u.config.address(), cc, new SessionHandler(c -> u.session));
            u.link.start();
        }
        return this;
    }

    private JournalStore open(String name, boolean keepReceived) throws IOException {
        return JournalStore.open(config.journalDir().resolve(name + ".journal"), config.fsync(), config.groupCommit(),
                keepReceived);
    }

    /**
     * After a restart: every routed request a member's journal accepted, that no upstream journal shows as sent and
     * that was not rejected, is queued again. A kill between the two appends loses nothing.
     */
    private void recover() {
        List<Set<Long>> sent = new ArrayList<>();
        Frame f = new Frame();
        for (Upstream u : upstreams) {
            Set<Long> refs = new HashSet<>();
            ((JournalStore) u.session.store()).journal().forEach(Journal.OUT, (seq, frame) -> {
                f.wrap(frame, frame.position());
                if (MsgType.isRoutedRequest(f.type())) refs.add(f.i64(0));
            });
            sent.add(refs);
        }
        for (Member m : members) {
            Set<Long> rejected = new HashSet<>();
            long[] lastReplySeq = {0};
            m.store.journal().forEach(Journal.OUT, (seq, frame) -> {
                f.wrap(frame, frame.position());
                if (f.type() == MsgType.REJECT) rejected.add(f.i64(MsgType.Reject.REF_SEQ));
                if (MsgType.isReply(f.type())) lastReplySeq[0] = seq;
            });
            if (lastReplySeq[0] != 0) {
                m.lastReply = ByteBuffer.allocate(Header.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
                m.store.readSent(lastReplySeq[0], m.lastReply);
            }
            m.store.journal().forEach(Journal.IN, (seq, frame) -> {
                f.wrap(frame, frame.position());
                int type = f.type();
                if (!MsgType.isRoutedRequest(type) || rejected.contains(f.seq())) return;
                long ref = m.config.sessionId() << 48 | f.i64(0);
                for (int i = 0; i < upstreams.length; i++) {
                    if (!upstreams[i].routes(type, f.u16(MsgType.destinationOffset(type)))) continue;
                    if (!sent.get(i).contains(ref)) {
                        ByteBuffer copy = ByteBuffer.allocate(f.length()).order(ByteOrder.LITTLE_ENDIAN);
                        f.copyTo(copy, 0);
                        Frame request = new Frame().wrap(copy, 0);
                        tag(m, request);
                        upstreams[i].forward(request);
                        recovered.increment();
                    }
                    break;
                }
            });
        }
        if (recovered.sum() > 0) LOG.log(System.Logger.Level.INFO, "recovered " + recovered.sum() + " requests");
    }

    /** A token bucket per source address: at most logonsPerSecond attempts a second from one address. */
    private boolean logonAllowed(Session s) {
        java.net.InetAddress source = s.connection().remoteAddress() instanceof java.net.InetSocketAddress a
                ? a.getAddress() : null;
        if (logonBuckets.size() > 10_000) logonBuckets.clear();
        long now = System.nanoTime();
        long cost = 1_000_000_000L / config.logonsPerSecond();
        long[] b = logonBuckets.computeIfAbsent(source, k -> new long[] {cost * config.logonsPerSecond(), now});
        b[0] = Math.min(cost * config.logonsPerSecond(), b[0] + (now - b[1]));
        b[1] = now;
        if (b[0] < cost) return false;
        b[0] -= cost;
        return true;
    }

    /**
     * Whether {@code reply} is the member's last journaled reply, replayed by the institution because the gateway
     * died between the two records (see {@link Session#recordAfterDelivery}). Checked once per member after a
     * restart: the first reply for that member settles it.
     */
    private boolean alreadyJournaled(Member m, Frame reply) {
        ByteBuffer last = m.lastReply;
        m.lastReply = null;
        if (!reply.possDup()) return false;
        Frame f = new Frame().wrap(last, 0);
        int type = reply.type();
        if (f.type() != type || f.i64(0) != (reply.i64(0) & ID_MASK)) return false;
        int n = MsgType.bodyLength(type);
        return last.slice(Header.LENGTH + 8, n - 8)
                .equals(reply.buffer().slice(reply.offset() + Header.LENGTH + 8, n - 8));
    }

    /** Routes a member's request; 0, or the reason to reject it. */
    private int route(Member m, Frame request) {
        int type = request.type();
        int destination = request.u16(MsgType.destinationOffset(type));
        for (Upstream u : upstreams) {
            if (!u.routes(type, destination)) continue;
            if (!u.session.isActive() && config.rejectWhenDown()) return RejectReason.UPSTREAM_UNAVAILABLE;
            tag(m, request);
            if (!u.forward(request)) return RejectReason.QUEUE_FULL;
            routed.increment();
            if (u.size > 0 && u.session.isActive()) holdBack(m);
            return 0;
        }
        return RejectReason.UNKNOWN_DESTINATION;
    }

    /**
     * The upstream is up but backed up: stop taking input from the member whose request had to wait, so its further
     * requests wait in its own socket (TCP pushes back on the member) instead of filling the queue up to
     * QUEUE_FULL. Resumed by {@link #releaseHeldBack}.
     */
    private void holdBack(Member m) {
        Session s = m.current;
        if (s == null || m.held == s) return;
        s.holdInput();
        m.held = s;
        heldBack.increment();
    }

    /** An upstream drained or went: members held back take input again. */
    private void releaseHeldBack() {
        for (Member m : members) {
            if (m.held != null) {
                m.held.releaseInput();
                m.held = null;
            }
        }
    }

    /** Puts the member's session number in the top bits of the request's correlation ids (in place). */
    private static void tag(Member m, Frame request) {
        long tag = m.config.sessionId() << 48;
        request.i64(0, tag | request.i64(0));
        if (request.type() == MsgType.CANCEL_ORDER) {
            request.i64(MsgType.CancelOrder.ORIG_CL_ORD_ID, tag | request.i64(MsgType.CancelOrder.ORIG_CL_ORD_ID));
        }
    }

    private static void copyBody(Frame from, Frame to) {
        int n = MsgType.bodyLength(from.type());
        to.buffer().put(to.offset() + Header.LENGTH, from.buffer(), from.offset() + Header.LENGTH, n);
    }

    private static byte[] padded(String s, int width) {
        byte[] b = new byte[width];
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(v, 0, b, 0, v.length);
        return b;
    }

    public Server server() {
        return server;
    }

    private GatewayConfig config() {
        return config;
    }

    /** Whether every upstream session is logged on. */
    public boolean upstreamsActive() {
        for (Upstream u : upstreams) if (!u.session.isActive()) return false;
        return true;
    }

    /**
     * Each upstream's state, one per line: logged on, connecting, or what went wrong (refused with the
     * institution's reason, unreachable, lost) and until when the gateway waits before trying again; and how many
     * requests wait for it. Then the counters ({@link #stats}).
     */
    public String status() {
        StringBuilder b = new StringBuilder();
        for (Upstream u : upstreams) {
            if (u == null || u.link == null) continue;
            b.append("upstream ").append(u.link.status()).append("; queued ").append(u.size).append('\n');
        }
        return b.append(stats()).toString();
    }

    /** One line of counters, for the log and tests. */
    public String stats() {
        return "routed=" + routed.sum() + " replies=" + replies.sum() + " queued=" + queued.sum() + " recovered="
                + recovered.sum() + " expired=" + expired.sum() + " unroutableReplies=" + unroutableReplies.sum() + " upstreamRejects="
                + upstreamRejects.sum() + " heldBack=" + heldBack.sum() + " duplicateReplies=" + duplicateReplies.sum() + " members{" + memberCounters
                + "} upstreams{" + upstreamCounters + "}";
    }

    /**
     * Stops: each logged-on member gets Logout(SHUTTING_DOWN), its connection then closed once that is written (the
     * transport bounds how long a close may wait to flush); the upstream connections close; then the server stops
     * (gracefully) and the journals close. A Logon that arrives meanwhile is refused with SHUTTING_DOWN. Upstreams
     * get no Logout: their journals end with the last frame exchanged, as after a crash, which restart recovery
     * is built for.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        shuttingDown = true;
        for (Upstream u : upstreams) if (u != null && u.link != null) u.link.close();
        logOutEveryone();
        for (Upstream u : upstreams) {
            var c = u == null ? null : u.session.connection();
            if (c != null) c.close();
        }
        if (server != null) {
            CompletableFuture<Void> done = server.shutdownGracefully(Duration.ofSeconds(2));
            done.orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
        for (Upstream u : upstreams) if (u != null) u.session.store().close();
        for (Member m : members) if (m != null) m.store.close();
    }

    /** On the loop (found through any open connection, all being on it): the Logouts of {@link #close}, waited for. */
    private void logOutEveryone() {
        dev.gannet.transport.Connection any = null;
        for (Member m : members) {
            Session s = m == null ? null : m.current;
            var c = s == null ? null : s.connection();
            if (c != null) any = c;
        }
        for (Upstream u : upstreams) {
            var c = u == null ? null : u.session.connection();
            if (c != null) any = c;
        }
        if (any == null) return;
        CompletableFuture<Void> done = new CompletableFuture<>();
        any.execute(() -> {
            try {
                for (Member m : members) {
                    Session s = m == null ? null : m.current;
                    if (s != null && s.isActive()) s.logout(RejectReason.SHUTTING_DOWN, "gateway shutting down");
                }
            } finally {
                done.complete(null);
            }
        });
        done.orTimeout(2, java.util.concurrent.TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
}
