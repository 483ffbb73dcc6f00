package dev.gannet.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.gannet.codec.Feed.Buffering;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DelimiterFramerTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static List<String> strings(List<byte[]> frames) {
        return frames.stream().map(b -> new String(b, StandardCharsets.US_ASCII)).toList();
    }

    /** Decodes {@code text} fed whole, byte by byte, at every two-way split and at random splits; all must agree. */
    private static List<String> decodeEveryWay(java.util.function.Supplier<DelimiterFramer> framers, String text) throws Exception {
        byte[] data = ascii(text);
        List<String> expected = strings(Feed.whole(framers.get(), data));
        for (Buffering buffering : Buffering.values()) {
            assertThat(strings(Feed.byteByByte(framers.get(), data, buffering))).as("byte by byte, %s", buffering)
                    .isEqualTo(expected);
            Random random = new Random(buffering.ordinal());
            for (int i = 0; i < 20; i++) {
                assertThat(strings(Feed.randomSplits(framers.get(), data, random, buffering))).isEqualTo(expected);
            }
        }
        for (int at = 0; at <= data.length; at++) {
            assertThat(strings(Feed.splitAt(framers.get(), data, at, Buffering.APPEND))).as("split at %d", at)
                    .isEqualTo(expected);
        }
        return expected;
    }

    @Test
    void linesWithLfAndCrlfAreStripped() throws Exception {
        assertThat(decodeEveryWay(() -> DelimiterFramer.lines(100), "one\ntwo\r\nthree\n\r\nfour"))
                .containsExactly("one", "two", "three", "");
    }

    @Test
    void linesKeepingTheirEnding() throws Exception {
        assertThat(decodeEveryWay(() -> DelimiterFramer.lines(100, false), "one\ntwo\r\n\nrest"))
                .containsExactly("one\n", "two\r\n", "\n");
    }

    @Test
    void loneCarriageReturnIsPartOfTheLine() throws Exception {
        assertThat(decodeEveryWay(() -> DelimiterFramer.lines(100), "a\rb\n\r\r\n"))
                .containsExactly("a\rb", "\r");
    }

    @Test
    void crlfSplitAcrossTwoReadsIsOneDelimiter() throws Exception {
        var framer = DelimiterFramer.lines(100);
        List<String> frames = strings(Feed.feed(framer, ascii("abc\r\ndef\n"), new int[] {4, 5}, Buffering.COMPACT_HEAP));
        assertThat(frames).containsExactly("abc", "def");
    }

    @Test
    void multiByteDelimiterSplitAcrossReads() throws Exception {
        byte[] delimiter = ascii("<END>");
        assertThat(decodeEveryWay(() -> new DelimiterFramer(100, true, delimiter), "alpha<END>be<EN<END><END>ta<E"))
                .containsExactly("alpha", "be<EN", "");
    }

    @Test
    void severalDelimitersFirstListedWinsAtAPosition() throws Exception {
        // "ABCD" is listed first, so at an A it waits to know whether "ABCD" follows, even if a C is already
        // there: the result must not depend on where reads split the stream.
        assertThat(decodeEveryWay(() -> new DelimiterFramer(100, true, ascii("ABCD"), ascii("C")), "xABCDyABCzC"))
                .containsExactly("x", "yAB", "z");
        assertThat(decodeEveryWay(() -> new DelimiterFramer(100, false, new byte[] {0}, ascii("||")), "a\0b||c|d\0"))
                .containsExactly("a\0", "b||", "c|d\0");
    }

    @Test
    void manyFramesInOneRead() throws Exception {
        StringBuilder text = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            text.append("line ").append(i).append(i % 2 == 0 ? "\n" : "\r\n");
            expected.add("line " + i);
        }
        assertThat(strings(Feed.whole(DelimiterFramer.lines(20), ascii(text.toString())))).isEqualTo(expected);
        assertThat(strings(Feed.randomSplits(DelimiterFramer.lines(20), ascii(text.toString()), new Random(3), Buffering.COMPACT_DIRECT_LE)))
                .isEqualTo(expected);
    }

    @Test
    void lineOfExactlyMaxLengthIsAccepted() throws Exception {
        assertThat(decodeEveryWay(() -> DelimiterFramer.lines(5), "12345\r\n12345\n")).containsExactly("12345", "12345");
        // Kept delimiters do not count towards the maximum either.
        assertThat(decodeEveryWay(() -> DelimiterFramer.lines(5, false), "12345\r\n")).containsExactly("12345\r\n");
    }

    @ParameterizedTest
    @EnumSource(Buffering.class)
    void tooLongAsSoonAsMaxPlusOneBytesHaveNoDelimiter(Buffering buffering) throws Exception {
        // Exactly max bytes, then a CR that may start a CRLF: not an error yet.
        assertThat(Feed.feed(DelimiterFramer.lines(5), ascii("12345\r"), new int[] {3, 3}, buffering)).isEmpty();
        assertThat(Feed.feed(DelimiterFramer.lines(5), ascii("12345"), new int[] {5}, buffering)).isEmpty();
        // One more byte with no delimiter fails at once, without waiting for the delimiter.
        var framer = DelimiterFramer.lines(5);
        assertThatThrownBy(() -> Feed.feed(framer, ascii("123456"), new int[] {2, 2, 2}, buffering))
                .isInstanceOfSatisfying(FrameException.class, e -> assertThat(e.kind()).isEqualTo(FrameException.Kind.TOO_LONG));
        assertThatThrownBy(() -> Feed.whole(DelimiterFramer.lines(5), ascii("ok\n123456\n")))
                .isInstanceOf(FrameException.class);
    }

    @Test
    void tooLongDoesNotScanPastTheMaximum() {
        byte[] data = new byte[1 << 20];
        Arrays.fill(data, (byte) 'x');
        data[data.length - 1] = '\n';
        ByteBuffer in = ByteBuffer.wrap(data);
        assertThatThrownBy(() -> DelimiterFramer.lines(10).decode(in, f -> true)).isInstanceOf(FrameException.class);
        assertThat(in.position()).isZero();
    }

    @Test
    void longLineInTinyReadsIsScannedOnce() {
        // Rescanning from the frame start on every read would be 200000^2 / 2 byte reads: far beyond the timeout.
        byte[] data = new byte[200_001];
        Arrays.fill(data, (byte) 'x');
        data[data.length - 1] = '\n';
        List<byte[]> frames = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> Feed.byteByByte(DelimiterFramer.lines(data.length), data, Buffering.APPEND));
        assertThat(frames).hasSize(1);
        assertThat(frames.getFirst()).hasSize(200_000);
    }

    @Test
    void sinkReturningFalseStops() throws Exception {
        var framer = DelimiterFramer.lines(100);
        ByteBuffer in = ByteBuffer.wrap(ascii("a\nb\nc"));
        List<String> seen = new ArrayList<>();
        framer.decode(in, f -> seen.add(StandardCharsets.US_ASCII.decode(f).toString()) && false);
        assertThat(seen).containsExactly("a");
        assertThat(in.position()).isEqualTo(2);
        assertThat(in.limit()).isEqualTo(5);
        framer.decode(in, f -> seen.add(StandardCharsets.US_ASCII.decode(f).toString()));
        assertThat(seen).containsExactly("a", "b");
        assertThat(in.position()).isEqualTo(4);
    }

    @Test
    void resetForgetsTheScannedPrefix() throws Exception {
        var framer = DelimiterFramer.lines(100);
        framer.decode(ByteBuffer.wrap(ascii("abcdef")), f -> true);
        framer.reset();
        List<String> seen = new ArrayList<>();
        // Without the reset, the newline at index 0 would be taken as already scanned.
        framer.decode(ByteBuffer.wrap(ascii("\nxxxxx\n")), f -> seen.add(StandardCharsets.US_ASCII.decode(f).toString()));
        assertThat(seen).containsExactly("", "xxxxx");
    }

    @Test
    void shorterInputThanScannedIsRescanned() throws Exception {
        // A caller that dropped the kept bytes without reset(): the decoder must not skip unseen bytes.
        var framer = DelimiterFramer.lines(100);
        framer.decode(ByteBuffer.wrap(ascii("abcdef")), f -> true);
        List<String> seen = new ArrayList<>();
        framer.decode(ByteBuffer.wrap(ascii("a\nb")), f -> seen.add(StandardCharsets.US_ASCII.decode(f).toString()));
        assertThat(seen).containsExactly("a");
    }

    @Test
    void constructorValidation() throws Exception {
        assertThatThrownBy(() -> new DelimiterFramer(10, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DelimiterFramer(10, true, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DelimiterFramer(0, true, ascii("\n"))).isInstanceOf(IllegalArgumentException.class);
        // The delimiter is copied: changing the caller's array later changes nothing.
        byte[] delimiter = ascii(";");
        var framer = new DelimiterFramer(10, true, delimiter);
        delimiter[0] = ',';
        assertThat(Feed.leftover(framer, ascii("a;"))).isZero();
    }
}
