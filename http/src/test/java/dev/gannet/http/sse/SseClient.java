package dev.gannet.http.sse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An event-stream reader for the tests: the JDK HttpClient's line stream (which splits on CRLF, LF and CR, as the
 * format does) fed through a small parser that follows the WHATWG processing rules, on a thread of its own.
 */
final class SseClient implements AutoCloseable {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    record Event(String id, String type, String data) {
    }

    final HttpResponse<Stream<String>> response;
    final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
    /** Completes normally when the body ends, exceptionally when it breaks. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();
    volatile long retry = -1;
    private final Thread reader;

    SseClient(URI uri, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        response = HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()).get(5, TimeUnit.SECONDS);
        reader = Thread.ofPlatform().daemon().name("sse-test-reader").start(this::read);
    }

    private void read() {
        String lastId = "";
        String type = null;
        StringBuilder data = null;
        try (Stream<String> lines = response.body()) {
            for (var it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (data != null) events.add(new Event(lastId, type == null ? "message" : type, data.toString()));
                    type = null;
                    data = null;
                    continue;
                }
                int colon = line.indexOf(':');
                String name = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) value = value.substring(1);
                switch (name) {
                    case "" -> comments.add(value);
                    case "id" -> {
                        if (value.indexOf('\0') < 0) lastId = value;
                    }
                    case "event" -> type = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    case "retry" -> {
                        if (value.chars().allMatch(Character::isDigit)) retry = Long.parseLong(value);
                    }
                    default -> {
                        // unknown fields are ignored, as the format says
                    }
                }
            }
            ended.complete(null);
        } catch (Throwable t) {
            ended.completeExceptionally(t);
        }
    }

    Event next() throws InterruptedException {
        return next(5);
    }

    Event next(int seconds) throws InterruptedException {
        Event e = events.poll(seconds, TimeUnit.SECONDS);
        if (e == null) throw new AssertionError("no event within " + seconds + " s; ended=" + ended);
        return e;
    }

    String header(String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** Goes away: the line stream is closed, which cancels the body and drops the connection. */
    @Override
    public void close() {
        reader.interrupt();
        response.body().close();
    }
}
