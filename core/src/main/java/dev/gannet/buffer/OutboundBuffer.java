package dev.gannet.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;

/**
 * A connection's pending output: pooled chunks of copied bytes, and file regions sent with sendfile, in the
 * order they were queued. It holds no memory while empty, which keeps idle connections cheap.
 *
 * <p>Chunks are kept in write mode (position = end of data); {@link #writeTo} flips them only for the
 * gathering write, so nothing is allocated per flush. Not thread-safe: its owner serializes access.
 */
public final class OutboundBuffer {
    /** Chunk size: large enough that a typical response needs one chunk, small enough to pool well. */
    public static final int CHUNK = 16 * 1024;
    private static final int MAX_GATHER = 64;

    private final BufferPool pool;
    private final ArrayDeque<Object> entries = new ArrayDeque<>(2);
    /** Made on the first gathering write only: most connections never queue more than one chunk. */
    private ByteBuffer[] gather;
    private long pending;

    public OutboundBuffer(BufferPool pool) {
        this.pool = pool;
    }

    /** Bytes queued and not yet written (file regions count their remaining length). */
    public long pending() {
        return pending;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Copies the remaining bytes of {@code src} (consuming them). */
    public void append(ByteBuffer src) {
        int len = src.remaining();
        while (src.hasRemaining()) {
            ByteBuffer tail = writableTail(src.remaining());
            int n = Math.min(src.remaining(), tail.remaining());
            tail.put(tail.position(), src, src.position(), n);
            tail.position(tail.position() + n);
            src.position(src.position() + n);
        }
        pending += len;
    }

    public void append(byte[] src, int offset, int length) {
        int end = offset + length;
        while (offset < end) {
            ByteBuffer tail = writableTail(end - offset);
            int n = Math.min(end - offset, tail.remaining());
            tail.put(src, offset, n);
            offset += n;
        }
        pending += length;
    }

    /**
     * Queues {@code count} bytes of {@code file} from {@code position}. {@code onDone} runs exactly once: when the
     * bytes were written, or when {@link #release} drops the region unsent; the owner closes the file there.
     */
    public void appendFile(FileChannel file, long position, long count, Runnable onSent) {
        entries.addLast(new FileRegion(file, position, count, onSent));
        pending += count;
    }

    private ByteBuffer writableTail(int wanted) {
        Object last = entries.peekLast();
        if (last instanceof ByteBuffer b && b.hasRemaining()) return b;
        ByteBuffer b = pool.acquire(Math.max(CHUNK, Math.min(wanted, BufferPool.MAX_POOLED)));
        entries.addLast(b);
        return b;
    }

    /**
     * Writes as much as the channel takes without blocking (or everything, for a blocking channel).
     * Returns the number of bytes written; {@link #isEmpty()} tells whether all went.
     */
    public long writeTo(WritableByteChannel channel) throws IOException {
        return writeTo(channel, channel);
    }

    /**
     * As {@link #writeTo(WritableByteChannel)}, with the chunks written to {@code channel} and file regions
     * transferred to {@code fileTarget}: the socket's own channel, which the JDK's sendfile path recognises.
     */
    public long writeTo(WritableByteChannel channel, WritableByteChannel fileTarget) throws IOException {
        long total = 0;
        while (!entries.isEmpty()) {
            Object head = entries.peekFirst();
            long n;
            boolean done;
            if (head instanceof FileRegion region) {
                n = region.file.transferTo(region.position, region.count, fileTarget);
                region.position += n;
                region.count -= n;
                done = region.count == 0;
                if (done) {
                    entries.pollFirst();
                    if (region.onSent != null) region.onSent.run();
                }
            } else {
                n = writeChunks(channel);
                done = entries.isEmpty() || entries.peekFirst() != head;
            }
            total += n;
            pending -= n;
            if (!done || n == 0) break;
        }
        return total;
    }

    /** Writes the leading run of chunks, with one gathering write when there are several. */
    private long writeChunks(WritableByteChannel channel) throws IOException {
        ByteBuffer head = (ByteBuffer) entries.peekFirst();
        if (entries.size() == 1 || !(channel instanceof GatheringByteChannel g)) {
            long n = channel.write(head.flip());
            afterWrite(head);
            return n;
        }
        if (gather == null) gather = new ByteBuffer[MAX_GATHER];
        int count = 0;
        boolean fileNext = false;
        for (Object e : entries) {
            if (!(e instanceof ByteBuffer b)) {
                // Only a region with bytes left will push what a corked write holds back.
                fileNext = ((FileRegion) e).count > 0;
                break;
            }
            if (count == MAX_GATHER) break;
            gather[count++] = b.flip();
        }
        long n = fileNext && g instanceof CorkableChannel c ? c.write(gather, 0, count, true) : g.write(gather, 0, count);
        for (int i = 0; i < count; i++) {
            afterWrite(gather[i]);
            gather[i] = null;
        }
        return n;
    }

    /**
     * For engines that send asynchronously (io_uring): the leading chunks, up to {@code max} and up to the first
     * file region, each in write mode with its data in {@code [0, position)}. Their bytes must stay where they are
     * until {@link #sent} reports the send; appending meanwhile only writes past them.
     */
    public int leadingChunks(ByteBuffer[] into, int max) {
        int n = 0;
        for (Object e : entries) {
            if (!(e instanceof ByteBuffer b) || n == max) break;
            into[n++] = b;
        }
        return n;
    }

    /** Whether a file region (not a chunk) is next to send. */
    public boolean headIsFile() {
        return entries.peekFirst() instanceof FileRegion;
    }

    /**
     * The leading file region's remaining length; 0 means it is done, and then it is dropped and its callback run.
     * For engines that send files themselves (io_uring), with {@link #mapHeadFile} or {@link #fileToChunk}.
     */
    public long headFileRemaining() {
        FileRegion region = (FileRegion) entries.peekFirst();
        if (region.count == 0) {
            entries.pollFirst();
            if (region.onSent != null) region.onSent.run();
        }
        return region.count;
    }

    /** Maps up to {@code max} bytes of the leading file region into {@code arena}: closing the arena unmaps them. */
    public java.lang.foreign.MemorySegment mapHeadFile(long max, java.lang.foreign.Arena arena) throws IOException {
        FileRegion region = (FileRegion) entries.peekFirst();
        return region.file.map(FileChannel.MapMode.READ_ONLY, region.position, Math.min(max, region.count), arena);
    }

    /**
     * Reads the leading file region's next bytes (up to a chunk) into a pooled chunk placed in front of it: for a
     * small file a copy costs less than mapping and unmapping its pages.
     */
    public void fileToChunk() throws IOException {
        FileRegion region = (FileRegion) entries.peekFirst();
        ByteBuffer b = pool.acquire(CHUNK);
        b.limit((int) Math.min(b.capacity(), region.count));
        int n = region.file.read(b, region.position);
        if (n <= 0) {
            pool.release(b);
            throw new java.io.EOFException("file ended " + region.count + " bytes before the region did");
        }
        b.limit(b.capacity());
        region.position += n;
        region.count -= n;
        entries.addFirst(b);
    }

    /** {@code n} bytes of the leading file region were sent. */
    public void fileSent(long n) {
        FileRegion region = (FileRegion) entries.peekFirst();
        region.position += n;
        region.count -= n;
        pending -= n;
    }

    /** {@code n} bytes of the leading chunks were sent: drop the chunks done, move the rest of a partial one down. */
    public void sent(long n) {
        pending -= n;
        while (n > 0) {
            ByteBuffer b = (ByteBuffer) entries.peekFirst();
            int len = b.position();
            if (n >= len) {
                entries.pollFirst();
                pool.release(b);
                n -= len;
            } else {
                b.flip().position((int) n);
                b.compact();
                n = 0;
            }
        }
    }

    /** Drops a chunk that was written out, or puts a partly written one back in write mode. */
    private void afterWrite(ByteBuffer b) {
        if (!b.hasRemaining()) {
            entries.pollFirst();
            pool.release(b);
        } else if (b.position() > 0) {
            b.compact();
        } else {
            b.position(b.limit()).limit(b.capacity());
        }
    }

    /**
     * Drops everything queued, returning chunks to the pool and running each dropped file region's callback, so
     * its file is closed now rather than when a collection finds it. A callback that throws does not stop the rest.
     */
    public void release() {
        Object e;
        while ((e = entries.pollFirst()) != null) {
            if (e instanceof ByteBuffer b) {
                pool.release(b);
            } else if (((FileRegion) e).onSent != null) {
                try {
                    ((FileRegion) e).onSent.run();
                } catch (RuntimeException | Error t) {
                    System.getLogger(OutboundBuffer.class.getName())
                            .log(System.Logger.Level.WARNING, "a file send's completion failed", t);
                }
            }
        }
        pending = 0;
    }

    private static final class FileRegion {
        final FileChannel file;
        final Runnable onSent;
        long position;
        long count;

        FileRegion(FileChannel file, long position, long count, Runnable onSent) {
            this.file = file;
            this.position = position;
            this.count = count;
            this.onSent = onSent;
        }
    }
}
