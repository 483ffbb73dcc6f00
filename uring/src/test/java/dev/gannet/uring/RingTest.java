package dev.gannet.uring;

import dev.gannet.transport.NativeSocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring's mechanics on the real kernel: full submission ring, completion overflow, buffers running dry, cancel. */
class RingTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    record Cqe(long userData, int res, int flags) {}

    @BeforeAll
    static void needsIoUring() {
        String why = Uring.unavailableReason();
        org.junit.jupiter.api.Assumptions.assumeTrue(why == null, () -> "io_uring unavailable: " + why);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    }

    private Ring ring(int entries, int cqFactor) throws Exception {
        Ring r = Ring.open(entries, cqFactor, Ring.SETUP_SINGLE_ISSUER | Ring.SETUP_DEFER_TASKRUN);
        open.add(r);
        return r;
    }

    private static List<Cqe> reap(Ring r) {
        List<Cqe> out = new ArrayList<>();
        r.reap((u, res, f) -> out.add(new Cqe(u, res, f)));
        return out;
    }

    /** Waits and reaps until {@code n} completions came, or fails after a bounded number of one-second waits. */
    private static List<Cqe> await(Ring r, int n) throws Exception {
        List<Cqe> got = new ArrayList<>();
        for (int i = 0; i < 50 && got.size() < n; i++) {
            r.enter(1, 100_000_000L);
            got.addAll(reap(r));
        }
        return got;
    }

    @Test
    void probesOpcodesAndFeatures() throws Exception {
        Ring r = ring(8, 2);
        assertThat(r.supports(Ring.OP_NOP)).isTrue();
        assertThat(r.supports(Ring.OP_RECV)).isTrue();
        assertThat(r.supports(255)).isFalse();
        assertThat(r.features & Ring.FEAT_NODROP).isNotZero();
        assertThat(r.cqEntries).isEqualTo(16);
    }

    @Test
    void completesInSubmissionOrder() throws Exception {
        Ring r = ring(8, 2);
        for (int i = 1; i <= 3; i++) r.prep(Ring.OP_NOP, 0, 0, -1, 0, 0, 0, 0, i, 0);
        assertThat(r.pending()).isEqualTo(3);
        r.enter(3, -1);
        assertThat(r.pending()).isZero();
        assertThat(reap(r)).extracting(Cqe::userData).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aRingRegisteredWithItsThreadIsEnteredByIndex() throws Exception {
        Ring r = ring(8, 2);
        assertThat(r.features & Ring.FEAT_REG_REG_RING).as("kernel 5.18+").isNotZero();
        assertThat(r.registerWithThread()).isTrue();
        r.prep(Ring.OP_NOP, 0, 0, -1, 0, 0, 0, 0, 7, 0);
        assertThat(r.enter(1, -1)).isEqualTo(1);
        assertThat(reap(r)).extracting(Cqe::userData).containsExactly(7L);
        // Another thread holds no such registration: the index means nothing there, and its enter must fail.
        java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                r.prep(Ring.OP_NOP, 0, 0, -1, 0, 0, 0, 0, 8, 0);
                outcome.set(r.enter(1, -1));
            } catch (java.io.IOException expected) {
                outcome.set(expected);
            }
        });
        other.join();
        assertThat(outcome.get()).isInstanceOf(java.io.IOException.class);
        assertThat(((Exception) outcome.get())).hasMessageContaining("io_uring_enter");
    }

    @Test
    void aFullSubmissionRingIsSubmittedRatherThanOverwritten() throws Exception {
        Ring r = ring(8, 4);
        for (int i = 0; i < 20; i++) r.prep(Ring.OP_NOP, 0, 0, -1, 0, 0, 0, 0, i, 0);
        List<Cqe> got = await(r, 20);
        assertThat(got).extracting(Cqe::userData).containsExactlyInAnyOrderElementsOf(
                java.util.stream.LongStream.range(0, 20).boxed().toList());
    }

    @Test
    void completionOverflowLosesNothing() throws Exception {
        Ring r = ring(4, 1); // 8 completion slots
        for (int i = 0; i < 64; i++) r.prep(Ring.OP_NOP, 0, 0, -1, 0, 0, 0, 0, i, 0);
        r.submit();
        List<Cqe> got = await(r, 64);
        assertThat(got).hasSize(64);
        assertThat(got).extracting(Cqe::userData).doesNotHaveDuplicates();
        assertThat(r.overflowCount()).isZero();
    }

    @Test
    void aWaitWithATimeoutReturnsWithoutCompletions() throws Exception {
        Ring r = ring(4, 2);
        long t0 = System.nanoTime();
        r.enter(1, 30_000_000L);
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(20_000_000L);
        assertThat(reap(r)).isEmpty();
    }

    /** A connected pair on loopback: the accepted side's descriptor is what the ring works on. */
    private record Pair(SocketChannel client, SocketChannel server, int fd) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            client.close();
            server.close();
        }
    }

    private Pair pair() throws Exception {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel client = SocketChannel.open(listener.getLocalAddress());
            SocketChannel server = listener.accept();
            Pair p = new Pair(client, server, NativeSocketOptions.fd(server));
            open.add(p);
            assertThat(p.fd).isNotNegative();
            return p;
        }
    }

    @Test
    void aDryBufferRingEndsTheMultishotReceiveWithEnobufs() throws Exception {
        Ring r = ring(8, 4);
        BufferRing buffers = new BufferRing(r, 1, 2, 16);
        open.add(buffers);
        Pair p = pair();
        p.client.write(ByteBuffer.wrap("0123456789abcdef0123456789ABCDEFtail".getBytes(StandardCharsets.US_ASCII)));
        r.prep(Ring.OP_RECV, Ring.SQE_BUFFER_SELECT, Ring.RECV_MULTISHOT, p.fd, 0, 0, 0, 0, 7, buffers.group);
        List<Cqe> got = await(r, 3);
        assertThat(got).hasSize(3);
        StringBuilder data = new StringBuilder();
        for (Cqe c : got.subList(0, 2)) {
            assertThat(c.res).isEqualTo(16);
            assertThat(c.flags & Ring.CQE_F_BUFFER).isNotZero();
            assertThat(c.flags & Ring.CQE_F_MORE).isNotZero();
            ByteBuffer b = buffers.filled(c.flags >>> 16, c.res);
            data.append(StandardCharsets.US_ASCII.decode(b));
        }
        assertThat(data.toString()).isEqualTo("0123456789abcdef0123456789ABCDEF");
        // Out of buffers: the receive ends (no MORE) and the rest waits in the socket.
        assertThat(got.get(2).res).isEqualTo(-Sockets.ENOBUFS);
        assertThat(got.get(2).flags & Ring.CQE_F_MORE).isZero();
        assertThat(buffers.outstanding()).isEqualTo(2);

        buffers.recycle(got.get(0).flags >>> 16);
        buffers.recycle(got.get(1).flags >>> 16);
        assertThat(buffers.outstanding()).isZero();
        r.prep(Ring.OP_RECV, Ring.SQE_BUFFER_SELECT, Ring.RECV_MULTISHOT, p.fd, 0, 0, 0, 0, 8, buffers.group);
        Cqe rest = await(r, 1).getFirst();
        assertThat(rest.userData).isEqualTo(8);
        assertThat(StandardCharsets.US_ASCII.decode(buffers.filled(rest.flags >>> 16, rest.res)).toString())
                .isEqualTo("tail");
        buffers.recycle(rest.flags >>> 16);
    }

    @Test
    void cancellingAReceiveCompletesItWithEcanceled() throws Exception {
        Ring r = ring(8, 4);
        BufferRing buffers = new BufferRing(r, 2, 4, 64);
        open.add(buffers);
        Pair p = pair();
        r.prep(Ring.OP_RECV, Ring.SQE_BUFFER_SELECT, Ring.RECV_MULTISHOT, p.fd, 0, 0, 0, 0, 21, buffers.group);
        r.submit();
        r.prep(Ring.OP_ASYNC_CANCEL, 0, 0, -1, 0, 21, 0, 0, 22, 0);
        // Cancelling what is not in flight (already cancelled, or never there) says so with -ENOENT.
        r.prep(Ring.OP_ASYNC_CANCEL, 0, 0, -1, 0, 999, 0, 0, 23, 0);
        List<Cqe> got = await(r, 3);
        assertThat(got).hasSize(3);
        assertThat(got).filteredOn(c -> c.userData == 21).singleElement().satisfies(c -> {
            assertThat(c.res).isEqualTo(-Sockets.ECANCELED);
            assertThat(c.flags & Ring.CQE_F_MORE).isZero();
        });
        assertThat(got).filteredOn(c -> c.userData == 22).singleElement().extracting(Cqe::res).isEqualTo(0);
        assertThat(got).filteredOn(c -> c.userData == 23).singleElement().extracting(Cqe::res)
                .isEqualTo(-Sockets.ENOENT);
        assertThat(buffers.outstanding()).isZero();
    }

    @Test
    void sendsAndReceivesOnASocket() throws Exception {
        Ring r = ring(8, 2);
        Pair p = pair();
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var out = arena.allocate(5);
            out.copyFrom(java.lang.foreign.MemorySegment.ofArray("hello".getBytes(StandardCharsets.US_ASCII)));
            r.prep(Ring.OP_SEND, 0, 0, p.fd, 0, out.address(), 5, 0, 31, 0);
            Cqe sent = await(r, 1).getFirst();
            assertThat(sent.res).isEqualTo(5);
        }
        ByteBuffer in = ByteBuffer.allocate(5);
        while (in.hasRemaining()) p.client.read(in);
        assertThat(new String(in.array(), StandardCharsets.US_ASCII)).isEqualTo("hello");
    }
}
