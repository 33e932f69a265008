package io.werken.workflow;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A workflow's {@code "dedupe": {"path": "$.id"}}: where in the payload its senders put a delivery's unique id.
 * Paths are the simple JSONPath subset {@code $.field.field[index]}.
 */
public record DedupeRule(String path, JsonPointer pointer) {

    private static final Pattern PATH = Pattern.compile("\\$((?:\\.[A-Za-z0-9_-]+|\\[[0-9]{1,9}])+)");
    private static final Pattern SEGMENT = Pattern.compile("\\.([A-Za-z0-9_-]+)|\\[([0-9]{1,9})]");

    /** Reads the {@code "dedupe"} block; IllegalArgumentException with a one-line reason if it is not usable. */
    public static DedupeRule parse(JsonNode dedupe) {
        if (!dedupe.isObject()
                || dedupe.size() != 1
                || !dedupe.has("path")
                || !dedupe.get("path").isTextual()) {
            throw new IllegalArgumentException("must be {\"path\": \"$.<field>\"}");
        }
        String path = dedupe.get("path").asText();
        Matcher whole = PATH.matcher(path);
        if (!whole.matches()) {
            throw new IllegalArgumentException("\"path\" '" + path + "' must look like $.id or $.data.items[0].id");
        }
        StringBuilder pointer = new StringBuilder();
        Matcher segment = SEGMENT.matcher(whole.group(1));
        while (segment.find()) {
            pointer.append('/').append(segment.group(1) != null ? segment.group(1) : segment.group(2));
        }
        return new DedupeRule(path, JsonPointer.compile(pointer.toString()));
    }

    /** The key at the path: a non-empty string, or a whole number as written; null if the payload has neither there. */
    public String keyIn(JsonNode payload) {
        JsonNode value = payload == null ? null : payload.at(pointer);
        if (value == null || value.isMissingNode()) {
            return null;
        }
        if (value.isTextual() && !value.asText().isEmpty()) {
            return value.asText();
        }
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        return null;
    }
}
