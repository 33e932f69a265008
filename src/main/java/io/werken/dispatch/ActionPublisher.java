package io.werken.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import io.werken.broker.MessagePublisher.Outbound;
import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.core.TraceContext;
import io.werken.metrics.WerkenMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.amqp.core.Message;

/**
 * Publishes an event's action messages (the body, a list of {@link QueuedAction}), each to its queue, as one batch in
 * order, and returns only once the broker has confirmed every one: the event is acknowledged after. Each is persistent
 * JSON with {@code message_id} = {@code action_id}, {@code correlation_id} = {@code event_id}, {@code type} = the
 * action's type, and the AMQP header {@code traceparent} (the event's trace, with the dispatch's span). An event whose
 * conditions skipped every action publishes nothing and is acknowledged. Once confirmed, each action counts in the
 * metrics, and so does the time since the webhook was accepted.
 */
public final class ActionPublisher implements Processor {

    private final MessagePublisher publisher;
    private final ObjectMapper json;
    private final Clock clock;
    private final WerkenMetrics metrics;

    public ActionPublisher(MessagePublisher publisher, ObjectMapper json, Clock clock, WerkenMetrics metrics) {
        this.publisher = publisher;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        List<?> actions = exchange.getMessage().getBody(List.class);
        ReceivedWebhook event = exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class);
        if (actions.isEmpty()) {
            dispatched(event);
            return;
        }
        String traceparent = exchange.getProperty(ExchangeProperties.TRACE, TraceContext.class).traceparent();
        Outbound[] messages = new Outbound[actions.size()];
        for (int i = 0; i < messages.length; i++) {
            QueuedAction queued = (QueuedAction) actions.get(i);
            ActionMessage action = queued.message();
            Message message = AmqpMessages.persistentJson(json.writeValueAsBytes(action), action.actionId(),
                    action.type(), clock);
            message.getMessageProperties().setCorrelationId(action.eventId());
            message.getMessageProperties().setHeader(TraceContext.HEADER, traceparent);
            messages[i] = new Outbound(queued.queue(), message);
        }
        publisher.publishAll(List.of(messages));
        for (Object queued : actions) {
            ActionMessage action = ((QueuedAction) queued).message();
            metrics.actionPublished(action.workflowId(), action.type(), ((QueuedAction) queued).queue());
        }
        dispatched(event);
    }

    /** Once the actions are confirmed nothing may fail: an event written elsewhere may have another time format. */
    private void dispatched(ReceivedWebhook event) {
        try {
            Instant received = DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(event.receivedAt(), Instant::from);
            metrics.dispatched(Duration.between(received, clock.instant()).toNanos());
        } catch (DateTimeException e) {
            // No latency to record for it.
        }
    }
}
