package dev.gannet.fep.gateway;

import dev.gannet.uring.Uring;
import org.junit.jupiter.api.BeforeAll;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link GatewayLogonTest} with the gateway on the io_uring engine (skipped where the kernel has none). */
class GatewayLogonUringTest extends GatewayLogonTest {
    @BeforeAll
    static void needsIoUring() {
        String why = Uring.unavailableReason();
        assumeTrue(why == null, () -> "io_uring unavailable: " + why);
    }

    @Override
    String engine() {
        return "io_uring";
    }
}
