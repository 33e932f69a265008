package io.werken.journal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.workflow.Workflow;

/**
 * STUB, to be replaced by the impact work: what a draft of a workflow would do to stored events, dry-run against
 * each and compared with what was published. Publishes nothing.
 */
public final class WorkflowImpact {

    /** The report, as the endpoint answers it: totals and, per event, how its actions would differ. */
    public ObjectNode run(Workflow draft, JournalStore store, EventQuery query, int max) {
        throw new UnsupportedOperationException("stub");
    }
}
