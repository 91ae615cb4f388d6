package io.jstate.it.workload;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The workload's results as JSON: one object a file, the record's components as keys. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {}

    static String write(Object result) {
        try {
            return MAPPER.writeValueAsString(result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + result.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static <T> T read(Path file, Class<T> type) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalStateException("no result at " + file);
        return MAPPER.readValue(file.toFile(), type);
    }
}
