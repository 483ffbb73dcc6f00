package dev.gannet.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Running the repository's commands from a test. */
final class Tools {
    private Tools() {
    }

    /** The java of the JDK running the tests (the build needs 25, so that is what the README's users have). */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** An environment whose JDK is this one: the launcher and the Maven wrapper pick it from JAVA_HOME. */
    static Map<String, String> javaEnv() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        // Maven 3.9's Guava prints a sun.misc.Unsafe warning on JDK 25 otherwise (the launcher does the same).
        env.put("MAVEN_OPTS", (env.getOrDefault("MAVEN_OPTS", "") + " --sun-misc-unsafe-memory-access=allow").strip());
        return env;
    }

    /** Starts a command in {@code dir}, stderr merged into stdout. */
    static Process run(Path dir, List<String> command, Map<String, String> env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return pb.start();
    }

    /** Everything the process printed, once it has exited; it is killed if it takes longer than the timeout. */
    static String output(Process p, long timeout, TimeUnit unit) throws Exception {
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        if (!p.waitFor(timeout, unit)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("still running after " + timeout + " " + unit + ": " + p.info().commandLine().orElse("?")
                    + "\n" + out.get(10, TimeUnit.SECONDS));
        }
        return out.get(30, TimeUnit.SECONDS);
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A plugin's version as the parent pom manages it, so that a generated project needs nothing new downloaded. */
    static String pluginVersion(Path root, String artifactId) throws IOException {
        String pom = Files.readString(root.resolve("pom.xml"));
        Matcher m = Pattern.compile("<artifactId>" + Pattern.quote(artifactId) + "</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        if (!m.find()) throw new AssertionError("the parent pom does not manage " + artifactId);
        return m.group(1);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
