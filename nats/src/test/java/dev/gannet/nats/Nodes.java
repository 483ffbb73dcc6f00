package dev.gannet.nats;

import dev.gannet.http.ws.Fanout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/** Test nodes: NatsFanout instances with recording sinks, closed together. */
final class Nodes implements AutoCloseable {
    private final List<NatsFanout> all = new CopyOnWriteArrayList<>();

    /** A started node named {@code name} (its node id and connection name {@code gannet-<name>}). */
    NatsFanout start(String name, Fanout.Sink sink, List<String> servers, UnaryOperator<NatsFanoutConfig.Builder> tweak) {
        NatsFanout f = new NatsFanout(tweak.apply(NatsFanoutConfig.builder().servers(servers).nodeId(name)
                .reconnectWait(Duration.ofMillis(100)).connectionTimeout(Duration.ofSeconds(1))).build());
        all.add(f);
        f.start(sink);
        return f;
    }

    NatsFanout start(String name, Fanout.Sink sink, String server) {
        return start(name, sink, List.of(server), b -> b);
    }

    /** A node made elsewhere (not started here), closed with the others. */
    NatsFanout track(NatsFanout f) {
        all.add(f);
        return f;
    }

    /** Whether every node is connected to NATS (after a restart: reconnected). */
    boolean allConnected() {
        return all.stream().allMatch(f -> f.stats().connected());
    }

    static void flush(NatsFanout... nodes) throws Exception {
        for (NatsFanout n : nodes) n.flush(Duration.ofSeconds(5));
    }

    @Override
    public void close() {
        for (NatsFanout f : all) f.close();
    }

    /** One message as a sink got it. */
    record Msg(String topic, String text, boolean binary) {
        static Msg text(String topic, String text) {
            return new Msg(topic, text, false);
        }
    }

    /** Records what it is given. */
    static final class Recorder implements Fanout.Sink {
        final List<Msg> got = new CopyOnWriteArrayList<>();

        @Override
        public void deliver(String topic, byte[] payload, boolean binary) {
            got.add(new Msg(topic, binary ? java.util.HexFormat.of().formatHex(payload) : new String(payload, StandardCharsets.UTF_8), binary));
        }

        /** Waits until at least {@code n} messages came (or fails), and returns a copy of all so far. */
        List<Msg> await(int n, Duration timeout) throws InterruptedException {
            NatsServerProcess.await(timeout, () -> got.size() >= n, () -> n + " messages, got " + got.size());
            return new ArrayList<>(got);
        }
    }
}
