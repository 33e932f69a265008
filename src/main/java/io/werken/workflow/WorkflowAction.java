package io.werken.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.expression.Expression;
import io.werken.expression.ParamsTemplate;

/**
 * One action of a workflow: what a worker must do ({@code type}) and with what ({@code params}, as written, and
 * compiled in {@code template}), when ({@code when}, null for always) and on which queue ({@code queue}, null for
 * {@code WERKEN_QUEUE_ACTIONS}).
 *
 * @param index its position in the workflow, from 0: part of every {@code action_id} it produces
 */
public record WorkflowAction(
        int index, String type, ObjectNode params, ParamsTemplate template, Expression when, String queue) {

    /** The queue this action's messages go to: its own, or {@code actionsQueue} ({@code WERKEN_QUEUE_ACTIONS}). */
    public String queueOr(String actionsQueue) {
        return queue != null ? queue : actionsQueue;
    }
}
