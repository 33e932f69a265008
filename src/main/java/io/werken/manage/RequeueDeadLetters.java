package io.werken.manage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.werken.broker.DeadLetterQueue;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /dead-letters/requeue?max=N}: moves up to {@code N} events (required, 1 to 1000) from
 * {@code <received queue>.dlq} back to the received queue, oldest first, as the {@code requeue-dead-letters} command
 * does ({@link DeadLetterQueue#requeue}: acknowledged on the dead-letter queue only once the broker confirmed the
 * re-publish; each event at most once per request, never more than the queue held when the request started).
 * {@code max} is required because this changes what dispatch does next: a bare POST moving everything would be one
 * mistyped request away. The bound keeps one request to a few seconds.
 */
public final class RequeueDeadLetters implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RequeueDeadLetters.class);
    static final long MAX_PER_REQUEST = 1000;

    /**
     * The answer.
     *
     * @param requeued              events moved to the received queue by this request, each counted once
     * @param requeuedEventIds      their event ids, in the order moved
     * @param notMovedAgain         the event this request stopped at because it had moved it already and dispatch had
     *                              dead-lettered it again at once: not moved twice (absent if none)
     * @param heldAtStart           events on the dead-letter queue when the request started
     * @param remaining             events on the dead-letter queue when the answer was written (absent if it could not
     *                              be read); it counts those just moved that dispatch dead-lettered again
     * @param deadLetteredMeanwhile events that reached the dead-letter queue while the request ran:
     *                              {@code remaining - (held_at_start - requeued)}, at least 0 (absent with {@code remaining});
     *                              a poison event moved back counts here once dispatch has dead-lettered it again
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonPropertyOrder({
        "requeued",
        "requeuedEventIds",
        "notMovedAgain",
        "heldAtStart",
        "remaining",
        "deadLetteredMeanwhile",
        "queue",
        "to",
        "broker"
    })
    public record Result(
            long requeued,
            List<String> requeuedEventIds,
            String notMovedAgain,
            long heldAtStart,
            Long remaining,
            Long deadLetteredMeanwhile,
            String queue,
            String to,
            String broker) {}

    private final DeadLetterQueue queue;
    private final ObjectMapper json;
    private final int retryAfterSeconds;

    public RequeueDeadLetters(DeadLetterQueue queue, ObjectMapper json, int retryAfterSeconds) {
        this.queue = queue;
        this.json = json;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "POST");
        Map<String, String> query = ManagementRequests.query(in, Set.of("max"));
        long max = ManagementRequests.wholeNumber(query, "max", 1, MAX_PER_REQUEST)
                .orElseThrow(() -> ManagementRequests.invalidQuery(
                        "Say how many events to move: ?max=N (1 to " + MAX_PER_REQUEST + ")."));
        DeadLetterQueue.Requeued result = DeadLetterBroker.call(
                queue,
                "re-queue",
                retryAfterSeconds,
                () -> queue.requeue(
                        max,
                        eventId -> LOG.info(
                                "Re-queued event_id={} from {} to {} on {}",
                                eventId,
                                queue.name(),
                                queue.receivedQueue(),
                                queue.broker())));
        if (result.stoppedBecause() != null) {
            throw new ProblemException(
                    ProblemType.DEAD_LETTERS_UNAVAILABLE,
                    "Re-queued " + result.moved() + " event(s), then stopped: " + result.stoppedBecause() + ".",
                    DeadLetterBroker.retryAfter(retryAfterSeconds));
        }
        Long remaining;
        try {
            remaining = queue.count();
        } catch (Exception e) {
            remaining = null;
        }
        Long meanwhile = remaining == null ? null : Math.max(0, remaining - (result.heldAtStart() - result.moved()));
        ManagementRequests.answer(
                in,
                json,
                new Result(
                        result.moved(),
                        result.movedEventIds(),
                        result.movedAgainEventId(),
                        result.heldAtStart(),
                        remaining,
                        meanwhile,
                        queue.name(),
                        queue.receivedQueue(),
                        queue.broker()));
    }
}
