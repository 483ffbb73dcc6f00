package dev.gannet.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The default mapper writes what handlers return and reads request bodies; Jackson stands in where DSL-JSON can't. */
class JsonMapperTest {
    public record Item(String name, int count, List<String> tags) {
    }

    private static String write(JsonMapper m, Object v) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.write(v, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void recordsAndMapsRoundTrip() throws Exception {
        JsonMapper m = JsonMapper.dslJson();
        String json = write(m, new Item("a", 2, List.of("x", "y")));
        assertThat(json).isEqualTo("{\"name\":\"a\",\"count\":2,\"tags\":[\"x\",\"y\"]}");
        byte[] bytes = ("  " + json).getBytes(StandardCharsets.UTF_8);
        assertThat(m.read(bytes, 2, bytes.length - 2, Item.class)).isEqualTo(new Item("a", 2, List.of("x", "y")));
        assertThat(write(m, Map.of("status", "UP"))).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void bothLibrariesAgreeOnTheBenchmarkPayload() throws Exception {
        record Message(String message) {
        }
        assertThat(write(JsonMapper.dslJson(), new Message("Hello, World!")))
                .isEqualTo(write(JsonMapper.jackson(), new Message("Hello, World!")))
                .isEqualTo("{\"message\":\"Hello, World!\"}");
    }
}
