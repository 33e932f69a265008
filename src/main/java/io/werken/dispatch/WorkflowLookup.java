package io.werken.dispatch;

import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.workflow.Workflow;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The dispatch route's content enricher: looks up the workflow the event names in the workflows in use and puts it in
 * {@link ExchangeProperties#WORKFLOW}, so that all of the event's actions come from that one revision. An event whose
 * workflow they do not define (say it was removed by a reload since the webhook was accepted) cannot be dispatched by
 * any retry ({@link UndispatchableEventException}).
 */
public final class WorkflowLookup implements Processor {

    private final CurrentWorkflows workflows;

    public WorkflowLookup(CurrentWorkflows workflows) {
        this.workflows = workflows;
    }

    @Override
    public void process(Exchange exchange) {
        Workflow workflow = find(exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class));
        exchange.setProperty(ExchangeProperties.WORKFLOW, workflow);
    }

    private Workflow find(ReceivedWebhook event) {
        WorkflowCatalog catalog = workflows.catalog();
        return catalog.find(event.workflowId()).orElseThrow(() -> new UndispatchableEventException(DeadLetterReason.UNKNOWN_WORKFLOW,
                "Event " + event.eventId() + " names workflow '" + event.workflowId() + "', which " + catalog.source()
                + " (revision " + catalog.revision() + ") does not define"));
    }
}
