package dev.gannet.http;

import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;

/** {@link dev.gannet.http.JsonMapper} on Jackson 3; one shared, thread-safe ObjectMapper. */
final class JacksonJsonMapper implements dev.gannet.http.JsonMapper {
    static final JacksonJsonMapper INSTANCE = new JacksonJsonMapper();
    private final JsonMapper mapper = JsonMapper.builder().build();

    @Override
    public void write(Object value, OutputStream out) throws IOException {
        try {
            mapper.writeValue(out, value);
        } catch (tools.jackson.core.JacksonException e) {
            throw new IOException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public <T> T read(byte[] json, int offset, int length, Class<T> type) throws IOException {
        try {
            return mapper.readValue(json, offset, length, type);
        } catch (tools.jackson.core.JacksonException e) {
            throw new IOException("cannot read JSON: " + e.getOriginalMessage(), e);
        }
    }
}
