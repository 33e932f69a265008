package io.werken.manage;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.werken.broker.DeadLetterQueue;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /dead-letters[?limit=N]}: how many events {@code <received queue>.dlq} holds and the first {@code N}
 * (default 10, at most 100) with their event id, workflow, reason and time, left on the queue in their order.
 */
public final class ListDeadLetters implements Processor {

    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;

    /** The answer. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"queue", "count", "deadLetters"})
    public record Listing(String queue, long count, List<Entry> deadLetters) {}

    /** One dead-lettered event. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({"eventId", "workflowId", "reason", "deadLetteredAt"})
    public record Entry(String eventId, String workflowId, String reason, String deadLetteredAt) {}

    private final DeadLetterQueue queue;
    private final ObjectMapper json;
    private final int retryAfterSeconds;

    public ListDeadLetters(DeadLetterQueue queue, ObjectMapper json, int retryAfterSeconds) {
        this.queue = queue;
        this.json = json;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "GET");
        Map<String, String> query = ManagementRequests.query(in, Set.of("limit"));
        int limit = (int)
                ManagementRequests.wholeNumber(query, "limit", 0, MAX_LIMIT).orElse(DEFAULT_LIMIT);
        DeadLetterQueue.Peek peek = DeadLetterBroker.call(queue, "read", retryAfterSeconds, () -> queue.peek(limit));
        ManagementRequests.answer(
                in,
                json,
                new Listing(
                        queue.name(),
                        peek.count(),
                        peek.first().stream()
                                .map(d -> new Entry(d.eventId(), d.workflowId(), d.reason(), d.deadLetteredAt()))
                                .toList()));
    }
}
