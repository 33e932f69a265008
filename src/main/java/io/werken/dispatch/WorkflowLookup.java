package io.werken.dispatch;

import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The dispatch route's content enricher: looks up the workflow the event names in the catalog and puts it in
 * {@link ExchangeProperties#WORKFLOW}. An event
 * whose workflow the catalog does not define cannot be dispatched by any retry ({@link UndispatchableEventException}).
 */
public final class WorkflowLookup implements Processor {

    private final WorkflowCatalog catalog;

    public WorkflowLookup(WorkflowCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void process(Exchange exchange) {
        Workflow workflow = find(exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class));
        exchange.setProperty(ExchangeProperties.WORKFLOW, workflow);
    }

    private Workflow find(ReceivedWebhook event) {
        return catalog.find(event.workflowId()).orElseThrow(() -> new UndispatchableEventException(
                "Event " + event.eventId() + " names workflow '" + event.workflowId() + "', which " + catalog.source()
                + " does not define"));
    }
}
