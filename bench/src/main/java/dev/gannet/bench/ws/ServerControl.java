package dev.gannet.bench.ws;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The side channel every WebSocket contender's main starts: one daemon thread reading commands from stdin, so the
 * orchestrator can ask for the heap in use without a port or an HTTP route that would differ between servers.
 *
 * <ul>
 *   <li>{@code heap}: runs {@code System.gc()} twice (the second one settles what the first one freed) and answers
 *       {@code HEAP <used bytes> <committed bytes>} on stdout;</li>
 *   <li>end of input: exits the JVM, so a server whose orchestrator died (its end of the pipe closed) does not stay
 *       behind holding a core and 10,000 sockets.</li>
 * </ul>
 */
public final class ServerControl {
    private ServerControl() {}

    public static void start() {
        Thread t = new Thread(ServerControl::loop, "bench-control");
        t.setDaemon(true);
        t.start();
    }

    private static void loop() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().equals("heap")) {
                    System.gc();
                    System.gc();
                    var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
                    System.out.println("HEAP " + heap.getUsed() + " " + heap.getCommitted());
                    System.out.flush();
                }
            }
        } catch (Exception e) {
            // Unreadable stdin is the same as a closed one.
        }
        Runtime.getRuntime().halt(0);
    }
}
