package io.werken.dispatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.broker.AmqpMessages;
import io.werken.broker.BrokerTopology;
import io.werken.broker.MessagePublisher;
import io.werken.broker.MessagePublisher.Outbound;
import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.core.TraceContext;
import io.werken.journal.JournalRecords;
import io.werken.metrics.WerkenMetrics;
import io.werken.workflow.Workflow;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * Puts an event that could not be dispatched on {@code <received queue>.dlq}: the envelope bytes exactly as consumed,
 * its message id, and the reason in the {@code x-werken-dead-letter-*} headers, with the event's journal record in the
 * same batch; returns once the broker confirmed both.
 */
public final class DeadLetterPublisher implements Processor {

    /** The AMQP {@code type} of a dead-lettered event. */
    public static final String TYPE = "webhook.dead-lettered";

    private final MessagePublisher publisher;
    private final Clock clock;
    private final String receivedQueue;
    private final WerkenMetrics metrics;
    private final JournalRecords journal;
    private final ObjectMapper json;

    public DeadLetterPublisher(MessagePublisher publisher, Clock clock, String receivedQueue, WerkenMetrics metrics) {
        this(publisher, clock, receivedQueue, metrics, JournalRecords.off(), null);
    }

    /** With {@code json} to read an event that dispatch had not read yet (a delivery-limit dead letter). */
    public DeadLetterPublisher(
            MessagePublisher publisher,
            Clock clock,
            String receivedQueue,
            WerkenMetrics metrics,
            JournalRecords journal,
            ObjectMapper json) {
        this.publisher = publisher;
        this.clock = clock;
        this.receivedQueue = receivedQueue;
        this.metrics = metrics;
        this.journal = journal;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable reason = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Message message = deadLetter(
                exchange.getProperty(ExchangeProperties.ENVELOPE, byte[].class),
                exchange.getProperty(ExchangeProperties.MESSAGE_ID, String.class),
                reason);
        // The event's own trace, unchanged: a re-queued dead letter goes on in the sender's trace.
        TraceContext.parse(exchange.getProperty(ExchangeProperties.TRACEPARENT, String.class))
                .ifPresent(trace -> message.getMessageProperties().setHeader(TraceContext.HEADER, trace.traceparent()));
        Outbound deadLetter = new Outbound(BrokerTopology.deadLetterQueue(receivedQueue), message);
        Outbound record = journal.on() ? record(exchange, reason) : null;
        // The journal's record in the same confirmed batch: it is on the broker before the event is acknowledged.
        publisher.publishAll(record == null ? List.of(deadLetter) : List.of(deadLetter, record));
        metrics.eventDeadLettered(DeadLetterReason.of(reason).label());
    }

    /** The event's journal record; none for a message that is not an event envelope (no webhook was accepted as it). */
    @SuppressWarnings("unchecked")
    private Outbound record(Exchange exchange, Throwable reason) {
        ReceivedWebhook event = exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class);
        if (event == null) {
            event = readable(exchange.getProperty(ExchangeProperties.ENVELOPE, byte[].class));
            if (event == null) {
                return null;
            }
        }
        String why = DeadLetterReason.of(reason).label() + ": " + (reason == null ? "unknown" : reason.getMessage());
        return journal.deadLettered(
                event,
                exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class),
                exchange.getProperty(ExchangeProperties.PLANNED, List.class),
                exchange.getProperty(ExchangeProperties.TRACEPARENT, String.class),
                why);
    }

    /** The event in {@code envelope}, or null if it is not one. */
    private ReceivedWebhook readable(byte[] envelope) {
        if (envelope == null || json == null) {
            return null;
        }
        try {
            return new EventReader(json).read(envelope);
        } catch (RuntimeException e) {
            return null;
        }
    }

    Message deadLetter(byte[] envelope, String messageId, Throwable reason) {
        Message message = AmqpMessages.persistentJson(
                envelope == null ? new byte[0] : envelope,
                messageId == null ? "unidentified-" + UUID.randomUUID() : messageId,
                TYPE,
                clock);
        MessageProperties properties = message.getMessageProperties();
        properties.setHeader(
                AmqpMessages.DEAD_LETTER_REASON, reason == null ? "unknown" : String.valueOf(reason.getMessage()));
        properties.setHeader(
                AmqpMessages.DEAD_LETTER_EXCEPTION,
                reason == null ? "unknown" : reason.getClass().getName());
        properties.setHeader(AmqpMessages.DEAD_LETTERED_AT, DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
        properties.setHeader(AmqpMessages.ORIGINAL_QUEUE, receivedQueue);
        return message;
    }
}
