package dev.gannet.http.sse;

import dev.gannet.uring.Uring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The SSE suite on the io_uring engine. */
class UringSseTest extends SseSuite {
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
