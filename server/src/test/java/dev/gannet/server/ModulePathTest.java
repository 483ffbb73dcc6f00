package dev.gannet.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.ToolProvider;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gannet as JPMS modules: an application module that requires only {@code dev.gannet.http} compiles against the
 * library's module descriptors and serves, with the io_uring engine found through the {@code Engine} service, and
 * with the flags the README gives module users (native access for the two modules that call libc, the
 * {@code sun.nio.ch} export for the core). Internals that are not exported must not be reachable from it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModulePathTest {
    /** The library modules and what they require, taken from the test's own class path. */
    private static final Pattern MODULE_JAR = Pattern.compile(
            ".*(/(core|uring|http)/target/|gannet-(core|uring|http)-|jackson-|dsl-json-|HdrHistogram-).*");

    private static String modulePath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> MODULE_JAR.matcher(e).matches() && !e.contains("test-classes") && !e.endsWith("-tests.jar"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static int compile(Path src, Path out, String modulePath, ByteArrayOutputStream err) {
        List<String> args = new ArrayList<>(List.of("--module-path", modulePath, "-d", out.toString()));
        args.add(src.resolve("module-info.java").toString());
        args.add(src.resolve("app/Main.java").toString());
        return ToolProvider.getSystemJavaCompiler().run(null, null, err, args.toArray(String[]::new));
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void anApplicationModuleServesOverTheModulePath(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src"), out = dir.resolve("out");
        // JSON reads and writes records by reflection (DSL-JSON, and Jackson for what DSL-JSON does not handle): the README
        // tells module users to open the packages of their JSON types to it.
        write(src.resolve("module-info.java"),
                "module app { requires dev.gannet.http; opens app to dsl.json, tools.jackson.databind; }\n");
        write(src.resolve("app/Main.java"), """
                package app;
                import dev.gannet.http.HttpConfig;
                import dev.gannet.http.HttpServer;
                import dev.gannet.transport.Server;
                import dev.gannet.transport.ServerConfig;
                public class Main {
                    public record Greeting(String message, int count) {}
                    public static void main(String[] args) throws Exception {
                        Server server = HttpServer.create(HttpConfig.builder()
                                        .server(ServerConfig.builder().host("127.0.0.1", 0).build()).build())
                                .get("/hello/{name}", (req, res) -> res.text("hello " + req.pathParam("name")))
                                .get("/json", (req, res) -> res.json(new Greeting("hi", 2)))
                                .start();
                        System.out.println("listening " + server.localAddress().getPort() + " " + server.engine());
                        server.terminationFuture().join();
                    }
                }
                """);
        String modulePath = modulePath();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(compile(src, out, modulePath, err)).as("javac: %s", err).isZero();

        List<String> cmd = List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--module-path", out + File.pathSeparator + modulePath,
                "--add-modules", "dev.gannet.uring",
                "--enable-native-access=dev.gannet.core,dev.gannet.uring",
                "--add-exports", "java.base/sun.nio.ch=dev.gannet.core,dev.gannet.uring",
                "-m", "app/app.Main");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            List<String> seen = new ArrayList<>();
            Matcher m = null;
            for (String line; (line = lines.readLine()) != null; ) {
                seen.add(line);
                m = Pattern.compile("^listening (\\d+) (\\S+)").matcher(line);
                if (m.find()) break;
                m = null;
            }
            assertThat(m).as("the app's output: %s", seen).isNotNull();
            String engine = m.group(2);
            assertThat(engine).as("auto picks an engine found on the module path").isIn("io_uring", "nio");
            if (dev.gannet.uring.Uring.unavailableReason() == null) assertThat(engine).isEqualTo("io_uring");
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/hello/modules")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello modules");
            HttpResponse<String> json = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.group(1) + "/json")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json.body()).as("a record of the app's own package serializes").isEqualTo("{\"message\":\"hi\",\"count\":2}");
            assertThat(seen).as("no restricted-method warning with the documented flags")
                    .noneMatch(l -> l.contains("restricted method") || l.contains("WARNING"));
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void engineInternalsAreNotExported(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src"), out = dir.resolve("out");
        write(src.resolve("module-info.java"), "module app { requires dev.gannet.http; }\n");
        write(src.resolve("app/Main.java"), """
                package app;
                public class Main {
                    dev.gannet.engine.internal.LoopTimer timer;
                }
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(compile(src, out, modulePath(), err)).isNotZero();
        assertThat(err.toString()).contains("is not visible");
    }
}
