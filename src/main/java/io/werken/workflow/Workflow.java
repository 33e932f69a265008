package io.werken.workflow;

import java.util.List;

/** A workflow from {@code workflows.json}: the ordered actions one webhook turns into. */
public record Workflow(String id, String description, List<WorkflowAction> actions) {

    public Workflow {
        actions = List.copyOf(actions);
    }
}
