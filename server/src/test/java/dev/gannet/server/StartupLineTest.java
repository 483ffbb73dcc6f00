package dev.gannet.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The line {@code serve} prints when it listens: a URL that opens as printed, and the loop count in words. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StartupLineTest {

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void aWildcardBindPrintsLocalhost() throws Exception {
        assertThat(StartupLine.of("http", false, at("0.0.0.0", 8080), "io_uring", null, 2))
                .isEqualTo("gannet: http server on http://localhost:8080/ (engine io_uring, 2 loops, all interfaces)");
        assertThat(StartupLine.of("http", false, at("::", 8080), "nio", null, 4))
                .isEqualTo("gannet: http server on http://localhost:8080/ (engine nio, 4 loops, all interfaces)");
    }

    @Test
    void autoSaysWhy() throws Exception {
        assertThat(StartupLine.of("http", false, at("0.0.0.0", 8080), "io_uring", "available on this kernel", 2))
                .isEqualTo("gannet: http server on http://localhost:8080/ (engine io_uring, auto: available on this "
                        + "kernel, 2 loops, all interfaces)");
    }

    @Test
    void aSpecificAddressIsPrintedAsIs() throws Exception {
        assertThat(StartupLine.of("http", false, at("127.0.0.1", 18081), "nio", null, 1))
                .isEqualTo("gannet: http server on http://127.0.0.1:18081/ (engine nio, 1 loop)");
    }

    @Test
    void tlsPrintsHttps() throws Exception {
        assertThat(StartupLine.of("http", true, at("127.0.0.1", 8443), "nio", null, 2))
                .isEqualTo("gannet: https server on https://127.0.0.1:8443/ (engine nio, 2 loops)");
    }

    @Test
    void ipv6LiteralsGoInBracketsInTheirShortForm() throws Exception {
        assertThat(StartupLine.of("http", false, at("::1", 8080), "nio", null, 1))
                .isEqualTo("gannet: http server on http://[::1]:8080/ (engine nio, 1 loop)");
        assertThat(StartupLine.url(at("2001:db8:0:0:1:0:0:1", 80), true)).isEqualTo("https://[2001:db8::1:0:0:1]:80/");
        assertThat(StartupLine.url(at("fe80:0:0:0:0:0:0:0", 80), false)).isEqualTo("http://[fe80::]:80/");
        assertThat(StartupLine.url(at("1:2:3:4:5:6:7:8", 80), false)).isEqualTo("http://[1:2:3:4:5:6:7:8]:80/");
        assertThat(StartupLine.url(at("1:0:3:4:5:6:7:8", 80), false)).as("one zero group stays")
                .isEqualTo("http://[1:0:3:4:5:6:7:8]:80/");
    }

    @Test
    void echoHasNoUrlAndVthreadNoLoops() throws Exception {
        assertThat(StartupLine.of("echo", false, at("127.0.0.1", 7), "vthread", null, 0))
                .isEqualTo("gannet: echo server on 127.0.0.1:7 (engine vthread)");
    }

    /** The real command, on each engine: the printed URL answers, and one loop is "1 loop". */
    @ParameterizedTest
    @ValueSource(strings = {"nio", "io_uring", "vthread"})
    void thePrintedUrlOpens(String engine) throws Exception {
        if (engine.equals("io_uring")) {
            org.junit.jupiter.api.Assumptions.assumeTrue(dev.gannet.uring.Uring.isAvailable(), "io_uring is not available here");
        }
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Gannet.class.getName(),
                "serve", "--host", "0.0.0.0", "--port", "0", "--threads", "1", "--engine", engine));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            String startup = null;
            while ((line = out.readLine()) != null) {
                if (line.contains("server on")) {
                    startup = line;
                    break;
                }
            }
            assertThat(startup).as("startup line").isNotNull();
            String loops = engine.equals("vthread") ? "" : ", 1 loop";
            Matcher m = Pattern.compile("gannet: http server on (http://localhost:(\\d+)/) \\(engine " + engine + loops
                    + ", all interfaces\\)").matcher(startup);
            assertThat(m.matches()).as(startup).isTrue();
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1)
                    + "health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
