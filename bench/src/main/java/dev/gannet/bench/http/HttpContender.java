package dev.gannet.bench.http;

import dev.gannet.bench.ChildProcesses;
import dev.gannet.bench.peers.http.NettyHttpServer;
import dev.gannet.bench.peers.http.VertxHttpServer;
import java.util.ArrayList;
import java.util.List;

/**
 * How one contender's server is started. Every contender serves the same URL contract (see {@link HttpWorkload})
 * on one port, in clear text or, for the TLS workload, TLS only.
 */
record HttpContender(String name, boolean gannet, List<String> jvmFlags, String mainClass, String transport) {

    static final String GANNET_MAIN = "dev.gannet.server.Gannet";

    /** The flags Netty's authors run their TechEmpower entry with (see the performance guide). */
    static final List<String> NETTY_FLAGS = List.of("-XX:+UseParallelGC", "-Dio.netty.buffer.checkBounds=false",
            "-Dio.netty.buffer.checkAccessible=false", "-Dio.netty.leakDetection.level=disabled",
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    /**
     * The performance guide's Vert.x flags, plus the rest of what Vert.x's current TechEmpower entry passes: the
     * two JDK 25 access flags (Netty's native transport and Unsafe), the header caches, and Netty's bounds checks
     * off, since Vert.x runs on Netty's buffers.
     */
    static final List<String> VERTX_FLAGS = List.of("-XX:+UseParallelGC", "-Dvertx.disableMetrics=true",
            "-Dvertx.threadChecks=false", "-Dvertx.disableContextTimings=true",
            "-Dvertx.disableHttpHeadersValidation=true", "-Dvertx.disableWebsockets=true",
            "-Dvertx.cacheImmutableHttpResponseHeaders=true", "-Dvertx.internCommonHttpRequestHeadersToLowerCase=true",
            "-Dio.netty.buffer.checkBounds=false", "-Dio.netty.buffer.checkAccessible=false",
            "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow");

    /** In the order the tables list them; rounds rotate this order. */
    static final List<HttpContender> ALL = List.of(
            // The flags `./gannet serve` runs with by default: nothing hand-picked for the bench.
            new HttpContender("gannet", true, ChildProcesses.gannetFlags(), GANNET_MAIN, "nio"),
            new HttpContender("gannet-io_uring", true, ChildProcesses.gannetFlags(), GANNET_MAIN, "io_uring"),
            new HttpContender("netty-epoll", false, NETTY_FLAGS, NettyHttpServer.class.getName(), "epoll"),
            new HttpContender("netty-io_uring", false, NETTY_FLAGS, NettyHttpServer.class.getName(), "io_uring"),
            new HttpContender("vertx", false, VERTX_FLAGS, VertxHttpServer.class.getName(), "epoll"));

    /** The server's arguments for {@code port}, in clear text or with the bench's certificate. */
    List<String> args(int port, BenchFiles files, boolean tls, int blockingThreads) {
        List<String> a = new ArrayList<>();
        if (gannet) {
            a.addAll(List.of("serve", "--engine", transport, "--threads", "1", "--port", Integer.toString(port),
                    "--bench-routes", "--static", files.staticDir().toString()));
            if (tls) {
                a.addAll(List.of("--tls-cert", files.cert().toString(), "--tls-key", files.key().toString()));
            }
        } else {
            a.addAll(List.of("--transport", transport, "--port", Integer.toString(port), "--static",
                    files.staticDir().toString(), "--blocking-threads", Integer.toString(blockingThreads)));
            if (tls) {
                a.addAll(List.of("--tls", files.cert().toString(), files.key().toString()));
            }
        }
        return a;
    }

    static String names(List<HttpContender> contenders) {
        return String.join(",", contenders.stream().map(HttpContender::name).toList());
    }
}
