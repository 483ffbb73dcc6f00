package dev.gannet.http.ws;

import dev.gannet.uring.Uring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

class UringTopicChurnTest extends TopicChurnSuite {
    @BeforeAll
    static void needsIoUring() {
        String why = Uring.unavailableReason();
        Assumptions.assumeTrue(why == null, () -> "io_uring unavailable here: " + why);
    }

    @Override
    String engine() {
        return "io_uring";
    }
}
