package dev.gannet.nats;

import dev.gannet.nats.Nodes.Msg;
import dev.gannet.nats.Nodes.Recorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.gannet.nats.NatsServerProcess.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NatsFanout through the Fanout SPI, two or three nodes on one real nats-server. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NatsFanoutTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    NatsServerProcess server;
    Nodes nodes;

    @BeforeEach
    void start() throws Exception {
        server = NatsServerProcess.start();
        nodes = new Nodes();
    }

    @AfterEach
    void stop() {
        if (nodes != null) nodes.close();
        if (server != null) server.close();
    }

    @Test
    void aMessageReachesTheOtherNodeOnceInOrderAndNeverItsOrigin() throws Exception {
        Recorder sinkA = new Recorder();
        Recorder sinkB = new Recorder();
        // A lets the server echo its own messages, so that the origin check (not noEcho) is what keeps them out.
        NatsFanout a = nodes.start("A", sinkA, List.of(server.url()), b -> b.noEcho(false));
        NatsFanout b = nodes.start("B", sinkB, server.url());
        a.interest("room");
        b.interest("room");
        Nodes.flush(a, b);

        a.publish("room", "hello".getBytes(StandardCharsets.UTF_8), false);
        a.publish("room", new byte[] {0, 1, (byte) 0xFF}, true);
        assertThat(sinkB.await(2, WAIT)).containsExactly(Msg.text("room", "hello"), new Msg("room", "0001ff", true));

        int n = 10_000;
        List<Msg> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            a.publish("room", ("m" + i).getBytes(StandardCharsets.UTF_8), false);
            expected.add(Msg.text("room", "m" + i));
        }
        List<Msg> got = sinkB.await(2 + n, WAIT);
        assertThat(got.subList(2, got.size())).containsExactlyElementsOf(expected);

        // And back: B's message reaches A.
        b.publish("room", "from B".getBytes(StandardCharsets.UTF_8), false);
        assertThat(sinkA.await(1, WAIT)).containsExactly(Msg.text("room", "from B"));

        Nodes.flush(a, b);
        Thread.sleep(100); // anything still on its way would show up now
        assertThat(sinkA.got).hasSize(1);
        assertThat(sinkB.got).hasSize(2 + n);
        await(WAIT, () -> a.stats().droppedOwnOrigin() == 2 + n, () -> "A to drop its own " + (2 + n) + ": " + a.stats());
        NatsFanout.Stats sa = a.stats();
        NatsFanout.Stats sb = b.stats();
        assertThat(sa.published()).isEqualTo(2 + n);
        assertThat(sa.publishLost()).isZero();
        assertThat(sa.received()).isEqualTo(1);
        assertThat(sb.received()).isEqualTo(2 + n);
        assertThat(sb.droppedOwnOrigin()).isZero(); // noEcho: the server never sent B's own message back
        assertThat(sb.slowConsumerDrops()).isZero();
        assertThat(sb.malformed()).isZero();
        assertThat(sa.connected()).isTrue();
    }

    @Test
    void oneSubscriptionPerTopicWhileAnySubscriberIsLeft() throws Exception {
        NatsFanout a = nodes.start("A", new Recorder(), server.url());
        String subject = "gannet.topic.room";
        a.interest("room");
        a.interest("room");
        a.interest("room");
        a.noInterest("room");
        a.noInterest("room");
        Nodes.flush(a);
        assertThat(server.subjectsOf("gannet-A")).containsExactly(subject);
        assertThat(server.subscriptions(subject)).isEqualTo(1);
        assertThat(a.stats().subscriptions()).isEqualTo(1);

        a.noInterest("room");
        Nodes.flush(a);
        assertThat(server.subjectsOf("gannet-A")).isEmpty();
        assertThat(a.stats().subscriptions()).isZero();

        a.noInterest("room"); // one too many: ignored, and the count does not go negative
        a.interest("room");
        Nodes.flush(a);
        assertThat(server.subjectsOf("gannet-A")).containsExactly(subject);
        a.noInterest("room");
        Nodes.flush(a);
        assertThat(server.subjectsOf("gannet-A")).isEmpty();
    }

    @Test
    void manyThreadsJoiningAndLeavingLeaveExactlyTheRightSubscriptions() throws Exception {
        NatsFanout a = nodes.start("A", new Recorder(), server.url());
        int threads = 8;
        int rounds = 2_000;
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < rounds; i++) {
                    String topic = "t" + (i % 4);
                    a.interest(topic);
                    a.noInterest(topic);
                }
                a.interest("kept" + (id % 2)); // two topics keep subscribers
            }));
        }
        for (Thread t : ts) t.join();
        Nodes.flush(a);
        assertThat(server.subjectsOf("gannet-A")).containsExactlyInAnyOrder("gannet.topic.kept0", "gannet.topic.kept1");
        assertThat(a.stats().subscriptions()).isEqualTo(2);
    }

    @Test
    void aNodeWithoutInterestGetsNothing() throws Exception {
        Recorder sinkB = new Recorder();
        Recorder sinkC = new Recorder();
        NatsFanout a = nodes.start("A", new Recorder(), server.url());
        NatsFanout b = nodes.start("B", sinkB, server.url());
        NatsFanout c = nodes.start("C", sinkC, server.url());
        b.interest("other");
        b.interest("x");
        b.noInterest("x"); // B was in x, and left
        String odd = "a.b *>\u00e9"; // a name that is not a valid subject token as it is
        c.interest("x");
        c.interest(odd);
        Nodes.flush(a, b, c);

        a.publish("x", "for C".getBytes(StandardCharsets.UTF_8), false);
        a.publish(odd, "odd".getBytes(StandardCharsets.UTF_8), false);
        assertThat(sinkC.await(2, WAIT)).containsExactly(Msg.text("x", "for C"), Msg.text(odd, "odd"));
        Nodes.flush(a, b, c);
        Thread.sleep(100);
        assertThat(sinkB.got).isEmpty();
        assertThat(b.stats().received()).isZero();
    }

    @Test
    void subscriptionsSurviveAServerRestartAndTrafficResumes() throws Exception {
        Recorder sinkB = new Recorder();
        NatsFanout a = nodes.start("A", new Recorder(), server.url());
        NatsFanout b = nodes.start("B", sinkB, server.url());
        b.interest("room");
        Nodes.flush(a, b);

        // Traffic before, during and after the outage, each message unique.
        AtomicInteger seq = new AtomicInteger();
        for (int i = 0; i < 100; i++) a.publish("room", ("m" + seq.getAndIncrement()).getBytes(StandardCharsets.UTF_8), false);
        sinkB.await(100, WAIT);

        server.kill();
        await(WAIT, () -> !a.stats().connected() && !b.stats().connected(), () -> "both nodes to notice the outage");
        for (int i = 0; i < 100; i++) a.publish("room", ("m" + seq.getAndIncrement()).getBytes(StandardCharsets.UTF_8), false);
        b.interest("late"); // interest that arrives while disconnected is not forgotten either

        server.launch();
        await(WAIT, () -> a.stats().reconnects() >= 1 && b.stats().reconnects() >= 1
                && a.stats().connected() && b.stats().connected(), () -> "both nodes to reconnect: " + a.stats() + " / " + b.stats());
        Nodes.flush(a, b);
        // The server is new: B's subscriptions are there only because the client restored them.
        await(WAIT, () -> server.subjectsOf("gannet-B").containsAll(List.of("gannet.topic.room", "gannet.topic.late")),
                () -> "B's subscriptions back: " + server.subjectsOf("gannet-B"));

        int before = sinkB.got.size();
        List<Msg> after = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String m = "m" + seq.getAndIncrement();
            a.publish("room", m.getBytes(StandardCharsets.UTF_8), false);
            after.add(Msg.text("room", m));
        }
        a.publish("late", "late too".getBytes(StandardCharsets.UTF_8), false);
        List<Msg> got = sinkB.await(before + 101, WAIT);
        assertThat(got).containsAll(after).contains(Msg.text("late", "late too"));
        // At most once: whatever the outage did, nothing arrived twice.
        Set<Msg> distinct = new HashSet<>(got);
        assertThat(distinct).hasSize(got.size());
        assertThat(a.stats().disconnects()).isGreaterThanOrEqualTo(1);
        assertThat(b.stats().resubscribes()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void startFailsFastWhenNoServerAnswers() throws Exception {
        server.kill();
        NatsFanout f = new NatsFanout(NatsFanoutConfig.builder().servers(server.url()).connectionTimeout(Duration.ofMillis(500)).build());
        assertThatThrownBy(() -> f.start(new Recorder())).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("cannot connect to NATS");
        f.publish("room", new byte[1], false); // harmless before a connection: counted as lost
        assertThat(f.stats().publishLost()).isEqualTo(1);
        f.close();
    }

    @Test
    void publishesPastTheReconnectBufferAreCountedAsLost() throws Exception {
        NatsFanout a = nodes.start("A", new Recorder(), List.of(server.url()), b -> b.reconnectBufferBytes(4096));
        Nodes.flush(a);
        server.kill();
        await(WAIT, () -> !a.stats().connected(), () -> "A to notice the outage");
        byte[] payload = new byte[200];
        for (int i = 0; i < 100; i++) a.publish("room", payload, true); // ~22 KB into a 4 KB buffer
        NatsFanout.Stats s = a.stats();
        assertThat(s.published()).isEqualTo(100);
        assertThat(s.publishLost()).isBetween(75L, 99L); // about 4 KB worth were kept
    }

    @Test
    void aBlockedSinkIsCutOffByThePendingLimitsAndTheDropsAreCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger delivered = new AtomicInteger();
        NatsFanout a = nodes.start("A", new Recorder(), server.url());
        NatsFanout b = nodes.start("B", (topic, payload, binary) -> {
            delivered.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS); // a sink that blocks the dispatcher thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, List.of(server.url()), c -> c.maxPendingMessages(10).maxPendingBytes(64 * 1024));
        b.interest("room");
        Nodes.flush(a, b);

        int n = 2_000;
        byte[] payload = new byte[100];
        for (int i = 0; i < n; i++) a.publish("room", payload, true);
        Nodes.flush(a, b); // every message has reached B's client by now, kept or dropped
        await(WAIT, () -> b.stats().slowConsumerDrops() >= n - 20, () -> "B to drop what does not fit: " + b.stats());
        NatsFanout.Stats s = b.stats();
        assertThat(s.pendingMessages()).isLessThanOrEqualTo(10); // memory bounded by the limit, not by the traffic
        assertThat(s.slowConsumerEvents()).isGreaterThanOrEqualTo(1);

        release.countDown();
        await(WAIT, () -> b.stats().pendingMessages() == 0, () -> "B to work off what it kept");
        NatsFanout.Stats drained = b.stats();
        assertThat(drained.received() + drained.slowConsumerDrops()).isEqualTo(n);
        assertThat(delivered.get()).isLessThanOrEqualTo(12);
        // Once it keeps up again, messages flow.
        a.publish("room", payload, true);
        await(WAIT, () -> b.stats().received() == drained.received() + 1, () -> "B to take a new message: " + b.stats());
    }
}
