package io.werken.broker;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.dispatch.ActionMessage;
import io.werken.ingest.ReceivedWebhook;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * Maps Werken's messages to AMQP messages with the documented properties: JSON bodies, persistent delivery, and ids
 * that let a consumer recognise a redelivered message. No Camel or HTTP header ever becomes an AMQP header here.
 */
public final class AmqpMessages {

    public static final String APP_ID = "werken";
    public static final String JSON = "application/json";

    /** Headers a dead-lettered event carries to say why and when. */
    public static final String DEAD_LETTER_REASON = "x-werken-dead-letter-reason";
    public static final String DEAD_LETTER_EXCEPTION = "x-werken-dead-letter-exception";
    public static final String DEAD_LETTERED_AT = "x-werken-dead-lettered-at";
    public static final String ORIGINAL_QUEUE = "x-werken-original-queue";

    private final ObjectMapper json;
    private final Clock clock;

    public AmqpMessages(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    public Message receivedWebhook(ReceivedWebhook event) throws JsonProcessingException {
        MessageProperties properties = persistentJson(event.eventId());
        properties.setType("webhook.received");
        return new Message(json.writeValueAsBytes(event), properties);
    }

    public List<Message> actions(List<ActionMessage> actions) throws JsonProcessingException {
        Message[] messages = new Message[actions.size()];
        for (int i = 0; i < messages.length; i++) {
            ActionMessage action = actions.get(i);
            MessageProperties properties = persistentJson(action.actionId());
            properties.setCorrelationId(action.eventId());
            properties.setType(action.type());
            messages[i] = new Message(json.writeValueAsBytes(action), properties);
        }
        return List.of(messages);
    }

    /** The original envelope bytes, unchanged, with the reason it could not be dispatched. */
    public Message deadLetter(byte[] envelope, String messageId, String originalQueue, Throwable reason) {
        MessageProperties properties = persistentJson(messageId == null ? "unidentified-" + UUID.randomUUID() : messageId);
        properties.setType("webhook.dead-lettered");
        properties.setHeader(DEAD_LETTER_REASON, reason == null ? "unknown" : String.valueOf(reason.getMessage()));
        properties.setHeader(DEAD_LETTER_EXCEPTION, reason == null ? "unknown" : reason.getClass().getName());
        properties.setHeader(DEAD_LETTERED_AT, DateTimeFormatter.ISO_INSTANT.format(clock.instant()));
        properties.setHeader(ORIGINAL_QUEUE, originalQueue);
        return new Message(envelope == null ? new byte[0] : envelope, properties);
    }

    private MessageProperties persistentJson(String messageId) {
        MessageProperties properties = new MessageProperties();
        properties.setMessageId(messageId);
        properties.setContentType(JSON);
        properties.setContentEncoding("utf-8");
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setTimestamp(Date.from(Instant.now(clock)));
        properties.setAppId(APP_ID);
        return properties;
    }
}
