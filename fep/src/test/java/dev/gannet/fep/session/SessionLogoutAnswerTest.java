package dev.gannet.fep.session;

import dev.gannet.fep.wire.Frame;
import dev.gannet.fep.wire.Header;
import dev.gannet.fep.wire.MsgType;
import dev.gannet.fep.wire.RejectReason;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.TcpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Logouts an initiator answers (docs/fep-protocol.md 7.7): a Logout(0) gets a Logout(0) back; a Logout with a
 * reason (an error, SHUTTING_DOWN) or the Logout refusing a Logon gets none, the connection is just closed. It
 * used to answer each with a numbered Logout, so every refused logon retry used up one more of its sequence numbers.
 * The acceptor here is a raw socket, so what the initiator writes is seen byte for byte.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SessionLogoutAnswerTest {
    private final ByteBuffer buf = ByteBuffer.allocate(Header.MAX_FRAME).order(ByteOrder.LITTLE_ENDIAN);

    /** Starts an initiator on session 42 against {@code acceptor}; returns the acceptor's side of the connection. */
    private Socket connect(ServerSocket acceptor, SessionCounters counters, CompletableFuture<Integer> gone)
            throws IOException {
        Session s = new Session(Session.Role.INITIATOR, new Session.Listener() {
            @Override
            public void onApplication(Session session, Frame frame) {
            }

            @Override
            public void onDisconnected(Session session, int reason) {
                gone.complete(reason);
            }
        }, counters).bind(42, new MemoryStore(64), 30_000)
                .credentials("M1".getBytes(StandardCharsets.US_ASCII), "pw".getBytes(StandardCharsets.US_ASCII));
        TcpClient.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), acceptor.getLocalPort()),
                ClientConfig.builder().engine("nio").build(), new SessionHandler(c -> s));
        Socket peer = acceptor.accept();
        peer.setSoTimeout(10_000);
        return peer;
    }

    private static Frame read(DataInputStream in) throws IOException {
        byte[] header = new byte[Header.LENGTH];
        in.readFully(header);
        int length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        byte[] whole = new byte[length];
        System.arraycopy(header, 0, whole, 0, Header.LENGTH);
        in.readFully(whole, Header.LENGTH, length - Header.LENGTH);
        return new Frame().wrap(ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN), 0);
    }

    private void write(Socket peer, Frame f) throws IOException {
        peer.getOutputStream().write(buf.array(), 0, f.length());
    }

    private Frame logout(long seq, int reason) {
        buf.clear();
        return new Frame().wrap(buf, 0).begin(MsgType.LOGOUT, 0, 42, seq, 0).u16(MsgType.Logout.REASON, reason)
                .ascii(MsgType.Logout.TEXT, MsgType.Logout.TEXT_LENGTH, RejectReason.name(reason));
    }

    private void logonAck(Socket peer) throws IOException {
        buf.clear();
        write(peer, new Frame().wrap(buf, 0).begin(MsgType.LOGON_ACK, 0, 42, 1, 0)
                .u32(MsgType.LogonAck.HEARTBEAT_MS, 30_000).i64(MsgType.LogonAck.NEXT_EXPECTED_SEQ, 2));
    }

    @Test
    void aRefusedLogonIsNotAnswered() throws Exception {
        try (ServerSocket acceptor = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> gone = new CompletableFuture<>();
            try (Socket peer = connect(acceptor, new SessionCounters(), gone)) {
                DataInputStream in = new DataInputStream(peer.getInputStream());
                assertThat(read(in).type()).isEqualTo(MsgType.LOGON);
                write(peer, logout(1, RejectReason.SEQUENCE_TOO_LOW));
                assertThat(gone.get(5, TimeUnit.SECONDS)).isEqualTo(RejectReason.SEQUENCE_TOO_LOW);
                assertThat(in.read()).as("closed, nothing written after the Logon").isEqualTo(-1);
            }
        }
    }

    @Test
    void anErrorOrShutdownLogoutIsNotAnswered() throws Exception {
        for (int reason : new int[] {RejectReason.SHUTTING_DOWN, RejectReason.HEARTBEAT_TIMEOUT}) {
            try (ServerSocket acceptor = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
                CompletableFuture<Integer> gone = new CompletableFuture<>();
                try (Socket peer = connect(acceptor, new SessionCounters(), gone)) {
                    DataInputStream in = new DataInputStream(peer.getInputStream());
                    assertThat(read(in).type()).isEqualTo(MsgType.LOGON);
                    logonAck(peer);
                    write(peer, logout(2, reason));
                    assertThat(gone.get(5, TimeUnit.SECONDS)).isEqualTo(reason);
                    assertThat(in.read()).as("closed without a Logout of its own").isEqualTo(-1);
                }
            }
        }
    }

    @Test
    void aNormalLogoutIsAnsweredWithOne() throws Exception {
        try (ServerSocket acceptor = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Integer> gone = new CompletableFuture<>();
            try (Socket peer = connect(acceptor, new SessionCounters(), gone)) {
                DataInputStream in = new DataInputStream(peer.getInputStream());
                assertThat(read(in).type()).isEqualTo(MsgType.LOGON);
                logonAck(peer);
                write(peer, logout(2, 0));
                Frame answer = read(in);
                assertThat(answer.type()).isEqualTo(MsgType.LOGOUT);
                assertThat(answer.u16(MsgType.Logout.REASON)).isZero();
                assertThat(answer.seq()).isEqualTo(2);
                assertThat(in.read()).isEqualTo(-1);
            }
        }
    }
}
