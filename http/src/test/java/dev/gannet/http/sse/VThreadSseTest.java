package dev.gannet.http.sse;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

class VThreadSseTest extends SseSuite {
    private static final String BLOCKING_FLUSH = "the vthread engine writes to the socket while holding the connection's "
            + "lock, so with a client that never reads, pendingOutputBytes() and write() from other threads block "
            + "until the idle timeout: an engine limitation, not one SSE can work around";

    @Override
    String engine() {
        return "vthread";
    }

    @Override
    @Test
    @Disabled(BLOCKING_FLUSH)
    void aClientThatNeverReadsHasItsEventsDroppedAndOthersAreUnaffected() {
    }

    @Override
    @Test
    @Disabled(BLOCKING_FLUSH)
    void aClientThatNeverReadsIsDisconnectedUnderTheClosePolicy() {
    }
}
