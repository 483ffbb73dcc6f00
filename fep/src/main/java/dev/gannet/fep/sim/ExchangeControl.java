package dev.gannet.fep.sim;

import dev.gannet.fep.wire.RejectReason;
import dev.gannet.transport.Action;
import dev.gannet.transport.Connection;
import dev.gannet.transport.Handler;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The simulator's control commands ({@link Exchange#command}) and its line-based control port. Commands act
 * through the simulator's public methods, so they run on whichever thread calls them; each fault method hops to the
 * connections' own threads itself.
 */
final class ExchangeControl {
    private ExchangeControl() {}

    static CompletableFuture<String> command(Exchange x, String line) {
        String[] w = line.trim().split("\\s+");
        try {
            return switch (w[0].toLowerCase(java.util.Locale.ROOT)) {
                case "drop" -> {
                    arity(w, 1);
                    yield x.drop().thenApply(n -> "ok dropped " + n + " connections");
                }
                case "delay" -> {
                    arity(w, 2);
                    long ms = Long.parseLong(w[1]);
                    x.delay(ms);
                    yield CompletableFuture.completedFuture(ms == 0 ? "ok no delay" : "ok delay " + ms + " ms");
                }
                case "skip" -> {
                    arity(w, 2);
                    int n = Integer.parseInt(w[1]);
                    yield x.skip(n).thenApply(k -> "ok skipped " + n + " on " + k + " sessions");
                }
                case "garbage" -> {
                    arity(w, 1);
                    yield x.garbage().thenApply(n -> "ok garbage on " + n + " connections");
                }
                case "reject" -> {
                    arity(w, 2);
                    boolean on = switch (w[1]) {
                        case "on" -> true;
                        case "off" -> false;
                        default -> throw new IllegalArgumentException("reject on|off");
                    };
                    x.rejectOrders(on);
                    yield CompletableFuture.completedFuture("ok reject " + w[1]);
                }
                case "refuse" -> {
                    arity(w, 2);
                    int reason = w[1].equals("off") ? 0 : RejectReason.ofConstant(w[1]);
                    if (reason < 0) throw new IllegalArgumentException("refuse: not a reason: " + w[1]);
                    x.refuseLogons(reason);
                    yield CompletableFuture.completedFuture(reason == 0 ? "ok refuse off"
                            : "ok refusing logons with " + RejectReason.constant(reason));
                }
                case "stats" -> {
                    arity(w, 1);
                    yield CompletableFuture.completedFuture("ok orders=" + x.ordersReceived() + " sessions="
                            + x.activeSessions() + " " + x.counters());
                }
                case "help" -> CompletableFuture.completedFuture(
                        "ok commands: drop | delay <ms> | skip <n> | garbage | reject on|off | refuse <REASON>|off"
                                + " | stats | quit");
                default -> throw new IllegalArgumentException("unknown command '" + w[0] + "'");
            };
        } catch (RuntimeException e) {
            String why = e instanceof NumberFormatException ? "not a number: " + e.getMessage() : e.getMessage();
            return CompletableFuture.completedFuture("error " + why);
        }
    }

    private static void arity(String[] words, int n) {
        if (words.length != n) throw new IllegalArgumentException("usage: " + switch (words[0]) {
            case "delay" -> "delay <ms>";
            case "skip" -> "skip <n>";
            case "reject" -> "reject on|off";
            case "refuse" -> "refuse <REASON>|off";
            default -> words[0];
        });
    }

    /** One command a line; each answered with one line. */
    static final class LineHandler implements Handler {
        private final Exchange x;

        LineHandler(Exchange x) {
            this.x = x;
        }

        @Override
        public Action onOpen(Connection c) {
            c.context(new StringBuilder());
            return Action.KEEP;
        }

        @Override
        public Action onData(Connection c, ByteBuffer in) {
            StringBuilder line = c.context();
            while (in.hasRemaining()) {
                char ch = (char) (in.get() & 0xff);
                if (ch == '\n') {
                    String cmd = line.toString().strip();
                    line.setLength(0);
                    if (cmd.isEmpty()) continue;
                    if (cmd.equals("quit")) return Action.CLOSE;
                    command(x, cmd).whenComplete((r, e) -> {
                        String answer = e != null ? "error " + e : r;
                        c.write((answer + "\n").getBytes(StandardCharsets.US_ASCII));
                    });
                } else if (line.length() < 1024) {
                    line.append(ch);
                } else {
                    c.write("error line too long\n".getBytes(StandardCharsets.US_ASCII));
                    return Action.CLOSE;
                }
            }
            return Action.KEEP;
        }
    }
}
