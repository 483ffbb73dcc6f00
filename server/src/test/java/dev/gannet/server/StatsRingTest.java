package dev.gannet.server;

import dev.gannet.http.JsonMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StatsRingTest {

    private static StatsRing.Tick tick(long i) {
        return new StatsRing.Tick(1_000 * i, i, 10 * i, 100 + i, 200 + i, 300 + i);
    }

    @Test
    void keepsTheLastTicksOldestFirst() {
        StatsRing ring = new StatsRing(120);
        assertThat(ring.ticks()).isEmpty();
        for (long i = 1; i <= 5; i++) ring.add(tick(i));
        assertThat(ring.ticks()).containsExactly(tick(1), tick(2), tick(3), tick(4), tick(5));

        // Past the capacity, the oldest go; the size stays at the capacity.
        for (long i = 6; i <= 250; i++) ring.add(tick(i));
        List<StatsRing.Tick> held = ring.ticks();
        assertThat(held).hasSize(120);
        assertThat(held).containsExactlyElementsOf(LongStream.rangeClosed(131, 250).mapToObj(StatsRingTest::tick).toList());
    }

    @Test
    void wrapsAtEveryPosition() {
        StatsRing ring = new StatsRing(3);
        for (long i = 1; i <= 10; i++) {
            ring.add(tick(i));
            long from = Math.max(1, i - 2);
            assertThat(ring.ticks()).as("after %d", i)
                    .containsExactlyElementsOf(LongStream.rangeClosed(from, i).mapToObj(StatsRingTest::tick).toList());
        }
    }

    @Test
    void jsonHasOneColumnPerFigure() throws Exception {
        StatsRing ring = new StatsRing(2);
        ring.add(tick(1));
        ring.add(tick(2));
        ring.add(tick(3));
        byte[] b = ring.toJson(4_000).getBytes(StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, Object> m = JsonMapper.dslJson().read(b, 0, b.length, Map.class);
        assertThat(((Number) m.get("now")).longValue()).isEqualTo(4_000);
        assertThat(longs(m.get("time"))).containsExactly(2_000L, 3_000L);
        assertThat(longs(m.get("connections"))).containsExactly(2L, 3L);
        assertThat(longs(m.get("perSecond"))).containsExactly(20L, 30L);
        assertThat(longs(m.get("requests"))).containsExactly(102L, 103L);
        assertThat(longs(m.get("p50"))).containsExactly(202L, 203L);
        assertThat(longs(m.get("p99"))).containsExactly(302L, 303L);
        assertThat(new StatsRing(1).toJson(5)).isEqualTo(
                "{\"now\":5,\"time\":[],\"connections\":[],\"perSecond\":[],\"requests\":[],\"p50\":[],\"p99\":[]}");
    }

    @Test
    void capacityMustBePositive() {
        assertThatThrownBy(() -> new StatsRing(0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Long> longs(Object column) {
        return ((List<?>) column).stream().map(o -> ((Number) o).longValue()).toList();
    }
}
