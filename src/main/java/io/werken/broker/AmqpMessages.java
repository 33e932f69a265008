package io.werken.broker;

import java.time.Clock;
import java.util.Date;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * The AMQP properties every Werken message carries (documented in the README): a JSON body in UTF-8, persistent
 * delivery, a {@code message_id} that lets a consumer recognise a redelivery, {@code app_id} werken and a timestamp.
 * No Camel or HTTP header ever becomes an AMQP header here. Also names the headers Werken itself writes.
 */
public final class AmqpMessages {

    public static final String APP_ID = "werken";
    public static final String JSON = "application/json";

    /** Headers a dead-lettered event carries to say why and when. */
    public static final String DEAD_LETTER_REASON = "x-werken-dead-letter-reason";

    public static final String DEAD_LETTER_EXCEPTION = "x-werken-dead-letter-exception";
    public static final String DEAD_LETTERED_AT = "x-werken-dead-lettered-at";
    public static final String ORIGINAL_QUEUE = "x-werken-original-queue";
    /**
     * How often the dispatch of the event on the received queue was cut off before Werken re-queued this copy of it
     * (classic queues, which keep no delivery count of their own). Only Werken writes it: ingest builds the event's
     * message from its own fields, and re-queueing a dead letter strips every {@code x-werken-} header.
     */
    public static final String DELIVERY_COUNT = "x-werken-delivery-count";

    private AmqpMessages() {}

    /** A persistent JSON message of the given AMQP {@code type}, stamped now by {@code clock}. */
    public static Message persistentJson(byte[] body, String messageId, String type, Clock clock) {
        MessageProperties properties = new MessageProperties();
        properties.setMessageId(messageId);
        properties.setType(type);
        properties.setContentType(JSON);
        properties.setContentEncoding("utf-8");
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setTimestamp(new Date(clock.millis()));
        properties.setAppId(APP_ID);
        return new Message(body, properties);
    }
}
