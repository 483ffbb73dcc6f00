package dev.gannet.http.middleware;

import java.util.concurrent.ThreadLocalRandom;

/** Random ids for requests and errors: short, log-friendly, and unguessable enough to not collide in practice. */
final class Ids {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** 16 lower-case hex characters (64 random bits). */
    static String hex16() {
        long v = ThreadLocalRandom.current().nextLong();
        char[] c = new char[16];
        for (int i = 15; i >= 0; i--) {
            c[i] = HEX[(int) v & 0xf];
            v >>>= 4;
        }
        return new String(c);
    }
}
