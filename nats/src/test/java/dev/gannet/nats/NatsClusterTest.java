package dev.gannet.nats;

import dev.gannet.nats.Nodes.Msg;
import dev.gannet.nats.Nodes.Recorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static dev.gannet.nats.NatsServerProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Three nodes, each on a different server of a three-server NATS cluster. */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class NatsClusterTest {
    @Test
    void eachNodesMessagesReachTheOtherTwoExactlyOnce() throws Exception {
        List<NatsServerProcess> servers = NatsServerProcess.cluster(3);
        try (Nodes nodes = new Nodes()) {
            Recorder[] sinks = new Recorder[3];
            NatsFanout[] fan = new NatsFanout[3];
            for (int i = 0; i < 3; i++) {
                sinks[i] = new Recorder();
                // Only its own server, so that the message has to cross a route.
                fan[i] = nodes.start("N" + i, sinks[i], List.of(servers.get(i).url()), b -> b);
                fan[i].interest("room");
            }
            Nodes.flush(fan);
            // Interest crosses the routes asynchronously: wait until every server knows all three subscriptions.
            for (NatsServerProcess s : servers) {
                await(Duration.ofSeconds(10), () -> s.clusterSubscriptions("gannet.topic.room") == 3,
                        () -> "server " + s.port + " to see 3 subscriptions, has " + s.clusterSubscriptions("gannet.topic.room"));
            }
            int per = 100;
            for (int k = 0; k < per; k++) {
                for (int i = 0; i < 3; i++) fan[i].publish("room", ("N" + i + ":" + k).getBytes(StandardCharsets.UTF_8), false);
            }
            for (int i = 0; i < 3; i++) {
                List<Msg> got = sinks[i].await(2 * per, Duration.ofSeconds(10));
                for (int j = 0; j < 3; j++) {
                    String from = "N" + j + ":";
                    List<String> fromJ = got.stream().map(Msg::text).filter(t -> t.startsWith(from)).toList();
                    if (j == i) {
                        assertThat(fromJ).as("node %d gets none of its own", i).isEmpty();
                    } else {
                        // Exactly once and, from one publisher, in order.
                        assertThat(fromJ).as("node %d from node %d", i, j)
                                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, per).mapToObj(k -> from + k).toList());
                    }
                }
            }
            Nodes.flush(fan);
            Thread.sleep(100);
            for (int i = 0; i < 3; i++) {
                assertThat(sinks[i].got).hasSize(2 * per);
                assertThat(fan[i].stats().received()).isEqualTo(2 * per);
            }
        } finally {
            servers.forEach(NatsServerProcess::close);
        }
    }
}
