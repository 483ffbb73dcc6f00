package dev.gannet.fep.gateway;

import dev.gannet.fep.sim.Exchange;
import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.Header;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.RejectReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.gannet.fep.gateway.TestMember.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken input at the gateway's member port, byte by byte over raw sockets: each case gets a Reject
 * with a reason or a Logout and a disconnect, a counter goes up, and another member's traffic goes on throughout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GatewayBadInputTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Gateway gateway;
    private TestMember bystander;
    private long bystanderIds;

    @BeforeEach
    void start() throws Exception {
        Exchange exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).build());
        closing.add(exchange);
        GatewayConfig c = GatewayTest.config(dir, exchange.port(), 1000, false);
        gateway = new Gateway(c.toBuilder().logonsPerSecond(5).build()).start();
        closing.add(gateway);
        await(gateway::upstreamsActive, "the upstream logon");
        bystander = new TestMember(gateway.server().localAddress(), "FIRM2", "pw2", 2);
        closing.add(bystander);
        bystanderStillServed();
    }

    @AfterEach
    void close() throws Exception {
        bystanderStillServed();
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    /** The other member's orders keep being acked, whatever the raw socket did. */
    private void bystanderStillServed() throws InterruptedException {
        long id = ++bystanderIds;
        bystander.order(id, 1);
        await(() -> bystander.acked(id, id), "the bystander's ack");
    }

    /** A member on a raw socket, writing frames by hand. */
    private final class Raw implements AutoCloseable {
        final Socket socket = new Socket();
        final DataInputStream in;
        final ByteBuffer buf = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
        final Frame f = new Frame();
        long seq = 1;

        Raw() throws IOException {
            InetSocketAddress a = gateway.server().localAddress();
            socket.connect(new InetSocketAddress("127.0.0.1", a.getPort()), 5000);
            socket.setSoTimeout(5000);
            in = new DataInputStream(socket.getInputStream());
        }

        Frame begin(int type) {
            buf.clear();
            return f.wrap(buf, 0).begin(type, 0, 1, seq++, 0);
        }

        void logon(String credential) throws IOException {
            begin(MsgType.LOGON).u32(MsgType.Logon.HEARTBEAT_MS, 30_000).i64(MsgType.Logon.NEXT_EXPECTED_SEQ, 1)
                    .ascii(MsgType.Logon.MEMBER_ID, 16, "FIRM1").ascii(MsgType.Logon.CREDENTIAL, 32, credential);
            send(f.length());
        }

        Frame order(long id) {
            return begin(MsgType.NEW_ORDER).i64(MsgType.NewOrder.CL_ORD_ID, id).ascii(MsgType.NewOrder.ACCOUNT, 16, "A1")
                    .ascii(MsgType.NewOrder.SYMBOL, 12, "S1").u8(MsgType.NewOrder.SIDE, 2).u8(MsgType.NewOrder.ORD_TYPE, 1)
                    .i64(MsgType.NewOrder.QUANTITY, 5).u16(MsgType.NewOrder.DESTINATION, 1);
        }

        void send(int length) throws IOException {
            socket.getOutputStream().write(buf.array(), 0, length);
        }

        /** The next frame from the gateway that is not a heartbeat or an execution report. */
        Frame next() throws IOException {
            while (true) {
                byte[] header = new byte[Header.LENGTH];
                in.readFully(header);
                int length = new Frame().wrap(ByteBuffer.wrap(header), 0).length();
                byte[] whole = new byte[length];
                System.arraycopy(header, 0, whole, 0, Header.LENGTH);
                in.readFully(whole, Header.LENGTH, length - Header.LENGTH);
                Frame r = new Frame().wrap(ByteBuffer.wrap(whole), 0);
                if (r.type() != MsgType.HEARTBEAT && r.type() != MsgType.EXECUTION_REPORT) return r;
            }
        }

        void loggedOn() throws IOException {
            logon("pw1");
            assertThat(next().type()).isEqualTo(MsgType.LOGON_ACK);
        }

        /** A Logout with {@code reason}, then the end of the stream. */
        void expectLogout(int reason) throws IOException {
            Frame r = next();
            assertThat(r.type()).isEqualTo(MsgType.LOGOUT);
            assertThat(r.u16(MsgType.Logout.REASON)).as(RejectReason.name(r.u16(MsgType.Logout.REASON)))
                    .isEqualTo(reason);
            try {
                next();
                throw new AssertionError("still open after the Logout");
            } catch (EOFException expected) {
                // closed
            }
        }

        void expectReject(int reason) throws IOException {
            Frame r = next();
            assertThat(r.type()).as(r.toString()).isEqualTo(MsgType.REJECT);
            assertThat(r.u16(MsgType.Reject.REASON)).as(RejectReason.name(r.u16(MsgType.Reject.REASON)))
                    .isEqualTo(reason);
        }

        /** An order after the bad frame is still routed and acked: the session went on. */
        void stillWorks(long id) throws IOException {
            send(order(id).length());
            socket.setSoTimeout(5000);
            while (true) {
                byte[] header = new byte[Header.LENGTH];
                in.readFully(header);
                Frame h = new Frame().wrap(ByteBuffer.wrap(header), 0);
                in.skipNBytes(h.length() - Header.LENGTH);
                if (h.type() == MsgType.EXECUTION_REPORT) return;
                assertThat(h.type()).as(h.toString()).isIn(MsgType.HEARTBEAT, MsgType.REJECT);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private long counted(int reason) {
        return gateway.memberCounters.rejects(reason);
    }

    @Test
    void aMalformedHeaderDisconnects() throws Exception {
        try (Raw r = new Raw()) {
            r.loggedOn();
            r.buf.clear();
            r.buf.putInt(0, 7); // shorter than a header: the stream cannot be framed any further
            r.send(8);
            r.expectLogout(RejectReason.MALFORMED_HEADER);
        }
        assertThat(counted(RejectReason.MALFORMED_HEADER)).isEqualTo(1);
    }

    @Test
    void anOversizedFrameDisconnectsBeforeItsBodyIsRead() throws Exception {
        try (Raw r = new Raw()) {
            r.loggedOn();
            r.begin(MsgType.NEW_ORDER);
            r.buf.putInt(0, 1 << 20);
            r.send(Header.LENGTH);
            r.expectLogout(RejectReason.FRAME_TOO_LARGE);
        }
        assertThat(counted(RejectReason.FRAME_TOO_LARGE)).isEqualTo(1);
    }

    @Test
    void aLengthThatDisagreesWithTheTypeIsRejectedAndSkipped() throws Exception {
        try (Raw r = new Raw()) {
            r.loggedOn();
            r.order(1);
            r.buf.putInt(0, 100); // a NewOrder is 96 bytes
            r.send(100);
            r.expectReject(RejectReason.LENGTH_MISMATCH);
            r.stillWorks(2);
        }
        assertThat(counted(RejectReason.LENGTH_MISMATCH)).isEqualTo(1);
    }

    @Test
    void anUnknownTypeIsRejectedAndSkipped() throws Exception {
        try (Raw r = new Raw()) {
            r.loggedOn();
            r.begin(MsgType.HEARTBEAT);
            r.buf.putShort(Header.OFF_TYPE, (short) 99);
            r.send(MsgType.frameLength(MsgType.HEARTBEAT));
            r.expectReject(RejectReason.UNKNOWN_TYPE);
            r.stillWorks(1);
        }
        assertThat(counted(RejectReason.UNKNOWN_TYPE)).isEqualTo(1);
    }

    @Test
    void anInvalidFieldIsRejectedAndSkipped() throws Exception {
        try (Raw r = new Raw()) {
            r.loggedOn();
            r.send(r.order(1).u8(MsgType.NewOrder.SIDE, 7).length());
            r.expectReject(RejectReason.INVALID_FIELD);
            r.stillWorks(2);
        }
    }

    @Test
    void aSequenceNumberTooHighAsksForAResendAndOneTooLowDisconnects() throws Exception {
        try (Raw r = new Raw()) {
            r.loggedOn();
            r.seq += 5; // frames 2..6 "lost"
            r.send(r.order(1).length());
            Frame resend = r.next();
            assertThat(resend.type()).isEqualTo(MsgType.RESEND_REQUEST);
            assertThat(resend.i64(MsgType.ResendRequest.BEGIN_SEQ)).isEqualTo(2);
            r.seq = 1; // a number already used, without POSS_DUP
            r.send(r.order(2).length());
            r.expectLogout(RejectReason.SEQUENCE_TOO_LOW);
        }
        assertThat(gateway.memberCounters.gaps.sum()).isPositive();
    }

    @Test
    void badCredentialsAreRefusedAndCounted() throws Exception {
        try (Raw r = new Raw()) {
            r.logon("not-the-password");
            r.expectLogout(RejectReason.BAD_CREDENTIALS);
        }
        assertThat(counted(RejectReason.BAD_CREDENTIALS)).isEqualTo(1);
    }

    @Test
    void aLogonFloodIsCutOff() throws Exception {
        int refused = 0;
        for (int i = 0; i < 20; i++) { // the limit is 5 a second from one address
            try (Raw r = new Raw()) {
                r.logon("wrong");
                Frame logout = r.next();
                if (logout.u16(MsgType.Logout.REASON) == RejectReason.LOGON_FLOOD) refused++;
            }
        }
        assertThat(refused).isGreaterThanOrEqualTo(10);
        assertThat(counted(RejectReason.LOGON_FLOOD)).isEqualTo(refused);
    }
}
