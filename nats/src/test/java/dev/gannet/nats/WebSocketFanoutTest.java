package dev.gannet.nats;

import dev.gannet.http.HttpConfig;
import dev.gannet.http.HttpServer;
import dev.gannet.http.ws.WebSocket;
import dev.gannet.http.ws.WebSocketHandler;
import dev.gannet.transport.Server;
import dev.gannet.transport.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.gannet.nats.NatsServerProcess.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gannet HTTP servers in one JVM fanned out over real nats-servers, with JDK WebSocket clients: two nodes on one
 * server, three nodes on a three-server cluster, and a nats-server restart in the middle of the traffic.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebSocketFanoutTest {
    /** A chat node: /chat/{room} subscribes the socket to the room, and a text message goes to the whole room. */
    static HttpServer chat() {
        HttpServer app = HttpServer.create(HttpConfig.builder()
                .server(ServerConfig.builder().host("127.0.0.1", 0).engine("nio").threads(2).build()).build());
        app.ws("/chat/{room}", new WebSocketHandler() {
            @Override
            public void onOpen(WebSocket ws) {
                app.topics().topic(ws.pathParam("room")).subscribe(ws);
            }

            @Override
            public void onText(WebSocket ws, String text) {
                app.topics().topic(ws.pathParam("room")).publish(text);
            }
        });
        return app;
    }

    /** A client that keeps the text messages it receives. */
    static final class Client implements java.net.http.WebSocket.Listener {
        final List<String> got = new CopyOnWriteArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        java.net.http.WebSocket ws;

        static Client connect(HttpClient http, int port, String room) throws Exception {
            Client c = new Client();
            c.ws = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/chat/" + room), c).get(5, TimeUnit.SECONDS);
            return c;
        }

        @Override
        public CompletionStage<?> onText(java.net.http.WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                got.add(partial.toString());
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        void send(String text) throws Exception {
            ws.sendText(text, true).get(5, TimeUnit.SECONDS);
        }

        void await(int n) throws InterruptedException {
            NatsServerProcess.await(Duration.ofSeconds(10), () -> got.size() >= n, () -> n + " messages, got " + got);
        }
    }

    @Test
    void aMessageSentOnOneServerReachesTheRoomOnBothOnce() throws Exception {
        List<Server> servers = new ArrayList<>();
        List<Client> clients = new ArrayList<>();
        try (NatsServerProcess nats = NatsServerProcess.start(); Nodes nodes = new Nodes()) {
            HttpServer appA = chat();
            HttpServer appB = chat();
            NatsFanout fanA = nodes.track(new NatsFanout(NatsFanoutConfig.builder().servers(nats.url()).nodeId("A").build()));
            NatsFanout fanB = nodes.track(new NatsFanout(NatsFanoutConfig.builder().servers(nats.url()).nodeId("B").build()));
            appA.topics().fanout(fanA);
            appB.topics().fanout(fanB);
            Server a = appA.start();
            servers.add(a);
            Server b = appB.start();
            servers.add(b);

            HttpClient http = HttpClient.newHttpClient();
            Client a1 = Client.connect(http, a.port(), "lobby");
            Client a2 = Client.connect(http, a.port(), "lobby");
            Client b1 = Client.connect(http, b.port(), "lobby");
            Client elsewhere = Client.connect(http, b.port(), "other");
            clients.addAll(List.of(a1, a2, b1, elsewhere));
            // Subscribing happens on the server's loop after the handshake: wait until both nodes hold the room.
            await(Duration.ofSeconds(10), () -> appA.topics().topic("lobby").localSubscribers() == 2
                    && appB.topics().topic("lobby").localSubscribers() == 1, () -> "the room's subscribers");
            Nodes.flush(fanA, fanB);
            assertThat(nats.subjectsOf("gannet-A")).containsExactly("gannet.topic.lobby");
            assertThat(nats.subjectsOf("gannet-B")).containsExactlyInAnyOrder("gannet.topic.lobby", "gannet.topic.other");

            a1.send("hello from A");
            b1.await(1);
            a1.await(1);
            a2.await(1);
            b1.send("hello from B");
            for (Client c : List.of(a1, a2, b1)) c.await(2);
            Nodes.flush(fanA, fanB);
            Thread.sleep(200); // a duplicate would arrive by now
            for (Client c : List.of(a1, a2, b1)) {
                assertThat(c.got).containsExactlyInAnyOrder("hello from A", "hello from B");
            }
            assertThat(elsewhere.got).isEmpty();
            assertThat(fanA.stats().received()).isEqualTo(1);
            assertThat(fanB.stats().received()).isEqualTo(1);
        } finally {
            for (Client c : clients) c.ws.abort();
            for (Server s : servers) s.shutdownGracefully(Duration.ofSeconds(1)).join();
        }
    }

    /** Starts a chat node fanned out through {@code url}. */
    private static Server node(Nodes nodes, List<Server> servers, HttpServer app, String id, String url) throws Exception {
        app.topics().fanout(nodes.track(new NatsFanout(NatsFanoutConfig.builder().servers(url).nodeId(id)
                .reconnectWait(Duration.ofMillis(100)).build())));
        Server s = app.start();
        servers.add(s);
        return s;
    }

    @Test
    void threeNodesOnAThreeServerClusterEachHearEveryMessageOnce() throws Exception {
        List<Server> servers = new ArrayList<>();
        List<Client> clients = new ArrayList<>();
        List<NatsServerProcess> cluster = NatsServerProcess.cluster(3);
        try (Nodes nodes = new Nodes()) {
            HttpClient http = HttpClient.newHttpClient();
            List<HttpServer> apps = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                HttpServer app = chat();
                apps.add(app);
                Server s = node(nodes, servers, app, "N" + i, cluster.get(i).url());
                clients.add(Client.connect(http, s.port(), "lobby"));
            }
            await(Duration.ofSeconds(10), () -> apps.stream().allMatch(a -> a.topics().topic("lobby").localSubscribers() == 1),
                    () -> "each node to hold the room");
            // Interest must have crossed the routes before the first publish, or the cluster drops it (no subscriber).
            for (NatsServerProcess s : cluster) {
                await(Duration.ofSeconds(10), () -> s.json("/routez?subs=1").toString().split("gannet.topic.lobby", -1).length - 1 >= 2,
                        () -> "routes of " + s.url() + " to carry the room");
            }
            List<String> expected = new ArrayList<>();
            for (int m = 0; m < 30; m++) {
                for (int i = 0; i < 3; i++) {
                    clients.get(i).send("n" + i + "-" + m);
                    expected.add("n" + i + "-" + m);
                }
            }
            for (Client c : clients) c.await(expected.size());
            Thread.sleep(200); // a duplicate would arrive by now
            for (Client c : clients) assertThat(c.got).containsExactlyInAnyOrderElementsOf(expected);
        } finally {
            for (Client c : clients) c.ws.abort();
            for (Server s : servers) s.shutdownGracefully(Duration.ofSeconds(1)).join();
            cluster.forEach(NatsServerProcess::close);
        }
    }

    @Test
    void aNatsServerRestartMidTrafficAndTheRoomCarriesOn() throws Exception {
        List<Server> servers = new ArrayList<>();
        List<Client> clients = new ArrayList<>();
        try (NatsServerProcess nats = NatsServerProcess.start(); Nodes nodes = new Nodes()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpServer appA = chat();
            HttpServer appB = chat();
            Client a = Client.connect(http, node(nodes, servers, appA, "A", nats.url()).port(), "lobby");
            Client b = Client.connect(http, node(nodes, servers, appB, "B", nats.url()).port(), "lobby");
            clients.addAll(List.of(a, b));
            await(Duration.ofSeconds(10), () -> appA.topics().topic("lobby").localSubscribers() == 1
                    && appB.topics().topic("lobby").localSubscribers() == 1, () -> "both nodes to hold the room");
            Thread.sleep(200);
            for (int m = 0; m < 20; m++) a.send("before-" + m);
            b.await(20);
            nats.kill();
            // Sent while NATS is down: the local room still gets them at once; the other node may or may not (the
            // reconnect buffer holds them, and the client counts what it loses), but never twice.
            for (int m = 0; m < 5; m++) a.send("during-" + m);
            a.await(25);
            nats.launch();
            await(Duration.ofSeconds(15), () -> appA.topics().topic("lobby").localSubscribers() == 1 && nodes.allConnected(),
                    () -> "both nodes to reconnect");
            Thread.sleep(500); // resubscriptions travel after the reconnect
            for (int m = 0; m < 20; m++) a.send("after-" + m);
            await(Duration.ofSeconds(10), () -> b.got.stream().filter(g -> g.startsWith("after-")).count() == 20,
                    () -> "B to hear the messages sent after the restart: " + b.got);
            assertThat(b.got.stream().distinct().count()).as("no duplicates").isEqualTo(b.got.size());
            assertThat(b.got.subList(0, 20)).containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(m -> "before-" + m).toList());
        } finally {
            for (Client c : clients) c.ws.abort();
            for (Server s : servers) s.shutdownGracefully(Duration.ofSeconds(1)).join();
        }
    }
}
