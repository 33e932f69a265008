package io.werken.expression;

import java.util.IdentityHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one event's expressions see: {@code payload}, {@code headers} and {@code event}. Made once per event and
 * shared by all of its actions' expressions (by one thread). It also remembers the JSON behind each number CEL only
 * approximates, so that a selected value goes back out exactly.
 */
public final class Bindings {

    private final Map<String, Object> variables;
    private IdentityHashMap<Object, JsonNode> approximated;

    public Bindings(JsonNode payload, Map<String, String> headers, Map<String, String> event) {
        this.variables = Map.of(
                ExpressionCompiler.PAYLOAD, JsonValues.toCel(payload, this),
                ExpressionCompiler.HEADERS, headers,
                ExpressionCompiler.EVENT, event);
    }

    Map<String, Object> variables() {
        return variables;
    }

    void remember(Object approximate, JsonNode original) {
        if (approximated == null) {
            approximated = new IdentityHashMap<>();
        }
        approximated.put(approximate, original);
    }

    JsonNode original(Object value) {
        return approximated == null ? null : approximated.get(value);
    }
}
