package dev.gannet.tls;

import dev.gannet.transport.Connection;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A file being sent through TLS: read, encrypted and written a record at a time as the transport has room, so a
 * large file is never held in memory. Kept in a {@link TlsOutbound}'s backlog, in write order, until sent.
 *
 * <p>Its callback runs exactly once, as {@link Connection#sendFile} promises: when the last byte went out, or when
 * the send is dropped (the connection closed, was aborted or reset, or the file could not be read). The caller
 * closes the file there, so a connection that ends in the middle of a file holds its descriptor no longer.
 */
final class FileSend {
    /** Above this much pending output a transfer asks the transport to flush before reading on. */
    private static final int PENDING_LIMIT = 256 * 1024;

    private final FileChannel file;
    private final Runnable onDone;
    private long position;
    private long remaining;
    private boolean done;

    FileSend(FileChannel file, long position, long count, Runnable onDone) {
        this.file = file;
        this.position = position;
        this.remaining = count;
        this.onDone = onDone;
    }

    /**
     * Sends as much of the file as the transport takes; true once all of it went out.
     *
     * @param encrypt        encrypts and sends a chunk of plaintext; false when the engine held some back
     * @param outboundClosed whether nothing more can be sent
     * @throws IOException the file could not be read, or ended early
     */
    boolean pump(Connection raw, Predicate<ByteBuffer> encrypt, BooleanSupplier outboundClosed) throws IOException {
        ByteBuffer chunk = BufferCache.take(TlsOutbound.MAX_RECORD_PLAINTEXT);
        try {
            while (remaining > 0) {
                // Resumed by onWritabilityChanged(true).
                if (!raw.isWritable() || outboundClosed.getAsBoolean()) return false;
                chunk.clear().limit((int) Math.min(TlsOutbound.MAX_RECORD_PLAINTEXT, remaining));
                int n = file.read(chunk, position);
                if (n < 0) throw new EOFException("file ended " + remaining + " bytes before the requested count");
                position += n;
                remaining -= n;
                chunk.flip();
                if (!encrypt.test(chunk)) {
                    position -= chunk.remaining(); // held back by a renegotiation: read it again later
                    remaining += chunk.remaining();
                    return false;
                }
                // Engines that never report back-pressure still must not hold a whole file in memory.
                if (raw.pendingOutputBytes() > PENDING_LIMIT) raw.flush();
            }
        } finally {
            BufferCache.give(chunk);
        }
        complete();
        return true;
    }

    /** Sent, or dropped unsent: runs the callback, the first time only. */
    void complete() {
        if (done) return;
        done = true;
        if (onDone != null) onDone.run();
    }
}
