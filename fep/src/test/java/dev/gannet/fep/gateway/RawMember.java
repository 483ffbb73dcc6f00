package dev.gannet.fep.gateway;

import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.Header;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.RejectReason;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;

/** A member on a raw socket, writing frames by hand and reading the gateway's whole frames back. */
final class RawMember implements AutoCloseable {
    final Socket socket = new Socket();
    final DataInputStream in;
    final ByteBuffer buf = ByteBuffer.allocate(8192).order(ByteOrder.LITTLE_ENDIAN);
    final Frame f = new Frame();
    long sessionId = 1;
    long seq = 1;

    RawMember(int port) throws IOException {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
    }

    Frame begin(int type) {
        buf.clear();
        return f.wrap(buf, 0).begin(type, 0, sessionId, seq++, 0);
    }

    /** Writes a Logon (not sent yet: {@link #send}). */
    Frame logon(String member, String credential) {
        return begin(MsgType.LOGON).u32(MsgType.Logon.HEARTBEAT_MS, 30_000).i64(MsgType.Logon.NEXT_EXPECTED_SEQ, 1)
                .ascii(MsgType.Logon.MEMBER_ID, 16, member).ascii(MsgType.Logon.CREDENTIAL, 32, credential);
    }

    Frame order(long id, int destination) {
        return begin(MsgType.NEW_ORDER).i64(MsgType.NewOrder.CL_ORD_ID, id).ascii(MsgType.NewOrder.ACCOUNT, 16, "A1")
                .ascii(MsgType.NewOrder.SYMBOL, 12, "S1").u8(MsgType.NewOrder.SIDE, 2).u8(MsgType.NewOrder.ORD_TYPE, 1)
                .i64(MsgType.NewOrder.QUANTITY, 5).u16(MsgType.NewOrder.DESTINATION, destination);
    }

    void send(Frame frame) throws IOException {
        socket.getOutputStream().write(buf.array(), 0, frame.length());
    }

    /** The next frame from the gateway that is not a heartbeat. */
    Frame next() throws IOException {
        while (true) {
            byte[] header = new byte[Header.LENGTH];
            in.readFully(header);
            int length = new Frame().wrap(ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN), 0).length();
            byte[] whole = new byte[length];
            System.arraycopy(header, 0, whole, 0, Header.LENGTH);
            in.readFully(whole, Header.LENGTH, length - Header.LENGTH);
            Frame r = new Frame().wrap(ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN), 0);
            if (r.type() != MsgType.HEARTBEAT) return r;
        }
    }

    void loggedOn(String member, String credential) throws IOException {
        send(logon(member, credential));
        Frame ack = next();
        assertThat(ack.type()).as(ack.toString()).isEqualTo(MsgType.LOGON_ACK);
    }

    /** A Logout with {@code reason}, then the end of the stream; returns the Logout. */
    Frame expectLogout(int reason) throws IOException {
        Frame r = next();
        assertThat(r.type()).as(r.toString()).isEqualTo(MsgType.LOGOUT);
        assertThat(r.u16(MsgType.Logout.REASON)).as(RejectReason.name(r.u16(MsgType.Logout.REASON))).isEqualTo(reason);
        expectEof();
        return r;
    }

    void expectEof() throws IOException {
        try {
            Frame more = next();
            throw new AssertionError("still open after the Logout: " + more);
        } catch (EOFException expected) {
            // closed
        }
    }

    Frame expectReject(int reason) throws IOException {
        Frame r = next();
        assertThat(r.type()).as(r.toString()).isEqualTo(MsgType.REJECT);
        assertThat(r.u16(MsgType.Reject.REASON)).as(RejectReason.name(r.u16(MsgType.Reject.REASON))).isEqualTo(reason);
        return r;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
