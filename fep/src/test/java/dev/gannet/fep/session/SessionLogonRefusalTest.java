package dev.gannet.fep.session;

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

import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two session-layer fixes the simulator needed. A refused Logon: the unnumbered Logout carries the Logon's session
 * id and the initiator takes its reason (it used to answer a session id 0 with SESSION_MISMATCH and lose the
 * reason). Request ids: an institution's acceptor takes the gateway's tagged ids (session number in the top 16 bits).
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SessionLogonRefusalTest {
    private final SessionCounters acceptorCounters = new SessionCounters();
    private final List<Long> acceptorGot = new CopyOnWriteArrayList<>();
    private Server server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** An acceptor that takes credential "pw" on session 42 and records each request's id. */
    private Server acceptor(long maxRequestId) throws Exception {
        Session.Listener listener = new Session.Listener() {
            @Override
            public int onLogon(Session session, Frame logon) {
                if (!logon.ascii(MsgType.Logon.CREDENTIAL, 32).equals("pw")) return RejectReason.BAD_CREDENTIALS;
                session.bind(42, new MemoryStore(64), 1_000);
                return 0;
            }

            @Override
            public void onApplication(Session session, Frame frame) {
                acceptorGot.add(frame.i64(0));
            }
        };
        ServerConfig sc = ServerConfig.builder().host("127.0.0.1", 0).engine("nio").threads(1)
                .tickInterval(Duration.ofMillis(100)).shutdownTimeout(Duration.ofSeconds(1)).build();
        server = TcpServer.start(sc, new SessionHandler(c -> new Session(Session.Role.ACCEPTOR, listener,
                acceptorCounters).maxRequestId(maxRequestId)));
        return server;
    }

    private static final class Initiator implements Session.Listener {
        final SessionCounters counters = new SessionCounters();
        final CompletableFuture<Integer> disconnected = new CompletableFuture<>();
        final CompletableFuture<Void> active = new CompletableFuture<>();
        final List<Integer> rejects = new CopyOnWriteArrayList<>();
        final Session session;

        Initiator(String credential) {
            session = new Session(Session.Role.INITIATOR, this, counters).bind(42, new MemoryStore(64), 1_000)
                    .credentials("M1".getBytes(StandardCharsets.US_ASCII), credential.getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void onActive(Session s) {
            active.complete(null);
        }

        @Override
        public void onApplication(Session s, Frame frame) {
        }

        @Override
        public void onReject(Session s, long refSeq, int refType, int reason) {
            rejects.add(reason);
        }

        @Override
        public void onDisconnected(Session s, int why) {
            disconnected.complete(why);
        }
    }

    @Test
    void theInitiatorLearnsWhyItsLogonWasRefused() throws Exception {
        acceptor(Long.MAX_VALUE);
        Initiator i = new Initiator("wrong");
        TcpClient.connect(server.localAddress(), ClientConfig.builder().engine("nio").build(),
                new SessionHandler(c -> i.session));

        assertThat(i.disconnected.get(5, TimeUnit.SECONDS)).isEqualTo(RejectReason.BAD_CREDENTIALS);
        assertThat(i.counters.rejects(RejectReason.SESSION_MISMATCH)).isZero();
        assertThat(acceptorCounters.rejects(RejectReason.BAD_CREDENTIALS)).isEqualTo(1);
    }

    @Test
    void theRefusalLogoutCarriesTheLogonsSessionId() throws Exception {
        acceptor(Long.MAX_VALUE);
        try (Socket sock = new Socket()) {
            sock.connect(server.localAddress(), 5000);
            ByteBuffer b = ByteBuffer.allocate(Header.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);
            Frame f = new Frame().wrap(b, 0).begin(MsgType.LOGON, 0, 42, 1, 0);
            f.u32(MsgType.Logon.HEARTBEAT_MS, 1000).i64(MsgType.Logon.NEXT_EXPECTED_SEQ, 1)
                    .ascii(MsgType.Logon.MEMBER_ID, 16, "M1").ascii(MsgType.Logon.CREDENTIAL, 32, "wrong");
            sock.getOutputStream().write(b.array(), 0, f.length());
            InputStream in = sock.getInputStream();
            Frame logout = new Frame().wrap(ByteBuffer.wrap(in.readNBytes(MsgType.frameLength(MsgType.LOGOUT))), 0);
            assertThat(logout.type()).isEqualTo(MsgType.LOGOUT);
            assertThat(logout.u16(MsgType.Logout.REASON)).isEqualTo(RejectReason.BAD_CREDENTIALS);
            assertThat(logout.sessionId()).isEqualTo(42);
            assertThat(logout.seq()).isEqualTo(1);
        }
    }

    @Test
    void anInstitutionsAcceptorTakesTheGatewaysTaggedIdsAndAMembersDoesNot() throws Exception {
        long tagged = 1001L << 48 | 7;
        for (long max : new long[] {Long.MAX_VALUE, dev.gannet.fep.wire.Validator.MAX_CLIENT_ID}) {
            acceptorGot.clear();
            acceptor(max);
            Initiator i = new Initiator("pw");
            TcpClient client = TcpClient.open(server.localAddress(), ClientConfig.builder().engine("nio").build(),
                    new SessionHandler(c -> i.session));
            i.active.get(5, TimeUnit.SECONDS);
            for (long id : new long[] {tagged, 8}) {
                client.connection().execute(() -> {
                    i.session.prepare(MsgType.NEW_ORDER).i64(MsgType.NewOrder.CL_ORD_ID, id)
                            .ascii(MsgType.NewOrder.ACCOUNT, 16, "A").ascii(MsgType.NewOrder.SYMBOL, 12, "S")
                            .u8(MsgType.NewOrder.SIDE, 1).u8(MsgType.NewOrder.ORD_TYPE, 1)
                            .i64(MsgType.NewOrder.QUANTITY, 1);
                    i.session.send();
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (acceptorGot.size() + i.rejects.size() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
            if (max == Long.MAX_VALUE) {
                assertThat(acceptorGot).containsExactly(tagged, 8L);
                assertThat(i.rejects).isEmpty();
            } else {
                assertThat(acceptorGot).containsExactly(8L);
                assertThat(i.rejects).containsExactly(RejectReason.INVALID_FIELD);
            }
            client.close();
            server.close();
            server = null;
        }
    }
}
