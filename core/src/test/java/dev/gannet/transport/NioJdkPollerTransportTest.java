package dev.gannet.transport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The transport suite on nio with the JDK's selector instead of epoll through FFM: the fallback a JVM without
 * native access or the {@code sun.nio.ch} export gets. The property is read when a loop starts, so it holds for
 * the servers this class starts (test classes in this module run one at a time).
 */
class NioJdkPollerTransportTest extends TransportSuite {
    @BeforeAll
    static void useJdkSelector() {
        System.setProperty("gannet.nio.poller", "jdk");
    }

    @AfterAll
    static void restore() {
        System.clearProperty("gannet.nio.poller");
    }

    @Override
    String engine() {
        return "nio";
    }
}
