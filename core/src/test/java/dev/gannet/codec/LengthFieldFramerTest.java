package dev.gannet.codec;

import static dev.gannet.codec.Feed.bytes;
import static dev.gannet.codec.Feed.concat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gannet.codec.Feed.Buffering;
import dev.gannet.codec.LengthFieldFramer.Config;
import java.lang.management.ManagementFactory;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class LengthFieldFramerTest {

    private static final byte[] HELLO = "HELLO, WORLD".getBytes(StandardCharsets.US_ASCII);

    static Stream<Arguments> fieldsAndOrders() {
        List<Arguments> out = new ArrayList<>();
        for (int length : new int[] {1, 2, 4, 8}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                for (boolean strip : new boolean[] {false, true}) {
                    for (boolean includesHeader : new boolean[] {false, true}) {
                        out.add(Arguments.of(length, order, strip, includesHeader));
                    }
                }
            }
        }
        return out.stream();
    }

    private static List<byte[]> payloads(int max) {
        Random random = new Random(max);
        List<byte[]> payloads = new ArrayList<>();
        for (int size : new int[] {0, 1, 2, 7, 100, max}) {
            byte[] p = new byte[size];
            random.nextBytes(p);
            payloads.add(p);
        }
        return payloads;
    }

    /** Round trip through writeFrame and decode, at every split of the stream a transport could make. */
    @ParameterizedTest(name = "length={0} order={1} strip={2} includesHeader={3}")
    @MethodSource("fieldsAndOrders")
    void roundTripsAtEverySplit(int lengthFieldLength, ByteOrder order, boolean strip, boolean includesHeader) throws Exception {
        int maxPayload = lengthFieldLength == 1 ? 200 : 300;
        Config config = Config.builder().lengthFieldLength(lengthFieldLength).byteOrder(order)
                .lengthAdjustment(includesHeader ? -lengthFieldLength : 0)
                .initialBytesToStrip(strip ? lengthFieldLength : 0)
                .maxFrameLength(maxPayload + lengthFieldLength).build();
        List<byte[]> payloads = payloads(maxPayload);
        ByteBuffer stream = ByteBuffer.allocate(4096);
        List<byte[]> expected = new ArrayList<>();
        for (byte[] p : payloads) {
            int start = stream.position();
            LengthFieldFramer.writeFrame(config, ByteBuffer.wrap(p), stream);
            expected.add(strip ? p : java.util.Arrays.copyOfRange(stream.array(), start, stream.position()));
        }
        byte[] data = java.util.Arrays.copyOf(stream.array(), stream.position());

        assertThat(Feed.whole(new LengthFieldFramer(config), data)).containsExactlyElementsOf(expected);
        for (Buffering buffering : Buffering.values()) {
            assertThat(Feed.byteByByte(new LengthFieldFramer(config), data, buffering)).containsExactlyElementsOf(expected);
            Random random = new Random(lengthFieldLength * 31L + buffering.ordinal());
            for (int i = 0; i < 20; i++) {
                assertThat(Feed.randomSplits(new LengthFieldFramer(config), data, random, buffering))
                        .containsExactlyElementsOf(expected);
            }
        }
        for (int at = 0; at <= data.length; at++) {
            assertThat(Feed.splitAt(new LengthFieldFramer(config), data, at, Buffering.COMPACT_DIRECT_LE))
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void lengthOnlyHeaderKept() throws Exception {
        byte[] frame = concat(bytes(0x00, 0x0C), HELLO);
        var framer = new LengthFieldFramer(Config.builder().lengthFieldLength(2).build());
        assertThat(Feed.whole(framer, frame)).containsExactly(frame);
    }

    @Test
    void lengthOnlyHeaderStripped() throws Exception {
        var framer = new LengthFieldFramer(Config.builder().lengthFieldLength(2).initialBytesToStrip(2).build());
        assertThat(Feed.whole(framer, concat(bytes(0x00, 0x0C), HELLO))).containsExactly(HELLO);
    }

    @Test
    void lengthCountsItsOwnField() throws Exception {
        var framer = new LengthFieldFramer(Config.builder().lengthFieldLength(2).lengthAdjustment(-2).initialBytesToStrip(2).build());
        assertThat(Feed.whole(framer, concat(bytes(0x00, 0x0E), HELLO))).containsExactly(HELLO);
    }

    @Test
    void headerBeforeTheLengthField() throws Exception {
        byte[] frame = concat(bytes(0xCA, 0xFE, 0, 0, 0, 0x0C), HELLO);
        var framer = new LengthFieldFramer(Config.builder().lengthFieldOffset(2).lengthFieldLength(4).build());
        assertThat(Feed.whole(framer, frame)).containsExactly(frame);
        assertThat(Feed.byteByByte(framer, concat(frame, frame), Buffering.APPEND)).containsExactly(frame, frame);
    }

    @Test
    void headerAfterTheLengthField() throws Exception {
        byte[] frame = concat(bytes(0, 0, 0, 0x0C, 0xCA, 0xFE), HELLO);
        var framer = new LengthFieldFramer(Config.builder().lengthFieldLength(4).lengthAdjustment(2).build());
        assertThat(Feed.whole(framer, frame)).containsExactly(frame);
    }

    @Test
    void headerAroundTheLengthFieldPartlyStripped() throws Exception {
        var framer = new LengthFieldFramer(Config.builder().lengthFieldOffset(1).lengthFieldLength(2)
                .lengthAdjustment(1).initialBytesToStrip(3).build());
        assertThat(Feed.whole(framer, concat(bytes(0xCA, 0x00, 0x0C, 0xFE), HELLO)))
                .containsExactly(concat(bytes(0xFE), HELLO));
    }

    @Test
    void lengthCountsTheWholeFrameIncludingBytesBeforeIt() throws Exception {
        var framer = new LengthFieldFramer(Config.builder().lengthFieldOffset(1).lengthFieldLength(2)
                .lengthAdjustment(-3).initialBytesToStrip(3).build());
        assertThat(Feed.whole(framer, concat(bytes(0xCA, 0x00, 0x10, 0xFE), HELLO)))
                .containsExactly(concat(bytes(0xFE), HELLO));
    }

    @Test
    void littleEndianFieldInABigEndianBuffer() throws Exception {
        var framer = new LengthFieldFramer(Config.builder().lengthFieldLength(4).byteOrder(ByteOrder.LITTLE_ENDIAN)
                .initialBytesToStrip(4).build());
        assertThat(Feed.whole(framer, concat(bytes(0x0C, 0, 0, 0), HELLO))).containsExactly(HELLO);
    }

    @Test
    void emptyFrames() throws Exception {
        var framer = LengthFieldFramer.prefixed(2, 100);
        assertThat(Feed.whole(framer, bytes(0, 0, 0, 0, 0, 1, 'x'))).containsExactly(new byte[0], new byte[0], bytes('x'));
    }

    @Test
    void leavesAPartialFrameAtItsStart() throws Exception {
        var framer = LengthFieldFramer.prefixed(2, 100);
        byte[] data = concat(bytes(0, 1, 'a'), bytes(0, 5, 'b', 'c'));
        assertThat(Feed.leftover(framer, data)).isEqualTo(4);
        assertThat(Feed.leftover(framer, bytes(0))).isEqualTo(1);
        assertThat(Feed.leftover(framer, new byte[0])).isZero();
    }

    @Test
    void sinkReturningFalseStopsAfterThatFrame() throws Exception {
        var framer = LengthFieldFramer.prefixed(1, 100);
        ByteBuffer in = ByteBuffer.wrap(bytes(1, 'a', 1, 'b', 1, 'c'));
        List<String> seen = new ArrayList<>();
        framer.decode(in, frame -> {
            seen.add(StandardCharsets.US_ASCII.decode(frame).toString());
            return seen.size() < 2;
        });
        assertThat(seen).containsExactly("a", "b");
        assertThat(in.position()).isEqualTo(4);
        assertThat(in.limit()).isEqualTo(6);
        framer.decode(in, frame -> {
            seen.add(StandardCharsets.US_ASCII.decode(frame).toString());
            return true;
        });
        assertThat(seen).containsExactly("a", "b", "c");
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void frameViewIsBoundedToTheFrame() throws Exception {
        var framer = LengthFieldFramer.prefixed(1, 100);
        ByteBuffer in = ByteBuffer.wrap(bytes(3, 'a', 'b', 'c', 2, 'd', 'e'));
        List<int[]> bounds = new ArrayList<>();
        framer.decode(in, frame -> {
            bounds.add(new int[] {frame.position(), frame.limit()});
            return true;
        });
        assertThat(bounds).containsExactly(new int[] {1, 4}, new int[] {5, 7});
    }

    @Test
    void sinkExceptionLeavesTheLimitIntact() {
        var framer = LengthFieldFramer.prefixed(1, 100);
        ByteBuffer in = ByteBuffer.wrap(bytes(1, 'a', 1, 'b'));
        assertThatThrownBy(() -> framer.decode(in, frame -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(in.limit()).isEqualTo(4);
    }

    @Test
    void tooLongIsDetectedFromTheHeaderAlone() {
        var framer = LengthFieldFramer.prefixed(4, 1024);
        // Only the header has arrived; the decoder must not wait for a megabyte of body first.
        assertThatThrownBy(() -> Feed.whole(framer, bytes(0, 0x10, 0, 0)))
                .isInstanceOfSatisfying(FrameException.class, e -> assertThat(e.kind()).isEqualTo(FrameException.Kind.TOO_LONG))
                .hasMessageContaining("1048580").hasMessageContaining("1024");
        assertThat(catchFrame(() -> Feed.byteByByte(LengthFieldFramer.prefixed(4, 1024), bytes(0, 0x10, 0, 0, 1, 2), Buffering.COMPACT_HEAP)))
                .isEqualTo(FrameException.Kind.TOO_LONG);
    }

    @Test
    void maxFrameLengthCountsTheHeaderAndIsInclusive() throws Exception {
        var framer = new LengthFieldFramer(Config.builder().lengthFieldLength(1).maxFrameLength(4).build());
        assertThat(Feed.whole(framer, bytes(3, 'a', 'b', 'c'))).hasSize(1);
        assertThat(catchFrame(() -> Feed.whole(new LengthFieldFramer(framer.config()), bytes(4)))).isEqualTo(FrameException.Kind.TOO_LONG);
    }

    @Test
    void fourByteLengthIsUnsigned() {
        var framer = LengthFieldFramer.prefixed(4, 1 << 20);
        assertThat(catchFrame(() -> Feed.whole(framer, bytes(0xFF, 0xFF, 0xFF, 0xFF)))).isEqualTo(FrameException.Kind.TOO_LONG);
    }

    @Test
    void negativeEightByteLengthIsMalformed() {
        var framer = LengthFieldFramer.prefixed(8, 1 << 20);
        assertThat(catchFrame(() -> Feed.whole(framer, bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE))))
                .isEqualTo(FrameException.Kind.MALFORMED);
    }

    @Test
    void hugeEightByteLengthIsTooLongWithoutOverflow() {
        var framer = new LengthFieldFramer(Config.builder().lengthFieldLength(8).lengthAdjustment(Integer.MAX_VALUE)
                .maxFrameLength(Integer.MAX_VALUE).build());
        assertThat(catchFrame(() -> Feed.whole(framer, bytes(0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF))))
                .isEqualTo(FrameException.Kind.TOO_LONG);
        var subtracting = new LengthFieldFramer(Config.builder().lengthFieldLength(8).lengthAdjustment(Integer.MIN_VALUE)
                .maxFrameLength(Integer.MAX_VALUE).build());
        assertThat(catchFrame(() -> Feed.whole(subtracting, bytes(0, 0, 0, 1, 0, 0, 0, 0))))
                .isEqualTo(FrameException.Kind.TOO_LONG);
    }

    @Test
    void lengthShorterThanTheHeaderIsMalformed() throws Exception {
        // The value is meant to include the 4 byte field itself, so anything below 4 is impossible.
        var framer = new LengthFieldFramer(Config.builder().lengthFieldLength(4).lengthAdjustment(-4).build());
        assertThat(catchFrame(() -> Feed.whole(framer, bytes(0, 0, 0, 3)))).isEqualTo(FrameException.Kind.MALFORMED);
        assertThat(Feed.leftover(new LengthFieldFramer(framer.config()), bytes(0, 0, 0, 4))).isZero();
    }

    @Test
    void frameShorterThanTheBytesToStripIsMalformed() {
        var framer = new LengthFieldFramer(Config.builder().lengthFieldLength(1).lengthAdjustment(-1).initialBytesToStrip(3).build());
        assertThat(catchFrame(() -> Feed.whole(framer, bytes(2, 'a', 'b')))).isEqualTo(FrameException.Kind.MALFORMED);
    }

    @Test
    void errorLeavesPositionAtTheOffendingFrame() {
        var framer = LengthFieldFramer.prefixed(1, 3);
        ByteBuffer in = ByteBuffer.wrap(bytes(1, 'a', 9, 'b'));
        List<byte[]> frames = new ArrayList<>();
        assertThatThrownBy(() -> framer.decode(in, f -> frames.add(new byte[f.remaining()]))).isInstanceOf(FrameException.class);
        assertThat(frames).hasSize(1);
        assertThat(in.position()).isEqualTo(2);
        assertThat(in.limit()).isEqualTo(4);
    }

    @Test
    void configValidation() {
        assertThatThrownBy(() -> Config.builder().lengthFieldLength(3).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Config.builder().lengthFieldOffset(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Config.builder().initialBytesToStrip(-1).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Config.builder().maxFrameLength(0).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Config.builder().maxFrameLength(6).lengthFieldOffset(3).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Config.builder().maxFrameLength(6).initialBytesToStrip(7).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Config.builder().byteOrder(null).build()).isInstanceOf(NullPointerException.class);
        Config defaults = Config.builder().build();
        assertThat(defaults).isEqualTo(new Config(0, 4, 0, 0, Config.DEFAULT_MAX_FRAME_LENGTH, ByteOrder.BIG_ENDIAN));
        assertThat(defaults.toBuilder().build()).isEqualTo(defaults);
        assertThat(Config.prefixed(2, 10)).isEqualTo(new Config(0, 2, 0, 2, 10, ByteOrder.BIG_ENDIAN));
    }

    @Test
    void writeFrameChecks() {
        Config oneByte = Config.prefixed(1, 1000);
        assertThatThrownBy(() -> LengthFieldFramer.writeFrame(oneByte, ByteBuffer.allocate(256), ByteBuffer.allocate(300)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LengthFieldFramer.writeFrame(Config.prefixed(4, 10), ByteBuffer.allocate(7), ByteBuffer.allocate(300)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxFrameLength");
        Config offset = Config.builder().lengthFieldOffset(2).build();
        assertThatThrownBy(() -> LengthFieldFramer.writeFrame(offset, ByteBuffer.allocate(1), ByteBuffer.allocate(10)))
                .isInstanceOf(IllegalArgumentException.class);

        ByteBuffer small = ByteBuffer.allocate(5);
        ByteBuffer payload = ByteBuffer.wrap(bytes(1, 2));
        assertThatThrownBy(() -> LengthFieldFramer.writeFrame(Config.prefixed(4, 100), payload, small))
                .isInstanceOf(BufferOverflowException.class);
        assertThat(small.position()).isZero();
        assertThat(payload.remaining()).isEqualTo(2);
    }

    @Test
    void putLengthFillsAReservedHeader() throws Exception {
        Config config = Config.builder().lengthFieldOffset(1).lengthFieldLength(2).byteOrder(ByteOrder.LITTLE_ENDIAN)
                .initialBytesToStrip(3).build();
        ByteBuffer out = ByteBuffer.allocate(64);
        out.put((byte) 0x42).position(3).put(HELLO);
        LengthFieldFramer.putLength(config, out, 1, out.position() - config.lengthFieldEnd());
        assertThat(out.array()[1]).isEqualTo((byte) 12);
        assertThat(out.array()[2]).isZero();
        byte[] data = java.util.Arrays.copyOf(out.array(), out.position());
        assertThat(Feed.whole(new LengthFieldFramer(config), data)).containsExactly(HELLO);
    }

    @Test
    void decodingAllocatesNothingPerFrame() throws Exception {
        var framer = LengthFieldFramer.prefixed(2, 100);
        ByteBuffer in = ByteBuffer.allocateDirect(10_000 * 7);
        while (in.hasRemaining()) in.putShort((short) 5).put(HELLO, 0, 5);
        in.flip();
        int[] count = new int[1];
        FrameSink sink = frame -> {
            count[0]++;
            return true;
        };
        for (int i = 0; i < 50; i++) {
            framer.decode(in.clear(), sink);
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(tid);
        framer.decode(in.clear(), sink);
        long allocated = threads.getThreadAllocatedBytes(tid) - before;
        assertThat(count[0]).isEqualTo(51 * 10_000);
        assertThat(allocated).as("bytes allocated decoding 10000 frames").isLessThan(1_000);
    }

    @ParameterizedTest
    @EnumSource(Buffering.class)
    void manySmallFramesInOneRead(Buffering buffering) throws Exception {
        Config config = Config.prefixed(2, 100);
        ByteBuffer stream = ByteBuffer.allocate(100_000);
        List<byte[]> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            byte[] p = ("frame " + i).getBytes(StandardCharsets.US_ASCII);
            LengthFieldFramer.writeFrame(config, ByteBuffer.wrap(p), stream);
            expected.add(p);
        }
        byte[] data = java.util.Arrays.copyOf(stream.array(), stream.position());
        assertThat(Feed.randomSplits(new LengthFieldFramer(config), data, new Random(7), buffering))
                .containsExactlyElementsOf(expected);
    }

    interface FeedCall {
        Object run() throws Exception;
    }

    static FrameException.Kind catchFrame(FeedCall call) {
        try {
            call.run();
        } catch (FrameException e) {
            return e.kind();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no FrameException");
    }
}
