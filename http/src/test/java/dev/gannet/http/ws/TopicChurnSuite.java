package dev.gannet.http.ws;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import dev.gannet.transport.SocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A room's members come and go while it floods them: slow consumers are closed from inside a delivery, and their
 * close handler unsubscribes and closes other members right then; other threads unsubscribe, resubscribe and close
 * members at the same time. Every member that stays must get every message, in order, with nothing held back after
 * the last publish, and nothing may throw. On every engine (one loop, so that one group holds every member on the
 * engines with shared loops).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class TopicChurnSuite {
    static final int MESSAGES = 3000;
    static final String PAD = "p".repeat(2000);

    Server server;
    HttpServer app;
    int port;
    Topic room;
    final ConcurrentLinkedQueue<WebSocket> victims = new ConcurrentLinkedQueue<>();
    final CopyOnWriteArrayList<WebSocket> churners = new CopyOnWriteArrayList<>();
    final CopyOnWriteArrayList<WebSocket> spares = new CopyOnWriteArrayList<>();
    final AtomicInteger slowClosed = new AtomicInteger();
    final AtomicInteger opened = new AtomicInteger();
    final List<LogRecord> failures = new CopyOnWriteArrayList<>();
    final Handler logCapture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getThrown() != null && r.getLevel().intValue() >= Level.WARNING.intValue()) failures.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    abstract String engine();

    @BeforeEach
    void start() throws Exception {
        Logger.getLogger("").addHandler(logCapture);
        // A small send buffer, so that a client that does not read fills its queue within the flood.
        app = HttpServer.create(HttpConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1", 0).engine(engine()).threads(1)
                        .socket(SocketOptions.builder().sendBufferSize(64 * 1024).build())
                        .shutdownTimeout(Duration.ofSeconds(3)).build()).build());
        room = app.topics().topic("room");
        WebSocketConfig roomy = WebSocketConfig.builder().compression(false).maxQueuedBytes(256L * 1024 * 1024).build();
        WebSocketConfig tight = WebSocketConfig.builder().compression(false).maxQueuedBytes(8 * 1024).build();
        app.ws("/reader", roomy, joins(null))
                .ws("/victim", roomy, joins(victims))
                .ws("/churn", roomy, joins(churners))
                .ws("/spare", roomy, new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        spares.add(ws);
                        opened.incrementAndGet();
                    }
                })
                .ws("/slow", tight, new WebSocketHandler() {
                    @Override
                    public void onOpen(WebSocket ws) {
                        room.subscribe(ws);
                        opened.incrementAndGet();
                    }

                    @Override
                    public void onClose(WebSocket ws, int code, String reason) {
                        // Runs inside the room's delivery (the send that overflowed this socket's queue): take other
                        // members out, and bring one in, right here.
                        if (code == CloseCodes.POLICY_VIOLATION) slowClosed.incrementAndGet();
                        // A publish from inside the delivery, as a chat's "left" line.
                        room.publish("left " + ws.id());
                        WebSocket v = victims.poll();
                        if (v != null) room.unsubscribe(v);
                        WebSocket w = victims.poll();
                        if (w != null) w.close(4001, "closed during a delivery");
                        if (!spares.isEmpty()) room.subscribe(spares.removeFirst());
                    }
                });
        server = app.start();
        port = server.port();
    }

    private WebSocketHandler joins(java.util.Collection<WebSocket> into) {
        return new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                room.subscribe(ws);
                if (into != null) into.add(ws);
                opened.incrementAndGet();
            }
        };
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(logCapture);
        server.shutdownGracefully(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
    }

    @Test
    void membersLeavingDuringADeliveryNeitherThrowNorStallTheRoom() throws Exception {
        List<RawWs> clients = new ArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool();
        try {
            // The slow ones first: on a shared loop they sit low in the group's array, below readers that must not
            // be skipped when one of them leaves mid-delivery.
            for (int i = 0; i < 4; i++) {
                RawWs slow = RawWs.open(port, "/slow", "");
                slow.socket.setReceiveBufferSize(4096);
                clients.add(slow);
            }
            List<RawWs> readers = new ArrayList<>();
            for (int i = 0; i < 3; i++) readers.add(RawWs.open(port, "/reader", ""));
            List<RawWs> discarders = new ArrayList<>();
            for (int i = 0; i < 8; i++) discarders.add(RawWs.open(port, "/victim", ""));
            for (int i = 0; i < 6; i++) discarders.add(RawWs.open(port, "/churn", ""));
            for (int i = 0; i < 4; i++) discarders.add(RawWs.open(port, "/spare", ""));
            clients.addAll(readers);
            clients.addAll(discarders);
            await(() -> opened.get() == 25 && room.localSubscribers() == 21, "every member joined");

            List<List<String>> heard = new ArrayList<>();
            for (RawWs r : readers) {
                List<String> got = new CopyOnWriteArrayList<>();
                heard.add(got);
                pool.submit(() -> readAll(r, got));
            }
            for (RawWs d : discarders) pool.submit(() -> discard(d));

            AtomicBoolean flooding = new AtomicBoolean(true);
            CountDownLatch churnDone = new CountDownLatch(1);
            pool.submit(() -> {
                // Another thread takes members out and puts them back (and finally closes some) during the flood.
                try {
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (flooding.get()) {
                        WebSocket c = churners.get(rnd.nextInt(churners.size()));
                        if (rnd.nextBoolean()) room.unsubscribe(c);
                        else room.subscribe(c);
                        Thread.onSpinWait();
                    }
                    churners.get(0).close(4002, "closed by another thread");
                    churners.get(1).close(4002, "closed by another thread");
                } finally {
                    churnDone.countDown();
                }
                return null;
            });
            for (int i = 0; i < MESSAGES; i++) room.publish("m" + i + " " + PAD);
            flooding.set(false);
            assertThat(churnDone.await(10, TimeUnit.SECONDS)).isTrue();

            // No publish after the last: everything must arrive all the same, the flood and a "left" line for
            // each slow member, each reader's flood in order.
            await(() -> slowClosed.get() > 0, "slow members closed during the flood");
            for (List<String> got : heard) {
                await(() -> got.stream().filter(m -> m.startsWith("m")).count() == MESSAGES
                        && got.stream().filter(m -> m.startsWith("left")).count() == slowClosed.get(), "every message");
                List<String> flood = got.stream().filter(m -> m.startsWith("m")).toList();
                for (int i = 0; i < MESSAGES; i++) assertThat(flood.get(i)).as("message %d", i).isEqualTo("m" + i);
            }
            assertThat(slowClosed.get()).as("slow members closed during the flood").isGreaterThan(0);
            assertThat(failures).as("nothing thrown on any loop").extracting(TopicChurnSuite::describe).isEmpty();
        } finally {
            for (RawWs c : clients) c.close();
            pool.shutdownNow();
        }
        // Every member gone: the room keeps no per-loop group for sockets that have left.
        await(() -> room.localSubscribers() == 0, "every member left");
        await(() -> room.loopGroups() == 0, "no empty groups kept");
        assertThat(failures).extracting(TopicChurnSuite::describe).isEmpty();
    }

    private static String describe(LogRecord r) {
        return r.getMessage() + ": " + r.getThrown();
    }

    /** A reader's messages until its socket closes: the first word of each. */
    private static Void readAll(RawWs r, List<String> into) throws IOException {
        r.socket.setSoTimeout(0);
        try {
            while (true) {
                RawWs.Frame f = r.read();
                if (f.opcode() == 8) return null;
                String t = f.text();
                into.add(t.substring(0, t.indexOf(' ')));
            }
        } catch (IOException closedByTheTest) {
            return null;
        }
    }

    private static Void discard(RawWs d) throws IOException {
        try {
            while (d.in.read(new byte[8192]) >= 0) {
                // a member that reads everything and looks at nothing
            }
        } catch (IOException closedByTheTest) {
            // the test closed the socket
        }
        return null;
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
