package dev.gannet.bench.peers.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The command line every HTTP peer takes, and the bodies of the bench's URL contract, kept in one place so that
 * all peers serve byte-for-byte the same responses:
 *
 * <pre>
 *   --port P                   port to listen on (all addresses)
 *   --static DIR               directory served at /static/
 *   --tls CERT KEY             serve TLS only, with this PEM certificate and PKCS#8 PEM key
 *   --transport T              for peers with several transports (Netty: epoll, io_uring, nio)
 *   --blocking-threads N       platform threads for the blocking /bench/sleep route
 * </pre>
 */
public record PeerOptions(int port, Path staticDir, Path tlsCert, Path tlsKey, String transport, int blockingThreads) {

    public static final byte[] PLAINTEXT = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    /** The JSON message the /json route serializes per request (it is never served from a constant). */
    public static final String MESSAGE = "Hello, World!";
    /** The /bench/1k body: printable so that a failed check shows readable bytes, exactly 1024 of them. */
    public static final byte[] ONE_K = oneK();
    public static final byte[] SLEPT = "slept".getBytes(StandardCharsets.US_ASCII);
    /** How long /bench/sleep blocks its thread. */
    public static final long SLEEP_MILLIS = 1;
    /** The bench drives 256 connections; a pool as large lets no request wait for a thread. */
    public static final int DEFAULT_BLOCKING_THREADS = 256;

    public boolean tls() {
        return tlsCert != null;
    }

    /** Parses the arguments, or prints {@code usage} and exits with code 2. */
    public static PeerOptions parse(String[] args, String usage, String defaultTransport) {
        int port = -1;
        Path staticDir = null;
        Path cert = null;
        Path key = null;
        String transport = defaultTransport;
        int blocking = DEFAULT_BLOCKING_THREADS;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--static" -> staticDir = Path.of(args[++i]).toAbsolutePath().normalize();
                    case "--tls" -> {
                        cert = Path.of(args[++i]);
                        key = Path.of(args[++i]);
                    }
                    case "--transport" -> transport = args[++i];
                    case "--blocking-threads" -> blocking = Integer.parseInt(args[++i]);
                    default -> fail("unknown option " + args[i] + "\n" + usage);
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            fail("bad arguments " + Arrays.toString(args) + "\n" + usage);
        }
        if (port <= 0 || staticDir == null || blocking <= 0) {
            fail(usage);
        }
        if (!Files.isDirectory(staticDir)) {
            fail("--static " + staticDir + " is not a directory");
        }
        return new PeerOptions(port, staticDir, cert, key, transport, blocking);
    }

    /**
     * The file a {@code /static/NAME} URI names, or null when it names none: only plain names directly in the
     * static directory, so no URI can reach outside it.
     */
    public Path staticFile(String uri) {
        String name = uri.substring("/static/".length());
        int query = name.indexOf('?');
        if (query >= 0) {
            name = name.substring(0, query);
        }
        if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            return null;
        }
        return staticDir.resolve(name);
    }

    static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }

    private static byte[] oneK() {
        byte[] b = new byte[1024];
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) alphabet.charAt(i % alphabet.length());
        }
        b[b.length - 1] = '\n';
        return b;
    }
}
