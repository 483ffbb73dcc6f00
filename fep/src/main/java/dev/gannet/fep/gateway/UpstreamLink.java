package dev.gannet.fep.gateway;

import dev.gannet.fep.wire.RejectReason;
import dev.gannet.transport.ClientConfig;
import dev.gannet.transport.Handler;
import dev.gannet.transport.TcpClient;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The connection to one upstream institution, kept up by the gateway rather than by a reconnecting
 * {@link TcpClient}: that one's backoff restarts at every TCP connect, so an institution that accepts the connection
 * and refuses the logon was tried twenty times a second for ever. Here the backoff (exponential, capped, with
 * jitter) restarts only when a logon succeeds, each refusal is logged with its reason (once, then at most once a
 * minute while it repeats), and {@link #status} says where the link stands.
 *
 * <p>Threads: {@link #loggedOn} and {@link #disconnected} run on the gateway's loop; a failed connect is reported
 * on whichever thread the engine completes it; attempts are started by a timer thread. The fields those share are
 * volatile and each is written by one of them at a time (an attempt is only started once the previous one ended).
 */
final class UpstreamLink {
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());
    static final Duration BACKOFF_INITIAL = Duration.ofMillis(100);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(10);
    /** While the same refusal repeats, it is logged again at most this often, with how many were not. */
    static final Duration LOG_REPEAT = Duration.ofMinutes(1);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("gannet-fep-upstream-retry").daemon(true).factory());
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());

    private final String name;
    private final InetSocketAddress address;
    private final ClientConfig client;
    private final Handler handler;
    private volatile boolean closed;
    private volatile int attempts;
    private volatile String state = "connecting";
    /** What went wrong last, kept until a logon succeeds ("refused: SEQUENCE_TOO_LOW 'sequence too low'"). */
    private volatile String problem;
    private volatile long retryAtMillis;
    private String lastLogged;
    private long lastLoggedAt;
    private int notLogged;

    UpstreamLink(String name, InetSocketAddress address, ClientConfig client, Handler handler) {
        this.name = name;
        this.address = address;
        this.client = client;
        this.handler = handler;
    }

    void start() {
        attempt();
    }

    private void attempt() {
        if (closed) return;
        attempts++;
        state = "connecting (attempt " + attempts + ")";
        TcpClient.connect(address, client, handler).whenComplete((c, err) -> {
            if (err != null) failed("unreachable: " + rootMessage(err));
        });
    }

    /** On the loop: the logon succeeded. */
    void loggedOn() {
        LOG.log(System.Logger.Level.INFO, "upstream " + name + " " + address + ": logged on"
                + (problem != null ? " after " + attempts + " attempts (last problem: " + problem + ")" : ""));
        attempts = 0;
        problem = null;
        lastLogged = null;
        notLogged = 0;
        state = "logged on";
    }

    /**
     * On the loop: the connection ended. {@code wasActive}: it had logged on; {@code reason}: what ended it;
     * {@code peerText}: the text of the Logout the institution sent, or null if it sent none.
     */
    void disconnected(boolean wasActive, int reason, String peerText) {
        if (closed) return;
        if (wasActive) {
            failed("connection lost" + (reason != 0 ? ": " + RejectReason.constant(reason) : ""));
        } else if (peerText != null) {
            failed("refused: " + RejectReason.constant(reason) + (peerText.isEmpty() ? "" : " '" + peerText + "'"));
        } else if (reason != 0) {
            failed("logon failed: " + RejectReason.constant(reason));
        } else {
            failed("closed before logon");
        }
    }

    private void failed(String what) {
        if (closed) return;
        problem = what;
        long delay = backoff(attempts);
        retryAtMillis = System.currentTimeMillis() + delay;
        state = what + ", backing off until " + CLOCK.format(Instant.ofEpochMilli(retryAtMillis)) + " (attempt "
                + attempts + ")";
        log(what, delay);
        TIMER.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
    }

    /** Says {@code what} at once when it is new, else once per {@link #LOG_REPEAT} with the count held back. */
    private synchronized void log(String what, long delay) {
        long now = System.nanoTime();
        if (what.equals(lastLogged) && now - lastLoggedAt < LOG_REPEAT.toNanos()) {
            notLogged++;
            return;
        }
        String again = what.equals(lastLogged) ? " (" + notLogged + " more since last said)" : "";
        LOG.log(System.Logger.Level.WARNING, "upstream " + name + " " + address + ": " + what + again
                + "; next attempt in " + delay + " ms");
        lastLogged = what;
        lastLoggedAt = now;
        notLogged = 0;
    }

    /** The wait after failed attempt {@code n} (1-based): doubling from the initial wait, capped, minus jitter. */
    static long backoff(int n) {
        long base = BACKOFF_INITIAL.toMillis() << Math.min(Math.max(n - 1, 0), 20);
        long capped = Math.min(base, BACKOFF_MAX.toMillis());
        return capped - ThreadLocalRandom.current().nextLong(capped / 5 + 1);
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** Stops connecting: an attempt already scheduled does nothing. */
    void close() {
        closed = true;
        state = "closed";
    }

    /** One line: the institution, its address and its state. */
    String status() {
        String s = state;
        String p = problem;
        if (p != null && s.startsWith("connecting")) s += ", after " + p;
        return name + " " + address.getHostString() + ":" + address.getPort() + ": " + s;
    }
}
