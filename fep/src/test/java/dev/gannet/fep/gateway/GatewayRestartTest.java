package dev.gannet.fep.gateway;

import dev.gannet.fep.sim.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.gannet.fep.gateway.TestMember.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway is killed (SIGKILL) in the middle of a stream of orders and started again on the same journal: its
 * sequence numbers resume, the member and the exchange replay what the other side missed, and every order the
 * member sent reaches the exchange exactly once, with an ack back for each.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayRestartTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Process gateway;

    @AfterEach
    void close() throws Exception {
        if (gateway != null) gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    private Process startGateway(Path config) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.gannet.fep.FepMain", "gateway", "--config", config.toString())
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("fep gateway listening")) {
            System.out.println("[gateway] " + line);
        }
        assertThat(line).as("the gateway's listening line").isNotNull();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) System.out.println("[gateway] " + l);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        return p;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aKilledGatewayResumesFromItsJournalAndLosesNothing() throws Exception {
        Exchange exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).build());
        closing.add(exchange);
        exchange.recordOrders(true);
        int port = freePort();
        Path config = dir.resolve("gateway.properties");
        Files.writeString(config, String.join("\n",
                "listen = 127.0.0.1:" + port,
                "journal.dir = journal",
                "member.FIRM1.session = 1",
                "member.FIRM1.credential = pw1",
                "upstream.exchange.address = 127.0.0.1:" + exchange.port(),
                "upstream.exchange.destination = 1",
                "upstream.exchange.types = NewOrder",
                "upstream.exchange.member = GATEWAY",
                "upstream.exchange.credential = secret",
                "upstream.exchange.session = 1001", ""));
        gateway = startGateway(config);
        TestMember member = new TestMember(new InetSocketAddress("127.0.0.1", port), "FIRM1", "pw1", 1);
        closing.add(member);

        int n = 4000;
        Thread sender = Thread.ofPlatform().start(() -> {
            for (long id = 1; id <= n; id++) {
                member.order(id, 1);
                if (id % 200 == 0) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
        await(() -> exchange.ordersReceived() > n / 4, "a quarter of the orders upstream");
        gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no flush
        gateway = startGateway(config);
        sender.join();
        try {
            await(() -> member.acked(1, n), "an ack for every order");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + member.unacked(1, n) + "; exchange got "
                    + exchange.ordersReceived() + " orders, " + exchange.counters(), e);
        }
        Map<Long, Integer> got = exchange.recordedOrders();
        for (long id = 1; id <= n; id++) {
            assertThat(got.get(GatewayTest.TAG1 | id)).as("order " + id + " reached the exchange once").isEqualTo(1);
        }
        assertThat(got).hasSize(n);
        assertThat(member.counters.logons.sum()).as("the member logged on again").isGreaterThanOrEqualTo(2);
    }
}
