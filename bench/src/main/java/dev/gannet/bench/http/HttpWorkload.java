package dev.gannet.bench.http;

import java.util.Arrays;
import java.util.List;

/**
 * The workloads of {@code bench http}, in the order a round runs them. TLS comes last because it needs its own
 * server processes (a Gannet port is either clear text or TLS); the connection-rate workload comes just before it,
 * so the TIME_WAIT sockets it leaves behind cost the other clear-text workloads nothing.
 */
enum HttpWorkload {
    PIPELINED("plaintext-pipelined", "/plaintext", false, true, false,
            "`GET /plaintext`, {depth} requests pipelined per write (TechEmpower plaintext)"),
    PLAINTEXT("plaintext", "/plaintext", false, false, false,
            "`GET /plaintext`, keep-alive, one request at a time per connection"),
    JSON("json", "/json", false, false, false,
            "`GET /json`, `{\"message\":\"Hello, World!\"}` serialized per request"),
    STATIC("static-16k", "/static/16k.bin", false, false, false,
            "`GET /static/16k.bin`, a 16 KB file from disk (page cache), keep-alive"),
    SLEEP("sleep-1ms", "/bench/sleep", false, false, false,
            "`GET /bench/sleep`, a handler that blocks its thread for 1 ms (Gannet: virtual threads; peers: a "
                    + "pool of platform threads)"),
    CLOSE("close-1k", "/bench/1k", false, false, true,
            "`GET /bench/1k` with `Connection: close`: a new TCP connection per request (connection rate)"),
    TLS("tls-plaintext", "/plaintext", true, false, false,
            "`GET /plaintext` over TLS (JDK SSLEngine everywhere, ECDSA P-256 certificate), keep-alive");

    final String key;
    final String path;
    final boolean tls;
    final boolean pipelined;
    final boolean close;
    final String description;

    HttpWorkload(String key, String path, boolean tls, boolean pipelined, boolean close, String description) {
        this.key = key;
        this.path = path;
        this.tls = tls;
        this.pipelined = pipelined;
        this.close = close;
        this.description = description;
    }

    static HttpWorkload byKey(String key) {
        for (HttpWorkload w : values()) {
            if (w.key.equals(key)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + key + "'; the workloads are: " + keys(all()));
    }

    static List<HttpWorkload> all() {
        return Arrays.asList(values());
    }

    static String keys(List<HttpWorkload> workloads) {
        return String.join(",", workloads.stream().map(w -> w.key).toList());
    }
}
