package dev.gannet.nats;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class TopicSubjectsTest {
    @Test
    void plainNamesStayReadable() {
        assertThat(TopicSubjects.subject("gannet.topic.", "lobby")).isEqualTo("gannet.topic.lobby");
        assertThat(TopicSubjects.token("Room_42-b")).isEqualTo("Room_42-b");
    }

    @Test
    void separatorsWildcardsWhitespaceAndNonAsciiAreEscaped() {
        assertThat(TopicSubjects.token("a.b")).isEqualTo("a%2Eb");
        assertThat(TopicSubjects.token("*")).isEqualTo("%2A");
        assertThat(TopicSubjects.token(">")).isEqualTo("%3E");
        assertThat(TopicSubjects.token("a b\tc")).isEqualTo("a%20b%09c");
        assertThat(TopicSubjects.token("100%")).isEqualTo("100%25");
        assertThat(TopicSubjects.token("é")).isEqualTo("%C3%A9");
        assertThat(TopicSubjects.token("")).isEqualTo("%");
    }

    @Test
    void everyTokenIsAValidLiteralNatsToken() {
        for (String t : List.of("", "a.b.c", "*", ">", " ", "x\ny", "~", "%", "日本", "a".repeat(500), ". ".repeat(100))) {
            String token = TopicSubjects.token(t);
            assertThat(token).isNotEmpty().doesNotContain(".", "*", ">").doesNotContainAnyWhitespaces();
            assertThat(token.length()).isLessThanOrEqualTo(TopicSubjects.MAX_TOKEN);
        }
    }

    @Test
    void distinctTopicsGetDistinctSubjects() {
        List<String> topics = List.of("", "%", "%25", "a.b", "a%2Eb", "a b", "a_b", "~", "%7E", "a".repeat(300), "a".repeat(301));
        Set<String> tokens = new HashSet<>();
        for (String t : topics) tokens.add(TopicSubjects.token(t));
        assertThat(tokens).hasSize(topics.size());
    }

    @Test
    void longNamesAreHashedTheSameEverywhere() {
        String longName = "room/".repeat(100);
        assertThat(TopicSubjects.token(longName)).startsWith("~").isEqualTo(TopicSubjects.token(new String(longName)));
    }
}
