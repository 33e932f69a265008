package io.werken.manage;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.werken.metrics.RecentRefusals;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /refusals}: the last webhooks the webhook port refused ({@link RecentRefusals}, 200), newest first: when,
 * the workflow (null if it was refused before one was known), status, problem type, the detail the sender was told,
 * the address it came from and the path. Held in memory only: a restart starts the list afresh. No bodies.
 */
public final class ListRefusals implements Processor {

    /** One refusal. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"at", "workflow_id", "status", "type", "detail", "remote", "path"})
    public record Entry(
            String at, String workflowId, int status, String type, String detail, String remote, String path) {}

    /** The answer. */
    public record Listing(List<Entry> refusals) {}

    private final RecentRefusals refusals;
    private final ObjectMapper json;

    public ListRefusals(RecentRefusals refusals, ObjectMapper json) {
        this.refusals = refusals;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "GET");
        ManagementRequests.query(in, Set.of());
        ManagementRequests.answer(
                in,
                json,
                new Listing(refusals.newestFirst().stream()
                        .map(r -> new Entry(
                                r.at(), r.workflowId(), r.status(), r.type(), r.detail(), r.remote(), r.path()))
                        .toList()));
    }
}
