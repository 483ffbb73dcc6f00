package dev.gannet.nats;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NatsFanoutConfigTest {
    @Test
    void defaultsAreBoundedAndNamed() {
        NatsFanoutConfig c = NatsFanoutConfig.builder().nodeId("n1").build();
        assertThat(c.servers()).containsExactly(NatsFanoutConfig.DEFAULT_URL);
        assertThat(c.subjectPrefix()).isEqualTo("gannet.topic.");
        assertThat(c.connectionName()).isEqualTo("gannet-n1");
        assertThat(c.maxPendingMessages()).isPositive();
        assertThat(c.reconnectBufferBytes()).isPositive();
        assertThat(NatsFanoutConfig.builder().build().nodeId()).isNotEqualTo(NatsFanoutConfig.builder().build().nodeId());
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }

    @Test
    void commaSeparatedServersAsInNatsUrl() {
        assertThat(NatsFanoutConfig.builder().servers(" nats://a:4222, nats://b:4222 ,").build().servers())
                .containsExactly("nats://a:4222", "nats://b:4222");
    }

    @Test
    void rejectsWhatCannotWork() {
        assertThatThrownBy(() -> NatsFanoutConfig.builder().servers(List.of()).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NatsFanoutConfig.builder().subjectPrefix("gannet.*.").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NatsFanoutConfig.builder().subjectPrefix("no-dot").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NatsFanoutConfig.builder().nodeId("x".repeat(256)).build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NatsFanoutConfig.builder().maxPendingMessages(0).build()).isInstanceOf(IllegalArgumentException.class);
    }
}
