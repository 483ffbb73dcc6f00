package dev.gannet.fep.session;

import dev.gannet.fep.journal.FsyncPolicy;
import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.Header;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.RejectReason;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.TcpClient;
import dev.gannet.transport.TcpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The session state machine between two real endpoints on loopback: logon, sequences, gaps, heartbeats, resume. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SessionTest {
    private static final long SESSION = 7;
    private static final byte[] MEMBER = pad("FIRM1", 16);
    private static final byte[] SECRET = pad("s3cret", 32);

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final SessionCounters acceptorCounters = new SessionCounters();
    private final SessionCounters initiatorCounters = new SessionCounters();
    /** Application messages the acceptor got: their correlation ids, in order. */
    private final List<Long> acceptorGot = new CopyOnWriteArrayList<>();
    private final List<Long> initiatorGot = new CopyOnWriteArrayList<>();
    private volatile SessionStore acceptorStore;
    private volatile Session acceptorSession;

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    private static byte[] pad(String s, int width) {
        byte[] b = new byte[width];
        byte[] v = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(v, 0, b, 0, v.length);
        return b;
    }

    /** An acceptor that checks the credential, echoes each NewOrder as an ExecutionReport, and records ids. */
    private Server acceptor(SessionStore store) throws Exception {
        acceptorStore = store;
        Session.Listener listener = new Session.Listener() {
            @Override
            public int onLogon(Session s, Frame logon) {
                byte[] got = new byte[32];
                logon.asciiBytes(MsgType.Logon.CREDENTIAL, 32, got);
                if (!java.util.Arrays.equals(got, SECRET)) return RejectReason.BAD_CREDENTIALS;
                s.bind(SESSION, acceptorStore, (int) logon.u32(MsgType.Logon.HEARTBEAT_MS));
                acceptorSession = s;
                return 0;
            }

            @Override
            public void onApplication(Session s, Frame f) {
                acceptorGot.add(f.i64(0));
                s.prepare(MsgType.EXECUTION_REPORT).i64(MsgType.ExecutionReport.CL_ORD_ID, f.i64(0))
                        .ascii(MsgType.ExecutionReport.SYMBOL, 12, "ABC");
                s.send();
            }
        };
        Server server = TcpServer.start(ServerConfig.builder().host("127.0.0.1", 0).engine("nio").threads(1)
                .tickInterval(Duration.ofMillis(50)).build(),
                new SessionHandler(c -> new Session(Session.Role.ACCEPTOR, listener, acceptorCounters)));
        closing.add(() -> server.shutdownGracefully(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS));
        return server;
    }

    private Session initiator(SessionStore store, int heartbeatMs) {
        return new Session(Session.Role.INITIATOR, new Session.Listener() {
            @Override
            public void onApplication(Session s, Frame f) {
                initiatorGot.add(f.i64(0));
            }
        }, initiatorCounters).bind(SESSION, store, heartbeatMs).credentials(MEMBER, SECRET);
    }

    private TcpClient connect(Server server, Session session) {
        TcpClient client = TcpClient.open(server.localAddress(), ClientConfig.builder().engine("nio").reconnect(true)
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200)).tickInterval(Duration.ofMillis(50)).build(),
                new SessionHandler(c -> session));
        closing.add(client);
        return client;
    }

    private static void order(Session s, long id) {
        s.connection().execute(() -> {
            s.prepare(MsgType.NEW_ORDER).i64(MsgType.NewOrder.CL_ORD_ID, id)
                    .ascii(MsgType.NewOrder.ACCOUNT, 16, "ACC1").ascii(MsgType.NewOrder.SYMBOL, 12, "ABC")
                    .u8(MsgType.NewOrder.SIDE, 1).u8(MsgType.NewOrder.ORD_TYPE, 1).i64(MsgType.NewOrder.QUANTITY, 10);
            s.send();
        });
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void logsOnAndExchangesMessagesInSequence() throws Exception {
        Server server = acceptor(new MemoryStore(1024));
        Session s = initiator(new MemoryStore(1024), 1000);
        connect(server, s);
        await(s::isActive, "logon");
        for (long id = 1; id <= 50; id++) order(s, id);
        await(() -> initiatorGot.size() == 50, "50 reports");
        assertThat(acceptorGot).containsExactlyElementsOf(ids(1, 50));
        assertThat(initiatorGot).containsExactlyElementsOf(ids(1, 50));
        // Logon + 50 orders out; LogonAck + 50 reports in.
        assertThat(s.store().nextOut()).isEqualTo(52);
        assertThat(s.store().nextIn()).isEqualTo(52);
        assertThat(acceptorCounters.gaps.sum() + initiatorCounters.gaps.sum()).isZero();
    }

    @Test
    void badCredentialsGetALogoutAndTheConnectionCloses() throws Exception {
        Server server = acceptor(new MemoryStore(64));
        try (Socket sock = new Socket()) {
            sock.connect(server.localAddress(), 5000);
            ByteBuffer b = ByteBuffer.allocate(Header.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
            Frame f = new Frame().wrap(b, 0).begin(MsgType.LOGON, 0, SESSION, 1, 0);
            f.u32(MsgType.Logon.HEARTBEAT_MS, 1000).i64(MsgType.Logon.NEXT_EXPECTED_SEQ, 1)
                    .ascii(MsgType.Logon.MEMBER_ID, 16, "FIRM1").ascii(MsgType.Logon.CREDENTIAL, 32, "wrong");
            sock.getOutputStream().write(b.array(), 0, f.length());
            InputStream in = sock.getInputStream();
            byte[] reply = in.readNBytes(MsgType.frameLength(MsgType.LOGOUT));
            Frame logout = new Frame().wrap(ByteBuffer.wrap(reply), 0);
            assertThat(logout.type()).isEqualTo(MsgType.LOGOUT);
            assertThat(logout.u16(MsgType.Logout.REASON)).isEqualTo(RejectReason.BAD_CREDENTIALS);
            assertThat(in.read()).as("closed after the logout").isEqualTo(-1);
        }
        assertThat(acceptorCounters.rejects(RejectReason.BAD_CREDENTIALS)).isEqualTo(1);
    }

    @Test
    void aSilentPeerIsTestedThenDisconnected() throws Exception {
        Server server = acceptor(new MemoryStore(64));
        try (Socket sock = new Socket()) {
            sock.connect(server.localAddress(), 5000);
            ByteBuffer b = ByteBuffer.allocate(Header.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
            Frame f = new Frame().wrap(b, 0).begin(MsgType.LOGON, 0, SESSION, 1, 0);
            f.u32(MsgType.Logon.HEARTBEAT_MS, 200).i64(MsgType.Logon.NEXT_EXPECTED_SEQ, 1)
                    .ascii(MsgType.Logon.MEMBER_ID, 16, "FIRM1").ascii(MsgType.Logon.CREDENTIAL, 32, "s3cret");
            sock.getOutputStream().write(b.array(), 0, f.length());
            // Then silence: heartbeats from the acceptor, a TestRequest after 1.5 intervals, a Logout after one more.
            InputStream in = sock.getInputStream();
            List<Integer> types = new ArrayList<>();
            byte[] header = new byte[Header.LENGTH];
            while (in.readNBytes(header, 0, Header.LENGTH) == Header.LENGTH) {
                Frame h = new Frame().wrap(ByteBuffer.wrap(header), 0);
                types.add(h.type());
                byte[] body = in.readNBytes(h.length() - Header.LENGTH);
                if (h.type() == MsgType.LOGOUT) {
                    ByteBuffer whole = ByteBuffer.allocate(h.length());
                    whole.put(header).put(body);
                    assertThat(new Frame().wrap(whole, 0).u16(MsgType.Logout.REASON))
                            .isEqualTo(RejectReason.HEARTBEAT_TIMEOUT);
                }
            }
            assertThat(types).first().isEqualTo(MsgType.LOGON_ACK);
            assertThat(types).contains(MsgType.TEST_REQUEST).last().isEqualTo(MsgType.LOGOUT);
        }
        assertThat(acceptorCounters.heartbeatTimeouts.sum()).isEqualTo(1);
    }

    @Test
    void aGapIsFilledByReplayAndDuplicatesAreDropped() throws Exception {
        Server server = acceptor(new MemoryStore(1024));
        Session s = initiator(new MemoryStore(1024), 1000);
        connect(server, s);
        await(s::isActive, "logon");
        order(s, 1);
        await(() -> initiatorGot.size() == 1, "first report");
        // The acceptor numbers three reports it never sends: the initiator sees a gap at the next one and asks.
        Session a = acceptorSession;
        java.util.concurrent.CountDownLatch lost = new java.util.concurrent.CountDownLatch(1);
        a.connection().execute(() -> {
            for (int i = 0; i < 3; i++) {
                a.prepare(MsgType.EXECUTION_REPORT).i64(0, 100 + i).ascii(MsgType.ExecutionReport.SYMBOL, 12, "ABC");
                a.sendLost();
            }
            lost.countDown();
        });
        assertThat(lost.await(5, TimeUnit.SECONDS)).isTrue();
        order(s, 2);
        await(() -> initiatorGot.size() == 5, "the replayed reports and the live one");
        assertThat(initiatorGot).containsExactly(1L, 100L, 101L, 102L, 2L);
        assertThat(initiatorCounters.gaps.sum()).isPositive();
        assertThat(acceptorCounters.replayed.sum()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aJournaledSessionResumesItsSequencesAfterARestart() throws Exception {
        Path acceptorJournal = dir.resolve("acceptor.journal");
        Path initiatorJournal = dir.resolve("initiator.journal");
        long out, in;
        {
            JournalStore store = JournalStore.open(acceptorJournal, FsyncPolicy.NONE, Duration.ofMillis(1));
            Server server = acceptor(store);
            JournalStore istore = JournalStore.open(initiatorJournal, FsyncPolicy.NONE, Duration.ofMillis(1));
            Session s = initiator(istore, 1000);
            TcpClient client = connect(server, s);
            await(s::isActive, "logon");
            for (long id = 1; id <= 20; id++) order(s, id);
            await(() -> initiatorGot.size() == 20, "20 reports");
            client.close();
            server.shutdownGracefully(Duration.ofSeconds(1)).get(5, TimeUnit.SECONDS);
            out = istore.nextOut();
            in = istore.nextIn();
            store.close();
            istore.close();
        }
        JournalStore store = JournalStore.open(acceptorJournal, FsyncPolicy.NONE, Duration.ofMillis(1));
        JournalStore istore = JournalStore.open(initiatorJournal, FsyncPolicy.NONE, Duration.ofMillis(1));
        closing.add(store);
        closing.add(istore);
        assertThat(istore.nextOut()).isEqualTo(out);
        assertThat(istore.nextIn()).isEqualTo(in);
        Server server = acceptor(store);
        Session s = initiator(istore, 1000);
        connect(server, s);
        await(s::isActive, "logon after the restart");
        order(s, 21);
        await(() -> initiatorGot.size() == 21, "the 21st report");
        assertThat(acceptorGot).containsExactlyElementsOf(ids(1, 21));
        assertThat(initiatorCounters.gaps.sum() + acceptorCounters.gaps.sum()).isZero();
    }

    private static List<Long> ids(long from, long to) {
        List<Long> l = new ArrayList<>();
        for (long i = from; i <= to; i++) l.add(i);
        return l;
    }
}
