package io.werken.manage;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ProblemType;
import io.werken.core.ProblemException;
import io.werken.ops.DeadLetterQueue;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST /dead-letters/requeue?max=N}: moves up to {@code N} events (required, 1 to 1000) from
 * {@code <received queue>.dlq} back to the received queue, oldest first, as the {@code requeue-dead-letters} command
 * does ({@link DeadLetterQueue#requeue}: acknowledged on the dead-letter queue only once the broker confirmed the
 * re-publish; each event at most once per request, so {@code requeued} counts events, even those dead-lettered again
 * at once). {@code max} is required because this changes what dispatch does next: a bare POST moving everything
 * would be one mistyped request away. The bound keeps one request to a few seconds.
 */
public final class DeadLetterRequeuing implements Processor {

    static final long MAX_PER_REQUEST = 1000;

    /** The answer: how many were moved and how many remain on the dead-letter queue (null if it could not be read). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({ "requeued", "remaining", "queue", "to" })
    public record Result(long requeued, Long remaining, String queue, String to) {
    }

    private final DeadLetterQueue queue;
    private final ObjectMapper json;
    private final int retryAfterSeconds;

    public DeadLetterRequeuing(DeadLetterQueue queue, ObjectMapper json, int retryAfterSeconds) {
        this.queue = queue;
        this.json = json;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "POST");
        Map<String, String> query = ManagementRequests.query(in, Set.of("max"));
        long max = ManagementRequests.wholeNumber(query, "max", 1, MAX_PER_REQUEST).orElseThrow(() ->
                ManagementRequests.invalidQuery("Say how many events to move: ?max=N (1 to " + MAX_PER_REQUEST + ")."));
        DeadLetterQueue.Requeued result = DeadLetterBroker.call(queue, "re-queue", retryAfterSeconds, () -> queue.requeue(max));
        if (result.stoppedBecause() != null) {
            throw new ProblemException(ProblemType.DEAD_LETTERS_UNAVAILABLE, "Re-queued " + result.moved()
                    + " event(s), then stopped: " + result.stoppedBecause() + ".", DeadLetterBroker.retryAfter(retryAfterSeconds));
        }
        Long remaining;
        try {
            remaining = queue.count();
        } catch (Exception e) {
            remaining = null;
        }
        ManagementRequests.answer(in, json, new Result(result.moved(), remaining, queue.name(), queue.receivedQueue()));
    }
}
