package dev.gannet.tls;

import dev.gannet.uring.Uring;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The core's TLS engine suite, unchanged, on the io_uring engine. */
class UringTlsEngineTest extends TlsEngineSuite {
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
