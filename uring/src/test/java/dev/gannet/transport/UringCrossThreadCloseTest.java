package dev.gannet.transport;

import dev.gannet.uring.Uring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** Closes asked for from other threads, on the io_uring engine. */
class UringCrossThreadCloseTest extends CrossThreadCloseSuite {
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
