package dev.gannet.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A socket channel that can be told that more data follows at once (TCP's {@code MSG_MORE}): the kernel then holds
 * a short write back until the next one fills the segment. {@link OutboundBuffer} says so when response headers are
 * followed by a file, so the headers and the file's first bytes leave in one segment instead of the headers
 * going alone (with {@code TCP_NODELAY}, every write is otherwise pushed as it is).
 */
public interface CorkableChannel extends GatheringByteChannel {
    /** As {@link #write(ByteBuffer[], int, int)}; with {@code more}, the data may wait for the next write. */
    long write(ByteBuffer[] srcs, int offset, int length, boolean more) throws IOException;
}
