package dev.gannet.http.sse;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventEncoderTest {
    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void fieldsInOrderThenABlankLine() {
        assertThat(s(EventEncoder.event("1", "tick", "hello"))).isEqualTo("id: 1\nevent: tick\ndata: hello\n\n");
        assertThat(s(EventEncoder.event(null, null, "hello"))).isEqualTo("data: hello\n\n");
    }

    @Test
    void everyKindOfLineEndSplitsData() {
        assertThat(s(EventEncoder.event(null, null, "a\nb\r\nc\rd"))).isEqualTo("data: a\ndata: b\ndata: c\ndata: d\n\n");
        assertThat(s(EventEncoder.event(null, null, "end\n"))).isEqualTo("data: end\ndata:\n\n");
        assertThat(s(EventEncoder.event(null, null, ""))).isEqualTo("data:\n\n");
        assertThat(s(EventEncoder.event(null, null, "\r\n\r\n"))).isEqualTo("data:\ndata:\ndata:\n\n");
    }

    @Test
    void emptyIdResetsAndLeadingSpaceSurvives() {
        assertThat(s(EventEncoder.event("", null, " x"))).isEqualTo("id:\ndata:  x\n\n");
    }

    @Test
    void retryAndComments() {
        assertThat(s(EventEncoder.retry(2500))).isEqualTo("retry: 2500\n\n");
        assertThat(s(EventEncoder.comment("hi\nthere"))).isEqualTo(": hi\n: there\n\n");
        assertThat(s(EventEncoder.comment(""))).isEqualTo(":\n\n");
        assertThatThrownBy(() -> EventEncoder.retry(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lineBreaksInIdOrEventAndNulInIdAreRefused() {
        for (String bad : new String[] {"a\nb", "a\rb", "\n", "x\r\n"}) {
            assertThatThrownBy(() -> EventEncoder.event(bad, null, "d")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> EventEncoder.event(null, bad, "d")).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> EventEncoder.event("a\0", null, "d")).isInstanceOf(IllegalArgumentException.class);
        assertThat(s(EventEncoder.event(null, "a\0", "d"))).isEqualTo("event: a\0\ndata: d\n\n");
    }
}
