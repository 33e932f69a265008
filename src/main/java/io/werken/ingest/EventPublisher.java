package io.werken.ingest;

import java.time.Clock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.core.TraceContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.amqp.core.Message;

/**
 * Publishes the accepted webhook's event (the {@link ReceivedWebhook} in {@link ExchangeProperties#EVENT}) to
 * {@code received_webhooks} as a
 * persistent JSON message whose {@code message_id} is the event id, with its {@code traceparent} header, and returns
 * once the broker has confirmed it.
 */
public final class EventPublisher implements Processor {

    /** The AMQP {@code type} of an event on the received queue. */
    public static final String TYPE = "webhook.received";

    private final MessagePublisher publisher;
    private final ObjectMapper json;
    private final Clock clock;
    private final String receivedQueue;

    public EventPublisher(MessagePublisher publisher, ObjectMapper json, Clock clock, String receivedQueue) {
        this.publisher = publisher;
        this.json = json;
        this.clock = clock;
        this.receivedQueue = receivedQueue;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        ReceivedWebhook event = exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class);
        Message message = AmqpMessages.persistentJson(json.writeValueAsBytes(event), event.eventId(), TYPE, clock);
        message.getMessageProperties().setHeader(TraceContext.HEADER,
                exchange.getProperty(ExchangeProperties.TRACE, TraceContext.class).traceparent());
        publisher.publish(receivedQueue, message);
    }
}
