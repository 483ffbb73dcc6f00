package dev.gannet.fep.gateway;

import dev.gannet.fep.sim.Exchange;
import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.gannet.fep.gateway.TestMember.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's logon and logout against docs/fep-protocol.md 7.3 and 7.7, from a raw socket: the refusal named
 * for what was wrong, the Logout carrying the header's session id, the logon timeout, and a Logout on shutdown.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayLogonTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Gateway gateway;

    /** The gateway's engine; the io_uring subclass runs every case again on it. */
    String engine() {
        return "nio";
    }

    @BeforeEach
    void start() throws Exception {
        Exchange exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).build());
        closing.add(exchange);
        gateway = new Gateway(GatewayTest.config(dir, exchange.port(), 1000, false).toBuilder().engine(engine()).build())
                .start();
        closing.add(gateway);
        await(gateway::upstreamsActive, "the upstream logon");
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    private RawMember raw() throws Exception {
        RawMember r = new RawMember(gateway.server().localAddress().getPort());
        closing.add(r);
        return r;
    }

    @Test
    void theRightCredentialOnTheWrongSessionIsASessionMismatch() throws Exception {
        RawMember r = raw();
        r.sessionId = 2; // FIRM2's session: FIRM1's member id and credential are right, the session is not its own
        r.send(r.logon("FIRM1", "pw1"));
        Frame logout = r.expectLogout(RejectReason.SESSION_MISMATCH);
        assertThat(logout.sessionId()).as("the Logon header's session id, echoed").isEqualTo(2);
        assertThat(gateway.memberCounters.rejects(RejectReason.SESSION_MISMATCH)).isEqualTo(1);
        assertThat(gateway.memberCounters.rejects(RejectReason.BAD_CREDENTIALS)).isZero();

        RawMember unknown = raw();
        unknown.sessionId = 77; // a session nobody has
        unknown.send(unknown.logon("FIRM1", "pw1"));
        unknown.expectLogout(RejectReason.SESSION_MISMATCH);
    }

    @Test
    void aWrongCredentialIsStillBadCredentialsWhateverTheSession() throws Exception {
        RawMember r = raw();
        r.sessionId = 2;
        r.send(r.logon("FIRM1", "not-pw1"));
        assertThat(r.expectLogout(RejectReason.BAD_CREDENTIALS).sessionId()).isEqualTo(2);
        RawMember nobody = raw();
        nobody.send(nobody.logon("NOBODY", "pw1"));
        nobody.expectLogout(RejectReason.BAD_CREDENTIALS);
    }

    @Test
    void aLogonThatFailsValidationGetsALogoutWithItsHeadersSessionId() throws Exception {
        RawMember r = raw();
        r.sessionId = 1;
        r.send(r.logon("FIRM1", "pw1").u32(MsgType.Logon.HEARTBEAT_MS, 5)); // below 100: INVALID_FIELD
        Frame logout = r.expectLogout(RejectReason.INVALID_FIELD);
        assertThat(logout.sessionId()).isEqualTo(1);
        assertThat(logout.seq()).as("outside the session's numbering").isEqualTo(1);
    }

    @Test
    void aConnectionThatTricklesBytesWithoutALogonIsClosedAtTheLogonTimeout() throws Exception {
        RawMember r = raw();
        r.logon("FIRM1", "pw1");
        byte[] logon = java.util.Arrays.copyOf(r.buf.array(), MsgType.frameLength(MsgType.LOGON));
        // One byte a second: each one used to count as traffic and restart the wait, so the socket stayed open.
        Thread trickle = Thread.ofPlatform().daemon().start(() -> {
            try {
                for (int i = 0; i < 30; i++) {
                    r.socket.getOutputStream().write(logon[i]);
                    Thread.sleep(1000);
                }
            } catch (Exception closed) {
                // the gateway closed it: expected
            }
        });
        r.socket.setSoTimeout(15_000);
        Frame logout = r.expectLogout(RejectReason.HEARTBEAT_TIMEOUT);
        assertThat(logout.ascii(MsgType.Logout.TEXT, MsgType.Logout.TEXT_LENGTH)).contains("logon timeout");
        trickle.interrupt();
    }

    @Test
    void onShutdownALoggedOnMemberGetsLogoutShuttingDownThenTheEnd() throws Exception {
        RawMember r = raw();
        r.loggedOn("FIRM1", "pw1");
        r.send(r.order(1, 1));
        assertThat(r.next().type()).isEqualTo(MsgType.EXECUTION_REPORT);
        Thread closer = Thread.ofPlatform().start(gateway::close);
        Frame f;
        do {
            f = r.next();
        } while (f.type() == MsgType.EXECUTION_REPORT);
        assertThat(f.type()).as(f.toString()).isEqualTo(MsgType.LOGOUT);
        assertThat(f.u16(MsgType.Logout.REASON)).isEqualTo(RejectReason.SHUTTING_DOWN);
        assertThat(f.sessionId()).isEqualTo(1);
        r.expectEof();
        closer.join();
    }
}
