package dev.gannet.fep;

import dev.gannet.fep.gateway.Gateway;
import dev.gannet.fep.gateway.GatewayConfig;
import dev.gannet.fep.session.Session;
import dev.gannet.fep.sim.Exchange;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures docs/fep-protocol.md gives a client (section 12 and the sections it points to) and the simulator's
 * control commands (section 13) are the code's: a change to either side without the other fails here.
 */
class ProtocolDocFiguresTest {
    static String doc() throws Exception {
        for (Path p : List.of(Path.of("../docs/fep-protocol.md"), Path.of("docs/fep-protocol.md"))) {
            if (Files.isRegularFile(p)) return Files.readString(p);
        }
        throw new AssertionError("docs/fep-protocol.md not found");
    }

    private static String section(String doc, String title) {
        int from = doc.indexOf(title);
        assertThat(from).as(title).isNotNegative();
        int to = doc.indexOf("\n## ", from + title.length());
        return doc.substring(from, to < 0 ? doc.length() : to);
    }

    @Test
    void theGatewaysFiguresAreTheCodes() throws Exception {
        String figures = section(doc(), "## 12. The reference gateway's figures");
        assertThat(figures).contains("| " + Gateway.HEARTBEAT_MS + " ms, fixed |");
        assertThat(figures).contains("| " + Session.LOGON_TIMEOUT_MILLIS / 1000 + " s; Logout(HEARTBEAT_TIMEOUT");
        assertThat(figures).contains("| " + GatewayConfig.DEFAULT_LOGONS_PER_SECOND + " valid Logons a second");
        assertThat(figures).contains("| " + GatewayConfig.DEFAULT_THROTTLE_PER_SECOND + " application frames");
        assertThat(figures).contains("| " + GatewayConfig.DEFAULT_QUEUE_PER_UPSTREAM + " requests |");
        assertThat(figures).contains("| " + GatewayConfig.DEFAULT_QUEUE_TIMEOUT.toMillis() + " ms, then Reject");
        String sample = Files.readString(Files.isRegularFile(Path.of("gateway.properties"))
                ? Path.of("gateway.properties") : Path.of("fep/gateway.properties"));
        assertThat(sample).contains("limits.queueTimeoutMillis = " + GatewayConfig.DEFAULT_QUEUE_TIMEOUT.toMillis());
        assertThat(sample).contains("limits.logonsPerSecond = " + GatewayConfig.DEFAULT_LOGONS_PER_SECOND);
    }

    @Test
    void everySimulatorCommandIsDocumented() throws Exception {
        String sim = section(doc(), "## 13. The simulator");
        try (Exchange x = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).build())) {
            String help = x.command("help").get(5, TimeUnit.SECONDS);
            assertThat(help).startsWith("ok commands: ");
            for (String c : help.substring("ok commands: ".length()).split(" \\| ")) {
                String word = c.strip().split(" ")[0];
                assertThat(sim).as("command " + word).contains("| `" + word);
            }
        }
    }
}
