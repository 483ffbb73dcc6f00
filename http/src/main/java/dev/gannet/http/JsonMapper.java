package dev.gannet.http;

import java.io.OutputStream;

/**
 * The JSON library behind {@link Response#json} and {@link Request#bodyAs}: a small seam so that the library can be
 * swapped. DSL-JSON is the default (it measured faster, see {@link #dslJson()}); Jackson is the alternative.
 * Implementations MUST be thread-safe.
 */
public interface JsonMapper {

    /** Serializes {@code value} into {@code out}. */
    void write(Object value, OutputStream out) throws java.io.IOException;

    <T> T read(byte[] json, int offset, int length, Class<T> type) throws java.io.IOException;

    /** DSL-JSON, falling back to Jackson for types it cannot handle: the default. */
    static JsonMapper dslJson() {
        return DslJsonMapper.INSTANCE;
    }

    /** Jackson 3 with its defaults. */
    static JsonMapper jackson() {
        return JacksonJsonMapper.INSTANCE;
    }
}
