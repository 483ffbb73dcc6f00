package dev.gannet.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** /metrics as Prometheus reads it: every series with # HELP and # TYPE, and unknown methods under one label. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsRouteTest {
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*})? (\\S+)");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");
    private static DemoServer demo;

    @BeforeAll
    static void start() throws Exception {
        demo = new DemoServer();
    }

    @AfterAll
    static void stop() {
        if (demo != null) demo.close();
    }

    private static String metrics() throws Exception {
        HttpResponse<String> r = demo.http.send(HttpRequest.newBuilder(demo.uri("http", "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** Sends {@code method /metrics} on its own connection and returns the status. */
    private static int request(String method) throws Exception {
        try (Socket s = new Socket("127.0.0.1", demo.port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(answer.substring(9, 12));
        }
    }

    @Test
    void everySeriesHasHelpAndTypeBeforeItsSamples() throws Exception {
        request("GET"); // at least one request series
        String text = metrics();
        Map<String, String> typeOf = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Set<String> finished = new HashSet<>(); // families whose samples are over: they may not come back
        String current = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ")) {
                String name = line.substring(7).split(" ", 2)[0];
                assertThat(line.substring(7)).as("HELP has a text: " + line).contains(" ");
                assertThat(helped.add(name)).as("one HELP per family: " + name).isTrue();
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                assertThat(parts).as(line).hasSize(2);
                assertThat(TYPES).as(line).contains(parts[1]);
                assertThat(typeOf.put(parts[0], parts[1])).as("one TYPE per family: " + parts[0]).isNull();
                continue;
            }
            assertThat(line).as("no other comments or blank lines").doesNotStartWith("#").isNotEmpty();
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: " + line).isTrue();
            Double.parseDouble(m.group(3).replace("+Inf", "Infinity"));
            String family = family(m.group(1), typeOf);
            assertThat(typeOf).as("# TYPE before the samples of " + family).containsKey(family);
            assertThat(helped).as("# HELP for " + family).contains(family);
            if (!family.equals(current)) {
                if (current != null) finished.add(current);
                assertThat(finished).as("the samples of " + family + " are together").doesNotContain(family);
                current = family;
            }
        }
        assertThat(typeOf.keySet()).contains("gannet_connections_open", "gannet_bytes_written_total",
                "http_server_request_duration_seconds");
    }

    /** The family a sample belongs to: a histogram's _bucket, _sum and _count are its own. */
    private static String family(String sample, Map<String, String> typeOf) {
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (sample.endsWith(suffix)) {
                String base = sample.substring(0, sample.length() - suffix.length());
                if ("histogram".equals(typeOf.get(base)) || "summary".equals(typeOf.get(base))) return base;
            }
        }
        return sample;
    }

    @Test
    void unknownMethodsAreCountedUnderOneOtherLabel() throws Exception {
        assertThat(request("FROBNICATE")).isEqualTo(405);
        assertThat(request("PURGE")).isEqualTo(405);
        String text = metrics();
        assertThat(text).doesNotContain("FROBNICATE").doesNotContain("PURGE");
        Matcher m = Pattern.compile("http_server_request_duration_seconds_count\\{http_request_method=\"_OTHER\""
                + ",http_route=\"[^\"]*\",http_response_status_code=\"405\"} (\\d+)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        assertThat(Long.parseLong(m.group(1))).isGreaterThanOrEqualTo(2);
    }

    @Test
    void prometheusOwnPythonParserReadsIt() throws Exception {
        String python = null;
        for (String candidate : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import prometheus_client.parser").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    python = candidate;
                    break;
                }
            } catch (java.io.IOException notThere) {
                // try the next one
            }
        }
        String why = "python3 with prometheus_client is not installed (Debian: apt-get install python3-prometheus-client)";
        if (python == null && "true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError(why + "; .ci/run should have installed it");
        Assumptions.assumeTrue(python != null, why);
        request("GET");
        Path file = Files.createTempFile("gannet-metrics", ".txt");
        try {
            Files.writeString(file, metrics());
            Process p = new ProcessBuilder(python, "-c", """
                    import sys
                    from prometheus_client.parser import text_string_to_metric_families
                    names = [f.name + ":" + f.type + ":" + str(bool(f.documentation)) for f in text_string_to_metric_families(open(sys.argv[1]).read())]
                    print("\\n".join(names))
                    """, file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            List<String> families = new ArrayList<>(List.of(out.strip().split("\n")));
            assertThat(families).contains("http_server_request_duration_seconds:histogram:True",
                    "gannet_connections_open:gauge:True", "gannet_connections_accepted:counter:True");
            assertThat(families).allSatisfy(f -> assertThat(f).as("documented").endsWith(":True"));
        } finally {
            Files.delete(file);
        }
    }
}
