package io.werken.manage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowReloader;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /workflows}: the workflows file in use, its revision and when it was loaded, the last reload's outcome,
 * and each workflow's id, description and number of actions.
 */
public final class ListWorkflows implements Processor {

    /** One workflow in the listing. */
    public record Entry(String id, String description, int actions) {}

    /** The last reload: its outcome, when, and (for a refused one) every problem. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LastReload(String outcome, String at, List<String> problems) {}

    /** The listing. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Listing(
            String source, String revision, String loadedAt, LastReload lastReload, List<Entry> workflows) {}

    private final WorkflowReloader reloader;
    private final ObjectMapper json;

    public ListWorkflows(WorkflowReloader reloader, ObjectMapper json) {
        this.reloader = reloader;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        ManagementRequests.requireMethod(exchange.getMessage(), "GET");
        WorkflowCatalog catalog = reloader.current().catalog();
        WorkflowReloader.Result last = reloader.lastResult();
        ManagementRequests.answer(
                exchange.getMessage(),
                json,
                new Listing(
                        catalog.source(),
                        catalog.revision(),
                        catalog.loadedAt().toString(),
                        last == null
                                ? null
                                : new LastReload(
                                        last.outcome().name().toLowerCase(java.util.Locale.ROOT),
                                        last.at().toString(),
                                        last.problems()),
                        catalog.workflows().stream()
                                .map(w -> new Entry(
                                        w.id(), w.description(), w.actions().size()))
                                .toList()));
    }
}
