package dev.gannet.bench.peers.http;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.transport.Transport;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * The Vert.x 5 peer for {@code bench http}, written the way Vert.x's TechEmpower entry is: the native (epoll)
 * transport, one event loop, one verticle whose request handler switches on the path, header names and values made
 * once with {@link HttpHeaders#createOptimized} (pre-encoded ASCII), and a Date value refreshed by a periodic
 * timer on the verticle's own loop. Its JVM flags (metrics, thread checks, context timings and header validation
 * off) are the orchestrator's.
 *
 * <p>The bench's other URLs are served as a Vert.x user would: {@code sendFile} for the static file (Vert.x picks
 * sendfile in clear text and chunked reads under TLS), and {@code executeBlocking(..., ordered=false)} on the worker
 * pool for the blocking route, so that concurrent requests of the one verticle do not queue behind each other.
 *
 * <p>Usage: {@code VertxHttpServer --port P --static DIR [--tls CERT KEY] [--blocking-threads N]}
 */
public final class VertxHttpServer {

    static final String USAGE = "usage: VertxHttpServer --port P --static DIR [--tls CERT KEY] [--blocking-threads N]"
            + " [--transport epoll|io_uring]";

    private static final CharSequence HEADER_SERVER = HttpHeaders.createOptimized("server");
    private static final CharSequence HEADER_DATE = HttpHeaders.createOptimized("date");
    private static final CharSequence HEADER_CONTENT_TYPE = HttpHeaders.createOptimized("content-type");
    private static final CharSequence HEADER_CONTENT_LENGTH = HttpHeaders.createOptimized("content-length");
    private static final CharSequence SERVER = HttpHeaders.createOptimized("vert.x");
    private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain");
    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
    private static final CharSequence OCTET_STREAM = HttpHeaders.createOptimized("application/octet-stream");
    private static final CharSequence PLAINTEXT_LENGTH = HttpHeaders.createOptimized(
            Integer.toString(PeerOptions.PLAINTEXT.length));
    private static final CharSequence ONE_K_LENGTH = HttpHeaders.createOptimized(
            Integer.toString(PeerOptions.ONE_K.length));
    private static final CharSequence SLEPT_LENGTH = HttpHeaders.createOptimized(
            Integer.toString(PeerOptions.SLEPT.length));
    // Shared by every response: Vert.x writes a Buffer's bytes without consuming it.
    private static final Buffer PLAINTEXT = Buffer.buffer(PeerOptions.PLAINTEXT);
    private static final Buffer ONE_K = Buffer.buffer(PeerOptions.ONE_K);
    private static final Buffer SLEPT = Buffer.buffer(PeerOptions.SLEPT);

    private VertxHttpServer() {}

    public static void main(String[] args) throws Exception {
        PeerOptions options = PeerOptions.parse(args, USAGE, "epoll");
        Transport transport = switch (options.transport()) {
            case "epoll" -> Transport.EPOLL;
            case "io_uring" -> Transport.IO_URING;
            default -> {
                PeerOptions.fail("unknown transport " + options.transport() + "\n" + USAGE);
                yield null;
            }
        };
        if (!transport.available()) {
            // Vert.x would quietly fall back to NIO; a bench of the wrong transport is worse than none.
            System.err.println("vert.x: the " + transport.name() + " transport is not available: "
                    + transport.unavailabilityCause());
            System.exit(1);
        }
        VertxOptions vertxOptions = new VertxOptions()
                .setPreferNativeTransport(true)
                // The bench gives every server one core and one event loop.
                .setEventLoopPoolSize(1)
                // Enough workers that no blocking request waits for a thread at the bench's concurrency.
                .setWorkerPoolSize(options.blockingThreads());
        Vertx vertx = Vertx.builder().with(vertxOptions).withTransport(transport).build();
        if (!vertx.isNativeTransportEnabled()) {
            System.err.println("vert.x: the native transport did not start");
            System.exit(1);
        }
        vertx.deployVerticle(new BenchVerticle(options))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        System.out.println("vert.x " + transport.name() + " http" + (options.tls() ? "s" : "") + " listening on port "
                + options.port());
    }

    /** Everything runs on the verticle's one event-loop context, so its fields need no synchronization. */
    static final class BenchVerticle extends VerticleBase {
        private static final Callable<Void> SLEEP = () -> {
            Thread.sleep(PeerOptions.SLEEP_MILLIS);
            return null;
        };

        private final PeerOptions options;
        private CharSequence date;

        BenchVerticle(PeerOptions options) {
            this.options = options;
        }

        @Override
        public Future<?> start() {
            refreshDate();
            // First tick just after the next second begins, then once a second.
            vertx.setPeriodic(1000 - System.currentTimeMillis() % 1000 + 1, 1000, id -> refreshDate());
            HttpServerOptions serverOptions = new HttpServerOptions()
                    .setPort(options.port())
                    .setHost("0.0.0.0")
                    .setAcceptBacklog(8192)
                    .setTcpNoDelay(true);
            if (options.tls()) {
                serverOptions.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(options.tlsCert().toString())
                        .setKeyPath(options.tlsKey().toString()));
            }
            return vertx.createHttpServer(serverOptions).requestHandler(this::handle).listen();
        }

        private void refreshDate() {
            date = HttpHeaders.createOptimized(
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
        }

        private void handle(HttpServerRequest request) {
            String path = request.path();
            HttpServerResponse response = request.response();
            switch (path) {
                case "/plaintext" -> {
                    headers(response, TEXT_PLAIN).add(HEADER_CONTENT_LENGTH, PLAINTEXT_LENGTH);
                    response.end(PLAINTEXT);
                }
                case "/json" -> {
                    headers(response, APPLICATION_JSON);
                    response.end(new JsonObject().put("message", PeerOptions.MESSAGE).toBuffer());
                }
                case "/bench/1k" -> {
                    headers(response, TEXT_PLAIN).add(HEADER_CONTENT_LENGTH, ONE_K_LENGTH);
                    response.end(ONE_K);
                }
                case "/bench/sleep" -> vertx.executeBlocking(SLEEP, false).onComplete(done -> {
                    headers(response, TEXT_PLAIN).add(HEADER_CONTENT_LENGTH, SLEPT_LENGTH);
                    response.end(SLEPT);
                });
                default -> {
                    Path file = path.startsWith("/static/") ? options.staticFile(path) : null;
                    if (file == null) {
                        response.setStatusCode(404).end();
                        return;
                    }
                    headers(response, OCTET_STREAM);
                    response.sendFile(file.toString()).onFailure(e -> {
                        if (!response.headWritten()) {
                            response.headers().clear();
                            response.setStatusCode(404).end();
                        } else {
                            request.connection().close();
                        }
                    });
                }
            }
        }

        private MultiMap headers(HttpServerResponse response, CharSequence contentType) {
            return response.headers()
                    .add(HEADER_CONTENT_TYPE, contentType)
                    .add(HEADER_SERVER, SERVER)
                    .add(HEADER_DATE, date);
        }
    }
}
