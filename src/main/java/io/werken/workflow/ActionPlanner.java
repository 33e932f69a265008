package io.werken.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.ReceivedWebhook;
import io.werken.expression.Bindings;
import io.werken.expression.EvaluationLimits;
import io.werken.expression.ExpressionException;
import io.werken.expression.ParamsTemplate;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides, for one event, what each action of its workflow comes to: published with its rendered params, skipped
 * because its {@code when} is false (its params are then not evaluated), or failed (an expression that could not be
 * evaluated, or params larger than the limit). Dispatch publishes only when nothing failed; the dry run shows it all.
 * All of an event's expressions share one {@link EvaluationLimits} budget: past it, every action still to evaluate fails.
 */
public final class ActionPlanner {

    /** What one action comes to. */
    public enum Outcome {
        PUBLISH,
        SKIPPED,
        FAILED
    }

    /**
     * @param params the rendered params (for {@link Outcome#PUBLISH})
     * @param reason why it was skipped or failed: the workflow, the action index and type, the field, CEL's message
     */
    public record PlannedAction(WorkflowAction action, Outcome outcome, ObjectNode params, String reason) {}

    private final ObjectMapper json;
    private final int maxParamsBytes;
    private final EvaluationLimits limits;

    /** With the default {@link EvaluationLimits}. */
    public ActionPlanner(ObjectMapper json, int maxParamsBytes) {
        this(json, maxParamsBytes, EvaluationLimits.DEFAULTS);
    }

    public ActionPlanner(ObjectMapper json, int maxParamsBytes, EvaluationLimits limits) {
        this.json = json;
        this.maxParamsBytes = maxParamsBytes;
        this.limits = limits;
    }

    /**
     * Every action of {@code workflow} for {@code event}, in order. With {@code stopAtFailure} the list ends at the
     * first failure (dispatch needs no more); otherwise each action is planned on its own (the dry run).
     */
    public List<PlannedAction> plan(Workflow workflow, ReceivedWebhook event, boolean stopAtFailure) {
        List<PlannedAction> planned = new ArrayList<>(workflow.actions().size());
        Bindings bindings = null;
        for (WorkflowAction action : workflow.actions()) {
            if (action.when() == null && action.template().isConstant()) {
                planned.add(new PlannedAction(action, Outcome.PUBLISH, action.params(), null));
                continue;
            }
            if (bindings == null) {
                bindings = bindings(event);
            }
            PlannedAction result = plan(workflow, action, bindings);
            planned.add(result);
            if (stopAtFailure && result.outcome() == Outcome.FAILED) {
                break;
            }
        }
        return planned;
    }

    private PlannedAction plan(Workflow workflow, WorkflowAction action, Bindings bindings) {
        if (action.when() != null) {
            try {
                if (!action.when().test(bindings)) {
                    return new PlannedAction(
                            action,
                            Outcome.SKIPPED,
                            null,
                            "when is false: " + action.when().source().strip());
                }
            } catch (ExpressionException e) {
                return failed(workflow, action, "when", e.getMessage());
            }
        }
        ObjectNode params;
        try {
            params = action.template().render(bindings);
        } catch (ParamsTemplate.ParamsException e) {
            return failed(workflow, action, "params" + e.pointer(), e.getMessage());
        }
        if (!action.template().isConstant()) {
            int size = serializedSize(params);
            if (size > maxParamsBytes) {
                return failed(
                        workflow,
                        action,
                        "params",
                        "the rendered params are larger than the limit of " + maxParamsBytes
                                + " bytes (WERKEN_MAX_PARAMS_BYTES)");
            }
        }
        return new PlannedAction(action, Outcome.PUBLISH, params, null);
    }

    private static PlannedAction failed(Workflow workflow, WorkflowAction action, String field, String message) {
        return new PlannedAction(
                action,
                Outcome.FAILED,
                null,
                "workflow '" + workflow.id() + "', action " + action.index() + " (" + action.type() + "), " + field
                        + ": " + message);
    }

    private Bindings bindings(ReceivedWebhook event) {
        return new Bindings(
                event.payload(),
                event.headers(),
                Bindings.event(event.eventId(), event.workflowId(), event.receivedAt()),
                limits);
    }

    /** The params' size as JSON, counted without keeping the bytes, and no further than just past the limit. */
    private int serializedSize(ObjectNode params) {
        CountingStream counter = new CountingStream(maxParamsBytes);
        try {
            json.writeValue(counter, params);
        } catch (IOException e) {
            return Integer.MAX_VALUE;
        }
        return counter.count;
    }

    private static final class CountingStream extends OutputStream {

        private final int limit;
        private int count;

        CountingStream(int limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            add(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            add(len);
        }

        private void add(int bytes) throws IOException {
            count += bytes;
            if (count > limit) {
                throw new IOException("over the limit");
            }
        }
    }
}
