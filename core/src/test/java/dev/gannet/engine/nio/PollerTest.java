package dev.gannet.engine.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The two pollers on real loopback sockets: the level-triggered meaning the loop relies on. */
class PollerTest {
    private final List<AutoCloseable> open = new ArrayList<>();
    private ServerSocketChannel listener;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open.reversed()) c.close();
    }

    private Poller poller(String kind) throws IOException {
        Poller p;
        if (kind.equals("epoll")) {
            assumeTrue(EpollPoller.AVAILABLE, "epoll through FFM is unavailable here (needs Linux and native access)");
            p = new EpollPoller();
        } else {
            p = new Poller.JdkPoller();
        }
        open.add(p);
        return p;
    }

    /** A connected pair: [0] is the accepted side (non-blocking, to register), [1] the peer. */
    private SocketChannel[] pair() throws IOException {
        if (listener == null) {
            listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            open.add(listener);
        }
        SocketChannel peer = SocketChannel.open(listener.getLocalAddress());
        SocketChannel accepted = listener.accept();
        accepted.configureBlocking(false);
        open.add(peer);
        open.add(accepted);
        return new SocketChannel[] {accepted, peer};
    }

    /** Records what a poll dispatched, as "name:ops". */
    private static final class Seen implements Poller.Dispatcher {
        final List<String> events = new ArrayList<>();

        @Override
        public void dispatch(Poller.Selectable target, int readyOps) {
            try {
                target.ready(readyOps);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        Poller.Selectable named(String name) {
            return ops -> events.add(name + ":" + ops);
        }
    }

    @Test
    void thePropertyChoosesTheJdkSelectorAndEpollIsTheDefaultWhereAvailable() throws IOException {
        try (Poller jdk = withProperty("jdk"); Poller byDefault = withProperty(null)) {
            assertThat(jdk).isInstanceOf(Poller.JdkPoller.class);
            assertThat(byDefault).isInstanceOf(EpollPoller.AVAILABLE ? EpollPoller.class : Poller.JdkPoller.class);
        }
    }

    private static Poller withProperty(String value) throws IOException {
        String before = System.getProperty("gannet.nio.poller");
        try {
            if (value == null) System.clearProperty("gannet.nio.poller");
            else System.setProperty("gannet.nio.poller", value);
            return Poller.open();
        } finally {
            if (before == null) System.clearProperty("gannet.nio.poller");
            else System.setProperty("gannet.nio.poller", before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "jdk"})
    void reportsReadinessLevelTriggeredAndFollowsInterest(String kind) throws IOException {
        Poller p = poller(kind);
        Seen seen = new Seen();
        SocketChannel[] s = pair();
        Poller.Key key = p.register(s[0], Poller.READ, seen.named("a"));
        assertEquals(0, p.poll(0, seen), "nothing to read yet");

        s[1].write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertEquals(1, p.poll(5_000, seen));
        // Not read: still ready on the next wait (level-triggered).
        assertEquals(1, p.poll(5_000, seen));
        assertEquals(List.of("a:" + Poller.READ, "a:" + Poller.READ), seen.events);

        key.interestOps(Poller.READ | Poller.WRITE);
        p.poll(5_000, seen);
        assertEquals("a:" + (Poller.READ | Poller.WRITE), seen.events.getLast());

        key.interestOps(Poller.WRITE);
        p.poll(5_000, seen);
        assertEquals("a:" + Poller.WRITE, seen.events.getLast());
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "jdk"})
    void aRegistrationWaitingForNothingIsNotReportedEvenWhenThePeerHasGone(String kind) throws IOException {
        Poller p = poller(kind);
        Seen seen = new Seen();
        SocketChannel[] s = pair();
        Poller.Key key = p.register(s[0], Poller.READ, seen.named("a"));
        s[1].setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
        s[1].close();  // a reset: error and hang-up on s[0]
        assertEquals(1, p.poll(5_000, seen));
        key.interestOps(0);
        // Error and hang-up are level-triggered too; a registration paused by its owner must not turn each wait
        // into a busy return.
        assertEquals(0, p.poll(50, seen));
        assertEquals(0, p.poll(0, seen));
        key.interestOps(Poller.READ);
        assertEquals(1, p.poll(5_000, seen));
    }

    @ParameterizedTest
    @ValueSource(strings = {"epoll", "jdk"})
    void wakeupFromAnotherThreadEndsAWaitWithoutLimit(String kind) throws Exception {
        Poller p = poller(kind);
        Seen seen = new Seen();
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return p.poll(-1, seen);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(50);
        p.wakeup();
        assertEquals(0, waiting.get(10, TimeUnit.SECONDS));
        // A wakeup before the wait makes the next wait return at once, once.
        p.wakeup();
        assertEquals(0, p.poll(-1, seen));
    }

    @Test
    void anEventForARegistrationCancelledEarlierInTheSameBatchIsDropped() throws IOException {
        Poller p = poller("epoll");
        Seen seen = new Seen();
        SocketChannel[] a = pair();
        SocketChannel[] b = pair();
        SocketChannel[] c = pair();
        Poller.Key[] keys = new Poller.Key[2];
        // Whichever of a and b is dispatched first cancels the other and registers c, which takes the freed
        // slot: the other's event in the same batch must reach neither the old target nor c.
        class CancelsTheOther implements Poller.Selectable {
            final SocketChannel own;
            final int other;

            CancelsTheOther(SocketChannel own, int other) {
                this.own = own;
                this.other = other;
            }

            @Override
            public void ready(int ops) throws IOException {
                own.read(ByteBuffer.allocate(8));  // consumed, so not reported again
                seen.events.add("first");
                keys[other].cancel();
                p.register(c[0], Poller.READ, seen.named("c"));
            }
        }
        keys[0] = p.register(a[0], Poller.READ, new CancelsTheOther(a[0], 1));
        keys[1] = p.register(b[0], Poller.READ, new CancelsTheOther(b[0], 0));
        a[1].write(ByteBuffer.wrap(new byte[] {1}));
        b[1].write(ByteBuffer.wrap(new byte[] {1}));
        c[1].write(ByteBuffer.wrap(new byte[] {1}));
        // Both a and b ready before the wait, so they arrive in one batch.
        waitUntilReadable(a[0]);
        waitUntilReadable(b[0]);
        assertEquals(1, p.poll(5_000, seen));
        assertEquals(List.of("first"), seen.events);
        // c was registered after the wait began: it is reported on the next one.
        assertEquals(1, p.poll(5_000, seen));
        assertEquals(List.of("first", "c:" + Poller.READ), seen.events);
    }

    @Test
    void closeChannelsClosesWhatIsStillRegisteredAndAWakeupAfterCloseIsHarmless() throws IOException {
        Poller p = poller("epoll");
        SocketChannel[] s = pair();
        p.register(s[0], Poller.READ, ops -> { });
        p.closeChannels();
        assertTrue(!s[0].isOpen());
        p.close();
        p.wakeup();
        p.close();
    }

    private static void waitUntilReadable(SocketChannel ch) throws IOException {
        try (java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
            SocketChannel dup = ch;
            var k = dup.register(sel, java.nio.channels.SelectionKey.OP_READ);
            assertTrue(sel.select(5_000) == 1, "data did not arrive");
            k.cancel();
            sel.selectNow();
        }
    }
}
