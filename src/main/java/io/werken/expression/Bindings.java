package io.werken.expression;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.runtime.CelVariableResolver;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one event's expressions see: {@code payload}, {@code headers} and {@code event}. Made once per event and
 * shared by all of its actions' expressions (by one thread). It also remembers the JSON behind each number CEL only
 * approximates, so that a selected value goes back out exactly, and holds what the event's evaluation may still spend
 * ({@link EvaluationLimits}).
 */
public final class Bindings {

    private final Map<String, Object> variables;
    /** Handed to CEL as it is: evaluating with the map would copy it into a new activation for every expression. */
    private final CelVariableResolver resolver;

    private final EvaluationLimits limits;
    private IdentityHashMap<Object, JsonNode> approximated;
    /** Made at the first expression CEL evaluates: bare field paths cost nothing, nor does an event that has only those. */
    private EvaluationBudget budget;

    /** With {@link EvaluationLimits#DEFAULTS}. */
    public Bindings(JsonNode payload, Map<String, String> headers, Map<String, String> event) {
        this(payload, headers, event, EvaluationLimits.DEFAULTS);
    }

    public Bindings(JsonNode payload, Map<String, String> headers, Map<String, String> event, EvaluationLimits limits) {
        this.limits = limits;
        this.variables = Map.of(
                ExpressionCompiler.PAYLOAD, JsonValues.toCel(payload, this),
                ExpressionCompiler.HEADERS, headers,
                ExpressionCompiler.EVENT, event);
        this.resolver = name -> Optional.ofNullable(variables.get(name));
    }

    /**
     * The {@code event} variable of an event: its {@code id}, {@code workflow_id} and {@code received_at}, the same
     * for dispatch, the dry run and a search of the journal.
     */
    public static Map<String, String> event(String eventId, String workflowId, String receivedAt) {
        return Map.of("id", eventId, "workflow_id", workflowId, "received_at", receivedAt);
    }

    /** The value of {@code payload}, {@code headers} or {@code event}. */
    Object variable(String name) {
        return variables.get(name);
    }

    CelVariableResolver resolver() {
        return resolver;
    }

    EvaluationBudget budget() {
        if (budget == null) {
            budget = new EvaluationBudget(limits);
        }
        return budget;
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
