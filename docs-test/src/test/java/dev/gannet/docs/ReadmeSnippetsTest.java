package dev.gannet.docs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The README's Java examples, used as a reader would use them: {@code ./gannet install} puts the library into the
 * local Maven repository, a separate Maven project (its dependencies are the README's {@code <dependency>} block)
 * compiles every {@code java} block as it stands, and each program runs in its own JVM with the flags the README
 * gives, on a free port, until a real client has had its answer. Then a README example that does not compile, exits
 * at once, prints a JVM warning or does not answer fails the build.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class ReadmeSnippetsTest {

    /** What each example is asked, by its class name. A new example needs its probe here. */
    private static final Map<String, SnippetProbes.Probe> PROBES = Map.of(
            "Hello", SnippetProbes::hello,
            "Chat", SnippetProbes::chat,
            "Echo", SnippetProbes::echo,
            "Framed", SnippetProbes::framed);

    /** The first line of a printed exception ("Exception in thread", "java.io.IOException: ..."). */
    private static final Pattern THROWN = Pattern.compile("^(Exception in thread|\\S+(Exception|Error)(:|$))");

    private static Readme readme;
    private static Path project;
    private static String classPath;
    private static List<String> jvmFlags;
    private static final Map<String, String> SNIPPETS = new LinkedHashMap<>();

    @BeforeAll
    static void installAndCompile() throws Exception {
        readme = Readme.load();
        for (Readme.Block b : readme.blocks("java")) {
            String name = Readme.publicClass(b);
            if (name == null) fail("README line " + b.line() + ": a java block without a public class (make it a whole program)");
            if (SNIPPETS.put(name, b.body()) != null) fail("README: two java blocks declare class " + name);
        }
        assertThat(SNIPPETS).as("java blocks in the README").isNotEmpty();
        jvmFlags = jvmFlags(readme);

        // ./gannet install, exactly as the README says, with this JVM's JDK (a JDK 25: the build runs on it).
        Process install = Tools.run(readme.root(), List.of("./gannet", "install"), Tools.javaEnv());
        String out = Tools.output(install, 5, TimeUnit.MINUTES);
        assertThat(install.exitValue()).as("./gannet install failed:\n" + out).isZero();
        List<String> coordinates = Pattern.compile("dev\\.gannet:[\\w-]+:[\\w.-]+").matcher(out).results()
                .map(java.util.regex.MatchResult::group).toList();
        assertThat(coordinates).as("coordinates printed by ./gannet install").isNotEmpty();
        for (String c : coordinates) {
            assertThat(readme.text()).as("the README lists the installed artifact " + c).contains("`" + c + "`");
        }

        project = readme.root().resolve("docs-test/target/readme-project");
        Tools.deleteTree(project);
        Path sources = Files.createDirectories(project.resolve("src/main/java"));
        for (var e : SNIPPETS.entrySet()) Files.writeString(sources.resolve(e.getKey() + ".java"), e.getValue());
        Files.writeString(project.resolve("pom.xml"), pom(readme, version(coordinates)));
        Files.createDirectories(project.resolve("public"));
        Files.writeString(project.resolve("public/index.html"), "<h1>static file</h1>\n");

        Path cpFile = project.resolve("classpath.txt");
        Process mvn = Tools.run(readme.root(), List.of("./mvnw", "-B", "-ntp", "-q", "-f", project.resolve("pom.xml").toString(),
                "compile", "org.apache.maven.plugins:maven-dependency-plugin:" + Tools.pluginVersion(readme.root(), "maven-dependency-plugin")
                        + ":build-classpath", "-Dmdep.outputFile=" + cpFile), Tools.javaEnv());
        String mvnOut = Tools.output(mvn, 3, TimeUnit.MINUTES);
        assertThat(mvn.exitValue()).as("the README's examples do not compile against the installed artifacts:\n" + mvnOut).isZero();
        classPath = project.resolve("target/classes") + java.io.File.pathSeparator + Files.readString(cpFile).strip();
    }

    @TestFactory
    Stream<DynamicTest> everyExampleRunsAndAnswers() {
        return SNIPPETS.keySet().stream().map(name -> DynamicTest.dynamicTest(name, () -> runAndProbe(name)));
    }

    private static void runAndProbe(String name) throws Exception {
        SnippetProbes.Probe probe = PROBES.get(name);
        if (probe == null) fail("README example " + name + " has no probe in " + ReadmeSnippetsTest.class.getSimpleName());
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Tools.java());
        command.addAll(jvmFlags);
        command.addAll(List.of("-Dport=" + port, "-cp", classPath, name));
        Path log = project.resolve(name + ".log");
        Process p = new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        try {
            awaitListening(p, port, log);
            probe.check(port);
            // Still up after answering: main blocks until the server stops rather than returning after start().
            assertThat(p.isAlive()).as(name + " exited after answering:\n" + Files.readString(log)).isTrue();
        } finally {
            p.destroy();                                   // SIGTERM: the example's shutdown hook drains and stops
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(name + " did not stop within 20 s of SIGTERM:\n" + Files.readString(log));
            }
        }
        String output = Files.readString(log);
        // The JVM's restricted-method warning, or Gannet's own line about a missing flag, means the README's flags
        // are incomplete; an exception printed means the example or the library failed.
        assertThat(output).as(name + "'s output").doesNotContain("restricted method").doesNotContain("the JVM needs");
        assertThat(output.lines().filter(l -> THROWN.matcher(l).find()).toList()).as(name + "'s output:\n" + output).isEmpty();
    }

    /** The flags of the README's {@code java ... -cp} command line, which is how it tells users to run the examples. */
    private static List<String> jvmFlags(Readme readme) {
        for (Readme.Block b : readme.blocks("sh")) {
            for (String line : b.body().lines().toList()) {
                if (!line.startsWith("java ") || !line.contains(" -cp ")) continue;
                String flags = line.substring("java ".length(), line.indexOf(" -cp ")).strip();
                return flags.isEmpty() ? List.of() : Arrays.asList(flags.split("\\s+"));
            }
        }
        throw new AssertionError("README: no sh block with a 'java <flags> -cp ...' line telling users how to run the examples");
    }

    private static String version(List<String> coordinates) {
        String v = coordinates.getFirst().substring(coordinates.getFirst().lastIndexOf(':') + 1);
        for (String c : coordinates) assertThat(c).endsWith(":" + v);
        return v;
    }

    /** A user's pom: the README's dependency block, Java 25, the plugin versions the build already downloaded. */
    private static String pom(Readme readme, String version) throws IOException {
        String deps = readme.blocks("xml").stream().map(Readme.Block::body).filter(b -> b.contains("<dependency>"))
                .findFirst().orElseThrow(() -> new AssertionError("README: no xml block with the Maven <dependency>"));
        Matcher m = Pattern.compile("<version>([^<]*)</version>").matcher(deps);
        while (m.find()) assertThat(m.group(1)).as("version in the README's dependency block").isEqualTo(version);
        Path root = readme.root();
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>example</groupId><artifactId>readme-examples</artifactId><version>1</version>
                  <properties>
                    <maven.compiler.release>25</maven.compiler.release>
                    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                  </properties>
                  <dependencies>
                %s  </dependencies>
                  <build><plugins>
                    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>%s</version></plugin>
                    <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>%s</version></plugin>
                  </plugins></build>
                </project>
                """.formatted(deps, Tools.pluginVersion(root, "maven-resources-plugin"), Tools.pluginVersion(root, "maven-compiler-plugin"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitListening(Process p, int port, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) fail("exited with " + p.exitValue() + " before listening on " + port + ":\n" + Files.readString(log));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("not listening on " + port + " after 30 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
}
