package io.werken.dispatch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.InvalidWorkflowsException;
import io.werken.workflow.PinnedWorkflows;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The dispatch route's content enricher: looks up the workflow the event names in the workflows in use and puts it in
 * {@link ExchangeProperties#WORKFLOW}, so that all of the event's actions come from that one revision. An event whose
 * workflow they do not define (say it was removed by a reload since the webhook was accepted) cannot be dispatched by
 * any retry ({@link UndispatchableEventException}). An event replayed on its original revision carries that
 * revision's definition of its workflow, which is used instead ({@link PinnedWorkflows}).
 */
public final class WorkflowLookup implements Processor {

    private final CurrentWorkflows workflows;
    private final PinnedWorkflows pinned;

    public WorkflowLookup(CurrentWorkflows workflows) {
        this(workflows, null);
    }

    /** With {@code pinned} for replays on their original revision (none without it). */
    public WorkflowLookup(CurrentWorkflows workflows, PinnedWorkflows pinned) {
        this.workflows = workflows;
        this.pinned = pinned;
    }

    @Override
    public void process(Exchange exchange) {
        Workflow workflow = find(exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class));
        exchange.setProperty(ExchangeProperties.WORKFLOW, workflow);
    }

    private Workflow find(ReceivedWebhook event) {
        if (event.workflowDefinition() != null && pinned != null) {
            try {
                return pinned.of(event.workflowId(), event.workflowRevision(), (ObjectNode) event.workflowDefinition());
            } catch (InvalidWorkflowsException e) {
                throw new UndispatchableEventException(
                        DeadLetterReason.UNKNOWN_WORKFLOW,
                        "Event " + event.eventId()
                                + " replays workflow '" + event.workflowId() + "' on its revision "
                                + event.workflowRevision()
                                + ", which no longer compiles: " + e.getMessage());
            }
        }
        WorkflowCatalog catalog = workflows.catalog();
        return catalog.find(event.workflowId())
                .orElseThrow(() -> new UndispatchableEventException(
                        DeadLetterReason.UNKNOWN_WORKFLOW,
                        "Event " + event.eventId() + " names workflow '" + event.workflowId() + "', which "
                                + catalog.source() + " (revision " + catalog.revision() + ") does not define"));
    }
}
