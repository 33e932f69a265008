package io.werken.dispatch;

import java.time.Clock;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.amqp.core.Message;

/**
 * Publishes an event's action messages (the body, a list of {@link ActionMessage}) to {@code required_actions} as
 * one batch, in order, and returns only once the broker has confirmed every one: the event is acknowledged after.
 * Each is persistent JSON with {@code message_id} = {@code action_id}, {@code correlation_id} = {@code event_id} and
 * {@code type} = the action's type.
 */
public final class ActionPublisher implements Processor {

    private final MessagePublisher publisher;
    private final ObjectMapper json;
    private final Clock clock;
    private final String actionsQueue;

    public ActionPublisher(MessagePublisher publisher, ObjectMapper json, Clock clock, String actionsQueue) {
        this.publisher = publisher;
        this.json = json;
        this.clock = clock;
        this.actionsQueue = actionsQueue;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        List<?> actions = exchange.getMessage().getBody(List.class);
        Message[] messages = new Message[actions.size()];
        for (int i = 0; i < messages.length; i++) {
            ActionMessage action = (ActionMessage) actions.get(i);
            messages[i] = AmqpMessages.persistentJson(json.writeValueAsBytes(action), action.actionId(), action.type(), clock);
            messages[i].getMessageProperties().setCorrelationId(action.eventId());
        }
        publisher.publish(actionsQueue, List.of(messages));
    }
}
