package dev.gannet.codec;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Drives a decoder the way a transport does: bytes arrive in chunks, and unconsumed bytes are kept. */
final class Feed {

    /** How the simulated transport keeps the unconsumed bytes between calls. */
    enum Buffering {
        /** Compact to the front of a heap buffer after each call. */
        COMPACT_HEAP,
        /** Compact to the front of a direct buffer, in little-endian order to catch byte order mix-ups. */
        COMPACT_DIRECT_LE,
        /** Never compact: append after the limit, so frames start at arbitrary non-zero positions. */
        APPEND
    }

    private Feed() {
    }

    static List<byte[]> whole(FrameDecoder decoder, byte[] data) throws FrameException {
        return feed(decoder, data, new int[] {data.length}, Buffering.APPEND);
    }

    static List<byte[]> byteByByte(FrameDecoder decoder, byte[] data, Buffering buffering) throws FrameException {
        int[] chunks = new int[data.length];
        java.util.Arrays.fill(chunks, 1);
        return feed(decoder, data, chunks, buffering);
    }

    static List<byte[]> randomSplits(FrameDecoder decoder, byte[] data, Random random, Buffering buffering) throws FrameException {
        List<Integer> sizes = new ArrayList<>();
        for (int left = data.length; left > 0; ) {
            int n = Math.min(left, 1 + random.nextInt(Math.max(1, Math.min(left, 40))));
            sizes.add(n);
            left -= n;
        }
        return feed(decoder, data, sizes.stream().mapToInt(Integer::intValue).toArray(), buffering);
    }

    /** Splits {@code data} in two at {@code at}. */
    static List<byte[]> splitAt(FrameDecoder decoder, byte[] data, int at, Buffering buffering) throws FrameException {
        return feed(decoder, data, new int[] {at, data.length - at}, buffering);
    }

    static List<byte[]> feed(FrameDecoder decoder, byte[] data, int[] chunks, Buffering buffering) throws FrameException {
        List<byte[]> frames = new ArrayList<>();
        FrameSink sink = frame -> {
            byte[] copy = new byte[frame.remaining()];
            frame.get(frame.position(), copy);
            // Consuming the frame must not matter to the decoder.
            frame.position(frame.limit());
            frames.add(copy);
            return true;
        };
        int offset = 0;
        switch (buffering) {
            case APPEND -> {
                // Leading bytes already consumed, so that nothing starts at index 0.
                int lead = 3;
                ByteBuffer in = ByteBuffer.allocate(lead + data.length);
                in.position(lead).limit(lead);
                for (int n : chunks) {
                    int at = in.limit();
                    in.limit(at + n);
                    in.put(at, data, offset, n);
                    offset += n;
                    decoder.decode(in, sink);
                    assertIntact(in, at + n);
                }
            }
            case COMPACT_HEAP, COMPACT_DIRECT_LE -> {
                ByteBuffer in = buffering == Buffering.COMPACT_HEAP
                        ? ByteBuffer.allocate(data.length)
                        : ByteBuffer.allocateDirect(data.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int n : chunks) {
                    in.put(data, offset, n);
                    offset += n;
                    in.flip();
                    int limit = in.limit();
                    decoder.decode(in, sink);
                    assertIntact(in, limit);
                    in.compact();
                }
            }
        }
        return frames;
    }

    private static void assertIntact(ByteBuffer in, int limit) {
        if (in.limit() != limit) throw new AssertionError("decoder changed the limit: " + in.limit() + " != " + limit);
    }

    /** The bytes left unconsumed when feeding {@code data} whole. */
    static int leftover(FrameDecoder decoder, byte[] data) throws FrameException {
        ByteBuffer in = ByteBuffer.wrap(data);
        decoder.decode(in, frame -> true);
        return in.remaining();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (byte) values[i];
        return out;
    }
}
