package dev.gannet.server;

import dev.gannet.http.HttpServer;
import dev.gannet.http.JsonMapper;
import dev.gannet.http.LatencyInterval;
import dev.gannet.http.Request;
import dev.gannet.http.sse.SseHandler;
import dev.gannet.http.sse.SseStream;
import dev.gannet.transport.Server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * The dashboard's figures: {@code /stats}, and {@code /events/stats} once a second.
 *
 * <p>A ticker samples the server every second, from the server's start to its end, whether or not a page watches, and
 * keeps the last {@link #HISTORY} ticks in a {@link StatsRing}. A stream that opens gets them first, as one
 * {@code history} event, so a page shows the last two minutes at once; then a {@code stats} event per tick.
 * Latency figures are of the requests answered in the last tick alone ({@link LatencyInterval}).
 *
 * <p>Threads: the ticker thread samples and sends; streams open and close on their event loops. The ring, the last
 * sample and the sends are under the {@code streams} lock, so that a stream opening gets each tick once and in
 * order (its history, the last tick's {@code stats}, then the ticks after).
 */
final class StatsFeed {
    /** Ticks kept for a page that opens: two minutes at one a second. */
    static final int HISTORY = 120;
    static final long TICK_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(StatsFeed.class.getName());

    private final HttpServer app;
    private final AtomicReference<Server> server;
    private final IntSupplier webSocketsOpen;
    private final JsonMapper json;
    private final long started = System.currentTimeMillis();
    private final StatsRing ring = new StatsRing(HISTORY);
    /** Made on the first tick of a started server (the metrics exist from the start); only the ticker uses it. */
    private LatencyInterval latency;
    private final Set<SseStream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicLong eventId = new AtomicLong();
    private final ScheduledThreadPoolExecutor ticker;
    /** The newest tick and its latency figures; null before the first. Written under streams. */
    private volatile Sample last;
    // The last sample of the request counter; only the ticker thread touches these.
    private long sampleNanos;
    private long sampleRequests;
    private long perSecond;

    private record Sample(StatsRing.Tick tick, LatencyInterval.Snapshot latency) {
    }

    StatsFeed(HttpServer app, AtomicReference<Server> server, IntSupplier webSocketsOpen) {
        this.app = app;
        this.server = server;
        this.webSocketsOpen = webSocketsOpen;
        this.json = app.config().json();
        ticker = new ScheduledThreadPoolExecutor(1, r -> Thread.ofPlatform().daemon().name("gannet-stats-ticker").unstarted(r));
        ticker.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Requests per second over the last interval of at least a second; shorter intervals reuse the last rate. */
    private long requestsPerSecond(long total) {
        long now = System.nanoTime();
        long elapsed = now - sampleNanos;
        // A fixed-rate tick that ran late is followed by early ones: 5% early is within the display's precision.
        if (elapsed >= TICK_MILLIS * 950_000L) {
            perSecond = Math.round((total - sampleRequests) * 1e9 / elapsed);
            sampleNanos = now;
            sampleRequests = total;
        }
        return perSecond;
    }

    /** Samples the server, keeps the tick, and sends it to every stream. */
    private void tick() {
        try {
            Server s = server.get();
            if (s == null) return; // not started yet
            if (latency == null) { // the first tick of a started server: the baseline the next ticks count from
                latency = new LatencyInterval(app.metrics());
                sampleNanos = System.nanoTime();
                sampleRequests = app.metrics().requests();
                s.terminationFuture().whenComplete((v, e) -> ticker.shutdown());
                return;
            }
            long now = System.currentTimeMillis();
            long rps = requestsPerSecond(app.metrics().requests());
            LatencyInterval.Snapshot lat = latency.next();
            StatsRing.Tick tick = new StatsRing.Tick(now, s.stats().open(), rps, lat.count(), lat.p50(), lat.p99());
            Sample sample = new Sample(tick, lat);
            // Built before taking the lock (the event loops take it to open streams), and only for a watcher.
            String data = streams.isEmpty() ? null : toJson(stats(sample));
            synchronized (streams) {
                ring.add(tick);
                last = sample;
                String id = Long.toString(eventId.incrementAndGet());
                if (data == null && !streams.isEmpty()) data = toJson(stats(sample)); // one opened meanwhile
                for (SseStream stream : streams) stream.send(id, "stats", data);
            }
        } catch (RuntimeException e) {
            // A failed tick must not cancel the schedule (a periodic task that throws never runs again).
            LOG.log(System.Logger.Level.WARNING, "stats tick failed", e);
        }
    }

    /** The figures as of the last tick, with the server's counters as of now. Once the server has started. */
    Map<String, Object> stats() {
        return stats(last);
    }

    private Map<String, Object> stats(Sample sample) {
        Server s = server.get();
        Map<String, Object> m = new LinkedHashMap<>();
        long uptimeMs = Math.max(1, System.currentTimeMillis() - started);
        m.put("time", sample == null ? System.currentTimeMillis() : sample.tick().timeMillis());
        m.put("uptimeSeconds", uptimeMs / 1000);
        long requests = app.metrics().requests();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("total", requests);
        r.put("active", app.metrics().activeRequests());
        r.put("perSecond", sample == null ? 0 : sample.tick().requestsPerSecond());
        r.put("perSecondAverage", requests * 1000 / uptimeMs);
        m.put("requests", r);
        // Of the requests answered in the last tick; requests = 0 means there is no figure for that second.
        LatencyInterval.Snapshot lat = sample == null ? new LatencyInterval.Snapshot(0, 0, 0, 0, 0) : sample.latency();
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("intervalSeconds", TICK_MILLIS / 1000);
        l.put("requests", lat.count());
        l.put("p50", lat.p50());
        l.put("p99", lat.p99());
        l.put("p999", lat.p999());
        l.put("max", lat.max());
        m.put("latencyMicros", l);
        m.put("websockets", Map.of("open", webSocketsOpen.getAsInt()));
        m.put("eventStreams", Map.of("open", streams.size()));
        if (s != null) {
            var t = s.stats();
            m.put("engine", s.engine());
            m.put("connections", Map.of("open", t.open(), "accepted", t.accepted.sum(), "closed", t.closed.sum(),
                    "rejected", t.rejected.sum(), "idleTimeouts", t.idleTimeouts.sum(), "errors", t.errors.sum()));
            m.put("bytes", Map.of("read", t.bytesRead.sum(), "written", t.bytesWritten.sum()));
            m.put("loops", s.loops().stream().map(lp -> Map.of("name", lp.name(), "connections", lp.connections(),
                    "blockedWarnings", lp.blockedWarnings())).toList());
        }
        List<Map<String, Object>> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.add(Map.of("name", gc.getName(), "count", gc.getCollectionCount(), "timeMs", gc.getCollectionTime()));
        }
        m.put("gc", gcs);
        return m;
    }

    String toJson(Object value) {
        var out = new ByteArrayOutputStream(1024);
        try {
            json.write(value, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The {@code /events/stats} handler: the history, the latest tick, then each tick as it comes. */
    SseHandler handler() {
        return new SseHandler() {
            @Override
            public void onOpen(SseStream stream, Request request) {
                synchronized (streams) {
                    // Sent on every open, reconnects included: the page replaces its points with it.
                    stream.send(null, "history", ring.toJson(System.currentTimeMillis()));
                    streams.add(stream); // first, so that the figures count this stream
                    Sample l = last;
                    if (l != null) stream.send(Long.toString(eventId.get()), "stats", toJson(stats(l)));
                }
            }

            @Override
            public void onClose(SseStream stream) {
                streams.remove(stream);
            }
        };
    }
}
