package io.werken.dispatch;

import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import io.werken.broker.MessagePublisher.Outbound;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.amqp.core.Message;

/**
 * Publishes an event's action messages (the body, a list of {@link QueuedAction}), each to its queue, as one batch in
 * order, and returns only once the broker has confirmed every one: the event is acknowledged after. Each is persistent
 * JSON with {@code message_id} = {@code action_id}, {@code correlation_id} = {@code event_id} and {@code type} = the
 * action's type. An event whose conditions skipped every action publishes nothing and is acknowledged.
 */
public final class ActionPublisher implements Processor {

    private final MessagePublisher publisher;
    private final ObjectMapper json;
    private final Clock clock;

    public ActionPublisher(MessagePublisher publisher, ObjectMapper json, Clock clock) {
        this.publisher = publisher;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        List<?> actions = exchange.getMessage().getBody(List.class);
        if (actions.isEmpty()) {
            return;
        }
        Outbound[] messages = new Outbound[actions.size()];
        for (int i = 0; i < messages.length; i++) {
            QueuedAction queued = (QueuedAction) actions.get(i);
            ActionMessage action = queued.message();
            Message message = AmqpMessages.persistentJson(json.writeValueAsBytes(action), action.actionId(),
                    action.type(), clock);
            message.getMessageProperties().setCorrelationId(action.eventId());
            messages[i] = new Outbound(queued.queue(), message);
        }
        publisher.publishAll(List.of(messages));
    }
}
