package io.werken.dispatch;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import io.werken.broker.AmqpMessages;
import io.werken.broker.BrokerTopology;
import io.werken.broker.MessagePublisher;
import io.werken.core.ExchangeProperties;
import io.werken.core.TraceContext;
import io.werken.metrics.WerkenMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * Puts an event that could not be dispatched on {@code <received queue>.dlq}: the envelope bytes exactly as consumed,
 * its message id, and the reason in the {@code x-werken-dead-letter-*} headers; returns once the broker confirmed it.
 */
public final class DeadLetterPublisher implements Processor {

    /** The AMQP {@code type} of a dead-lettered event. */
    public static final String TYPE = "webhook.dead-lettered";

    private final MessagePublisher publisher;
    private final Clock clock;
    private final String receivedQueue;
    private final WerkenMetrics metrics;

    public DeadLetterPublisher(MessagePublisher publisher, Clock clock, String receivedQueue, WerkenMetrics metrics) {
        this.publisher = publisher;
        this.clock = clock;
        this.receivedQueue = receivedQueue;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable reason = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = deadLetter(exchange.getProperty(ExchangeProperties.ENVELOPE, byte[].class),
                exchange.getProperty(ExchangeProperties.MESSAGE_ID, String.class), reason);
        // The event's own trace, unchanged: a re-queued dead letter goes on in the sender's trace.
        TraceContext.parse(exchange.getProperty(ExchangeProperties.TRACEPARENT, String.class)).ifPresent(trace ->
                message.getMessageProperties().setHeader(TraceContext.HEADER, trace.traceparent()));
        publisher.publish(BrokerTopology.deadLetterQueue(receivedQueue), message);
        metrics.eventDeadLettered(DeadLetterReason.of(reason).label());
    }

    Message deadLetter(byte[] envelope, String messageId, Throwable reason) {
        Message message = AmqpMessages.persistentJson(envelope == null ? new byte[0] : envelope,
                messageId == null ? "unidentified-" + UUID.randomUUID() : messageId, TYPE, clock);
        MessageProperties properties = message.getMessageProperties();
        properties.setHeader(AmqpMessages.DEAD_LETTER_REASON, reason == null ? "unknown" : String.valueOf(reason.getMessage()));
        properties.setHeader(AmqpMessages.DEAD_LETTER_EXCEPTION, reason == null ? "unknown" : reason.getClass().getName());
        properties.setHeader(AmqpMessages.DEAD_LETTERED_AT, DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
        properties.setHeader(AmqpMessages.ORIGINAL_QUEUE, receivedQueue);
        return message;
    }
}
