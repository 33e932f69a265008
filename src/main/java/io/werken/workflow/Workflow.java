package io.werken.workflow;

import java.util.List;

import io.werken.verify.SignatureScheme;

/**
 * A workflow from {@code workflows.json}: the ordered actions one webhook turns into, how its webhooks are signed
 * ({@code verify}, null if they are not) and where a delivery's id is in the payload ({@code dedupe}, or null).
 */
public record Workflow(String id, String description, List<WorkflowAction> actions, SignatureScheme verify,
                       DedupeRule dedupe) {

    public Workflow {
        actions = List.copyOf(actions);
    }

    public Workflow(String id, String description, List<WorkflowAction> actions) {
        this(id, description, actions, null, null);
    }
}
