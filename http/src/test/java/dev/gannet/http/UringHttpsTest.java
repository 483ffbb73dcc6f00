package dev.gannet.http;

import dev.gannet.uring.Uring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** HTTP over TLS on the io_uring engine. */
class UringHttpsTest extends HttpsSuite {
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
