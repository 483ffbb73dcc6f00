package dev.gannet.server;

import dev.gannet.tls.SelfSignedCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code gannet serve} (the server main, in a JVM of its own) with each kind of mistake a user makes, and checks
 * what they see: one line on stderr saying what is wrong and what to do, exit code 2 for a wrong command line and 1
 * for what the machine refused, and no stack trace unless {@code --debug} asks for it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServeErrorsTest {
    @TempDir
    static Path dir;

    record Outcome(int exit, String stdout, String stderr) {
    }

    static Outcome gannet(List<String> args, String... env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Gannet.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("GANNET_DEBUG");
        for (int i = 0; i < env.length; i += 2) pb.environment().put(env[i], env[i + 1]);
        Process p = pb.start();
        p.getOutputStream().close();
        var err = p.getErrorStream();
        // Read stderr on another thread so that neither pipe can fill and stall the child.
        var errText = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(err.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("gannet " + args + " did not exit; stdout: " + out);
        }
        return new Outcome(p.exitValue(), out, errText.get(10, TimeUnit.SECONDS));
    }

    /** What every error must look like. */
    static void assertOneLine(Outcome o, int exit, String says) {
        assertThat(o.stderr()).as("stderr").endsWith("\n");
        assertThat(o.stderr().strip().lines()).as("stderr: one line").hasSize(1);
        assertThat(o.stderr()).as("stderr").startsWith("gannet: ").contains(says)
                .doesNotContain("at dev.gannet").doesNotContain("Exception").doesNotContain("Usage:");
        assertThat(o.exit()).as("exit code; stderr: " + o.stderr()).isEqualTo(exit);
        assertThat(o.stdout()).as("stdout").doesNotContain("server on");
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of(List.of("serve", "--engine", "bogus"), "--engine: unknown engine 'bogus'; choose auto, io_uring, nio, vthread"),
                Arguments.of(List.of("serve", "--port", "70000"), "--port: 70000 is out of range"),
                Arguments.of(List.of("serve", "--port", "-1"), "--port: -1 is out of range"),
                Arguments.of(List.of("serve", "--port", "http"), "'http' is not a port"),
                Arguments.of(List.of("serve", "--threads", "-1"), "--threads: -1 is negative; give 1 or more, or 0 for one per core"),
                Arguments.of(List.of("serve", "--shutdown-timeout", "5x"), "--shutdown-timeout: '5x' is not a duration"),
                Arguments.of(List.of("serve", "--mode", "ftp"), "unknown mode 'ftp'"),
                Arguments.of(List.of("serve", "--nats", "bad:/url"), "'bad:/url' is not a NATS URL"),
                Arguments.of(List.of("serve", "--tls-cert", "cert.pem"), "--tls-cert and --tls-key go together"),
                Arguments.of(List.of("serve", "--bogus"), "unknown option: '--bogus'; see ./gannet serve --help"),
                Arguments.of(List.of("bogus"), "unknown command 'bogus'; see ./gannet --help"),
                Arguments.of(List.of("serve", "extra"), "unexpected argument 'extra'; see ./gannet serve --help"));
    }

    @ParameterizedTest
    @MethodSource
    void usageErrors(List<String> args, String says) throws Exception {
        assertOneLine(gannet(args), 2, says);
    }

    static Stream<Arguments> runtimeErrors() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "this is not PEM\n");
        SelfSignedCertificate a = SelfSignedCertificate.generate("localhost");
        SelfSignedCertificate b = SelfSignedCertificate.generate("localhost");
        a.writePem(dir.resolve("a-cert.pem"), dir.resolve("a-key.pem"));
        b.writePem(dir.resolve("b-cert.pem"), dir.resolve("b-key.pem"));
        String cert = dir.resolve("a-cert.pem").toString();
        String otherKey = dir.resolve("b-key.pem").toString();
        String missing = dir.resolve("missing.pem").toString();
        List<String> local = List.of("serve", "--host", "127.0.0.1", "--port", "0", "--threads", "1");
        return Stream.of(
                Arguments.of(with(local, "--static", "/no/such/dir"), "--static /no/such/dir: no such directory"),
                Arguments.of(with(local, "--static", cert), "--static " + cert + ": not a directory"),
                Arguments.of(with(local, "--tls-cert", missing, "--tls-key", otherKey), "--tls-cert " + missing + ": no such file"),
                Arguments.of(with(local, "--tls-cert", cert, "--tls-key", missing), "--tls-key " + missing + ": no such file"),
                Arguments.of(with(local, "--tls-cert", notPem.toString(), "--tls-key", otherKey), "no \"-----BEGIN CERTIFICATE-----\" block found"),
                Arguments.of(with(local, "--tls-cert", cert, "--tls-key", notPem.toString()), "no private key found"),
                Arguments.of(with(local, "--tls-cert", cert, "--tls-key", otherKey), "the private key does not belong to the first certificate"),
                Arguments.of(List.of("serve", "--host", "no.such.host.invalid", "--port", "0"),
                        "cannot resolve the host 'no.such.host.invalid'"),
                Arguments.of(with(local, "--host", "192.0.2.1"), "192.0.2.1 is not an address of this machine"),
                Arguments.of(with(local, "--nats", "nats://127.0.0.1:1"),
                        "cannot connect to NATS at nats://127.0.0.1:1; start a NATS server there or fix --nats"));
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        for (int i = 0; i < more.length; i += 2) {
            int at = all.indexOf(more[i]);
            if (at >= 0) all.set(at + 1, more[i + 1]);
            else all.addAll(List.of(more[i], more[i + 1]));
        }
        return all;
    }

    @ParameterizedTest
    @MethodSource
    void runtimeErrors(List<String> args, String says) throws Exception {
        assertOneLine(gannet(args), 1, says);
    }

    @Test
    void aPortInUseIsNamed() throws Exception {
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = holder.getLocalPort();
            Outcome o = gannet(List.of("serve", "--host", "127.0.0.1", "--port", Integer.toString(port), "--threads", "1"));
            assertOneLine(o, 1, "gannet: port " + port + " is in use; stop what holds it or choose another with --port");
        }
    }

    /** A bad value from the environment names the variable, since no flag was given. */
    @Test
    void aBadValueFromTheEnvironmentNamesTheVariable() throws Exception {
        assertOneLine(gannet(List.of("serve"), "PORT", "99999"), 2,
                "--port: 99999 is out of range; give 1 to 65535 (0 for any free port) (from the environment variable PORT)");
        assertOneLine(gannet(List.of("serve", "--engine", "nio"), "GANNET_ENGINE", "bogus", "GANNET_SHUTDOWN_TIMEOUT", "1h"), 2,
                "--shutdown-timeout: '1h' is not a duration; give a whole number with ms, s or m, e.g. 500ms, 30s or 2m "
                        + "(from the environment variable GANNET_SHUTDOWN_TIMEOUT)");
    }

    @Test
    void debugShowsTheStackTrace() throws Exception {
        Outcome o = gannet(List.of("serve", "--debug", "--port", "0", "--static", "/no/such/dir"));
        assertThat(o.exit()).isEqualTo(1);
        assertThat(o.stderr()).startsWith("gannet: --static /no/such/dir: no such directory")
                .contains("at dev.gannet.server.ServeCommand");
    }

    /** The launcher's own mistakes: an unknown command is one line too (no JDK or build needed for it). */
    @Test
    void theLauncherAnswersAnUnknownCommandInOneLine() throws Exception {
        Path launcher = Path.of("..", "gannet").toAbsolutePath().normalize();
        assertThat(launcher).exists();
        Process p = new ProcessBuilder(launcher.toString(), "bogus").start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).isEmpty();
        assertThat(err.strip().lines()).hasSize(1);
        assertThat(err).startsWith("gannet: unknown command 'bogus'; see ./gannet --help");
    }
}
