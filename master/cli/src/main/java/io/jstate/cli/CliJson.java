package io.jstate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;

/**
 * The listing commands' {@code --json} documents, written with Jackson as the run documents are
 * (common's JsonOutput): pretty-printed, one document per command, times as ISO-8601 instants and
 * null where the master has none, so that scripts read the same shapes everywhere.
 */
final class CliJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CliJson() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Prints a document followed by a newline. */
    static void print(PrintStream out, JsonNode document) {
        try {
            out.print(MAPPER.writeValueAsString(document) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the document as JSON", e);
        }
    }

    /** A master's time as an ISO-8601 instant, or null when the master has none (zero). */
    static void putTime(ObjectNode o, String key, long unixMs) {
        if (unixMs <= 0) o.putNull(key);
        else o.put(key, Instant.ofEpochMilli(unixMs).toString());
    }

    /** Text, or null when it is empty: the master's protos say "none" with an empty string. */
    static void putText(ObjectNode o, String key, String text) {
        if (text.isEmpty()) o.putNull(key);
        else o.put(key, text);
    }

    /** A list of words as a JSON array. */
    static ArrayNode putWords(ObjectNode o, String key, Iterable<String> words) {
        ArrayNode a = o.putArray(key);
        for (String w : words) a.add(w);
        return a;
    }
}
