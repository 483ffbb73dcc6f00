package dev.gannet.fep;

import dev.gannet.fep.sim.Exchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gannet fep ...} run as a user runs it: the real main in its own JVM, its exit code, stdout and stderr.
 * Help goes to stdout with exit 0; a usage error is one line on stderr with exit 2; a runtime error one line with
 * exit 1; never a stack trace.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FepCliTest {
    @TempDir
    Path dir;
    private final List<Process> started = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (Process p : started) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (AutoCloseable c : closing) c.close();
    }

    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    static ProcessBuilder fep(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // The launcher's flags (./gannet): without native access the JVM warns on stderr about FFM.
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.gannet.fep.FepMain"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    static Run run(String... args) throws Exception {
        Process p = fep(args).start();
        p.getOutputStream().close();
        var out = p.getInputStream().readAllBytes();
        var err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** One line on stderr, no stack trace, the given exit code. */
    static void oneLineError(Run r, int exit) {
        assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).as(r.toString()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void eachHelpPrintsHelpAndExitsZero() throws Exception {
        for (String cmd : List.of("gateway", "exchange", "load")) {
            for (String flag : List.of("--help", "-h")) {
                Run r = run(cmd, flag);
                assertThat(r.exit()).as(cmd + " " + flag + ": " + r).isZero();
                assertThat(r.out()).as(cmd + " " + flag).contains("usage: gannet fep " + cmd);
                assertThat(r.err()).as(cmd + " " + flag).isEmpty();
            }
        }
        Run top = run("--help");
        assertThat(top.exit()).isZero();
        assertThat(top.out()).contains("gannet fep gateway");
    }

    @Test
    void usageErrorsAreOneLineAndExitTwo() throws Exception {
        Run unknown = run("gateway", "--bogus");
        oneLineError(unknown, 2);
        assertThat(unknown.err()).contains("unknown option --bogus");
        assertThat(run("exchange", "--bogus").err()).contains("unknown option --bogus");
        assertThat(run("load", "--port", "1", "--bogus").err()).contains("unknown option --bogus");
        oneLineError(run("gateway"), 2);
        oneLineError(run("exchange", "--bogus", "1"), 2);
        Run notANumber = run("exchange", "--port", "x");
        oneLineError(notANumber, 2);
        assertThat(notANumber.err()).contains("--port");
        oneLineError(run("load", "--port", "x"), 2);
        oneLineError(run("load"), 2);
        oneLineError(run("nonsense"), 2);
        oneLineError(run("gateway", "--config", "x.properties", "--listen", "nowhere"), 2);
    }

    @Test
    void aMissingConfigFileIsOneLineNamingItOnce() throws Exception {
        Path missing = dir.resolve("no-such-gateway.properties");
        Run r = run("gateway", "--config", missing.toString());
        oneLineError(r, 2);
        assertThat(r.err().split(java.util.regex.Pattern.quote(missing.getFileName().toString()), -1))
                .as("the path, once: " + r.err()).hasSize(2);
    }

    @Test
    void aBadConfigFileIsOneLineNamingTheKey() throws Exception {
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "member.FIRM1.session = one\nmember.FIRM1.credential = pw\n");
        Run r = run("gateway", "--config", bad.toString());
        oneLineError(r, 2);
        assertThat(r.err()).contains("member.FIRM1.session").contains("bad.properties");
    }

    @Test
    void loadAgainstAClosedPortFailsAtOnceSayingConnectionRefused() throws Exception {
        int port = freePort();
        Run r = run("load", "--port", Integer.toString(port), "--duration", "1");
        oneLineError(r, 1);
        assertThat(r.err()).containsIgnoringCase("connection refused").contains("127.0.0.1:" + port);
        Run debug = run("load", "--port", Integer.toString(port), "--debug");
        assertThat(debug.exit()).isEqualTo(1);
        assertThat(debug.err()).as("--debug adds the stack trace").contains("\tat ");
    }

    @Test
    void exchangeOnAPortInUseIsOneLineNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Run r = run("exchange", "--host", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()));
            oneLineError(r, 1);
            assertThat(r.err()).contains(Integer.toString(taken.getLocalPort()));
        }
    }

    private Path config(int listen, int upstream) throws IOException {
        Path config = dir.resolve("gateway.properties");
        Files.writeString(config, String.join("\n",
                "listen = 127.0.0.1:" + listen,
                "journal.dir = journal",
                "member.FIRM1.session = 1",
                "member.FIRM1.credential = pw1",
                "upstream.exchange.address = 127.0.0.1:" + upstream,
                "upstream.exchange.destination = 1",
                "upstream.exchange.types = NewOrder",
                "upstream.exchange.member = GATEWAY",
                "upstream.exchange.credential = secret",
                "upstream.exchange.session = 1001", ""));
        return config;
    }

    @Test
    void gatewayOnAPortInUseIsOneLineNamingThePortAndTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Run r = run("gateway", "--config", config(taken.getLocalPort(), freePort()).toString());
            oneLineError(r, 1);
            assertThat(r.err()).contains(Integer.toString(taken.getLocalPort())).contains("--listen");
        }
    }

    @Test
    void anUnknownUpstreamNameIsAUsageError() throws Exception {
        Run r = run("gateway", "--config", config(freePort(), freePort()).toString(), "--upstream",
                "nosuch=127.0.0.1:1");
        oneLineError(r, 2);
        assertThat(r.err()).contains("nosuch").contains("exchange");
    }

    /**
     * A second gateway beside a first: the same configuration file, its listen and upstream addresses overridden on
     * the command line. Then SIGTERM: the member logged on gets Logout(SHUTTING_DOWN) before the end of the stream.
     */
    @Test
    void listenAndUpstreamOverridesThenSigtermLogsMembersOut() throws Exception {
        Exchange exchange = new Exchange(Exchange.Config.builder().host("127.0.0.1").port(0).build());
        closing.add(exchange);
        int listen = freePort();
        Path config = config(freePort(), freePort()); // neither address is the one used
        Process p = fep("gateway", "--config", config.toString(), "--listen", "127.0.0.1:" + listen,
                "--upstream", "exchange=127.0.0.1:" + exchange.port()).redirectErrorStream(true).start();
        started.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("fep gateway listening")) {
            System.out.println("[gateway] " + line);
        }
        assertThat(line).as("the listening line").isNotNull().contains(":" + listen);
        dev.gannet.fep.gateway.TestSupport.awaitTrue(() -> exchange.activeSessions() == 1, "the upstream logon");
        try (var member = dev.gannet.fep.gateway.TestSupport.rawMember(listen)) {
            dev.gannet.fep.gateway.TestSupport.logOn(member, "FIRM1", "pw1");
            p.destroy(); // SIGTERM
            dev.gannet.fep.gateway.TestSupport.expectLogout(member, dev.gannet.fep.wire.RejectReason.SHUTTING_DOWN);
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the gateway stopped on SIGTERM").isTrue();
    }
}
