package dev.gannet.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs {@code gannet serve} as a real process: it serves, honours flags and env, and stops on SIGTERM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    private static final Pattern LISTENING = Pattern.compile("server on .*:(\\d+)/? \\(engine (\\w+)");

    private static Process serve(List<String> args, String... env) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                Gannet.class.getName(), "serve"));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        for (int i = 0; i < env.length; i += 2) pb.environment().put(env[i], env[i + 1]);
        return pb.start();
    }

    private static Matcher awaitListening(BufferedReader out) throws Exception {
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) return m;
        }
        throw new AssertionError("server exited before listening");
    }

    @Test
    void servesEchoAndShutsDownGracefullyOnSigterm() throws Exception {
        Process p = serve(List.of("--host", "127.0.0.1", "--port", "0", "--threads", "1", "--mode", "echo"), "GANNET_ENGINE", "vthread");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            Matcher m = awaitListening(out);
            assertThat(m.group(2)).as("engine from GANNET_ENGINE").isEqualTo("vthread");
            int port = Integer.parseInt(m.group(1));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.UTF_8)).isEqualTo("ping");
            }
            // Process.destroy() would also close our end of its output, so signal it by hand.
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(out.readLine()).contains("shutting down gracefully");
            assertThat(p.exitValue()).isEqualTo(143); // 128 + SIGTERM, after the shutdown hook ran
        } finally {
            p.destroyForcibly();
        }
    }

    /** With the launcher's flags, auto is io_uring where this kernel has it; nio is asked for by name. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"auto", "nio"})
    void servesHttpRoutes(String engine) throws Exception {
        String expected = engine.equals("auto") && dev.gannet.uring.Uring.isAvailable() ? "io_uring" : "nio";
        Process p = serve(List.of("--host", "127.0.0.1", "--port", "0", "--threads", "1", "--engine", engine));
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            Matcher listening = awaitListening(out);
            assertThat(listening.group(2)).isEqualTo(expected);
            int port = Integer.parseInt(listening.group(1));
            var client = java.net.http.HttpClient.newHttpClient();
            java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
                try {
                    return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            var plain = get.apply("/plaintext");
            assertThat(plain.body()).isEqualTo("Hello, World!");
            assertThat(plain.headers().firstValue("content-type")).hasValue("text/plain");
            assertThat(get.apply("/json").body()).isEqualTo("{\"message\":\"Hello, World!\"}");
            assertThat(get.apply("/health").body()).contains("UP");
            assertThat(get.apply("/health/ready").statusCode()).isEqualTo(200);
            assertThat(get.apply("/stats").body()).contains("\"latencyMicros\"").contains("\"connections\"")
                    .contains("\"engine\":\"" + expected + "\"")
                    .contains("\"name\":\"gannet-" + (expected.equals("nio") ? "nio" : "uring") + "-0\"");
            String metrics = get.apply("/metrics").body();
            assertThat(metrics).contains("http_server_request_duration_seconds_bucket{http_request_method=\"GET\",http_route=\"/plaintext\",http_response_status_code=\"200\",le=\"0.005\"}")
                    .contains("http_server_active_requests");
            assertThat(get.apply("/").body()).contains("Gannet");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void rejectsUnknownEngineWithAClearMessage() throws Exception {
        Process p = serve(List.of("--port", "0", "--engine", "bogus"));
        String all = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(all).contains("unknown engine 'bogus'");
    }
}
