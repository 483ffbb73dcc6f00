package dev.gannet.transport;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters shared by the loops of one server. LongAdder keeps the increments from contending across loops.
 */
public final class TransportStats {
    public final LongAdder accepted = new LongAdder();
    public final LongAdder closed = new LongAdder();
    /** Connections refused: over the connection limit, or accepted and closed at once when out of descriptors. */
    public final LongAdder rejected = new LongAdder();
    /** Closes that could not flush before the close timeout (a peer that does not read), ended with a reset. */
    public final LongAdder closeTimeouts = new LongAdder();
    public final LongAdder idleTimeouts = new LongAdder();
    public final LongAdder errors = new LongAdder();
    public final LongAdder handlerErrors = new LongAdder();
    public final LongAdder bytesRead = new LongAdder();
    public final LongAdder bytesWritten = new LongAdder();

    /** Connections open now. */
    public long open() {
        return accepted.sum() - closed.sum();
    }

    @Override
    public String toString() {
        return "open=" + open() + " accepted=" + accepted.sum() + " closed=" + closed.sum() + " rejected=" + rejected.sum()
                + " idleTimeouts=" + idleTimeouts.sum() + " closeTimeouts=" + closeTimeouts.sum() + " errors=" + errors.sum() + " handlerErrors=" + handlerErrors.sum()
                + " bytesRead=" + bytesRead.sum() + " bytesWritten=" + bytesWritten.sum();
    }
}
