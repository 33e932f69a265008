package io.werken.manage;

import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.workflow.WorkflowCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** {@code GET /workflows}: the workflows file in use, and each workflow's id, description and number of actions. */
public final class WorkflowListing implements Processor {

    /** One workflow in the listing. */
    public record Entry(String id, String description, int actions) {
    }

    /** The listing. */
    public record Listing(String source, List<Entry> workflows) {
    }

    private final WorkflowCatalog catalog;
    private final ObjectMapper json;

    public WorkflowListing(WorkflowCatalog catalog, ObjectMapper json) {
        this.catalog = catalog;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        ManagementRequests.requireMethod(exchange.getMessage(), "GET");
        ManagementRequests.answer(exchange.getMessage(), json, new Listing(catalog.source(), catalog.workflows().stream()
                .map(w -> new Entry(w.id(), w.description(), w.actions().size())).toList()));
    }
}
