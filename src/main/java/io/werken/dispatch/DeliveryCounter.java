package io.werken.dispatch;

import io.werken.broker.AmqpMessages;
import io.werken.broker.MessagePublisher;
import io.werken.core.TraceContext;
import java.util.Date;
import org.apache.camel.Message;
import org.apache.camel.component.springrabbit.SpringRabbitMQConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * The delivery limit of a classic received queue, which has none of its own: counts in the event itself how often its
 * dispatch was cut off, so that an event that kills every process dispatching it costs a bounded number of restarts.
 * <p>
 * The broker marks an event redelivered when the consumer that had it went away without acknowledging it: the process
 * died (out of memory, say) or lost its connection. Before anything of the event is read, such an event is published
 * again to the received queue, confirmed, with the same body, message id and traceparent and its count of cut-offs in
 * {@link AmqpMessages#DELIVERY_COUNT}, and the delivery in hand is acknowledged; the copy is dispatched as any event
 * is. A count would not survive in the process, which is what dies; in the event it does. Once the count is more than
 * the limit the event is dead-lettered instead ({@link DeliveryLimitException}), as a quorum queue's
 * {@code x-delivery-limit} would. An event handed back by a clean stop is marked redelivered too: that costs it one
 * re-publish and one of its cut-offs.
 */
public final class DeliveryCounter {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryCounter.class);
    private static final DeliveryCounter OFF = new DeliveryCounter(null, null, 0);

    private final MessagePublisher publisher;
    private final String receivedQueue;
    private final int limit;

    /**
     * @param limit how many cut-offs an event may have and still be dispatched; 0: Werken does not count (a quorum
     *              queue counts itself)
     */
    public DeliveryCounter(MessagePublisher publisher, String receivedQueue, int limit) {
        this.publisher = publisher;
        this.receivedQueue = receivedQueue;
        this.limit = limit;
    }

    /** A counter that lets every event through. */
    public static DeliveryCounter off() {
        return OFF;
    }

    /**
     * Whether the event consumed as {@code in} is to be dispatched now: yes unless it is a redelivery, which is
     * re-queued with its count (then the caller ends its dispatch, and the delivery is acknowledged) or, past the
     * limit, refused with {@link DeliveryLimitException}.
     */
    public boolean dispatchNow(Message in, byte[] envelope, String messageId, String traceparent) {
        if (limit == 0 || !Boolean.TRUE.equals(in.getHeader(SpringRabbitMQConstants.REDELIVERED))) {
            return true;
        }
        int cutOffs = count(in.getHeader(AmqpMessages.DELIVERY_COUNT)) + 1;
        if (cutOffs > limit) {
            throw new DeliveryLimitException(messageId, cutOffs, limit);
        }
        publisher.publish(receivedQueue, copy(in, envelope, messageId, traceparent, cutOffs));
        LOG.warn(
                "Re-queued event_id={} with {}={}: its dispatch was cut off (the process died or lost its connection), "
                        + "{} time(s) of at most {}",
                messageId,
                AmqpMessages.DELIVERY_COUNT,
                cutOffs,
                cutOffs,
                limit);
        return false;
    }

    /** The event as it was published, with the count: its AMQP properties from the consumed message's headers. */
    private static org.springframework.amqp.core.Message copy(
            Message in, byte[] envelope, String messageId, String traceparent, int cutOffs) {
        MessageProperties properties = new MessageProperties();
        properties.setMessageId(messageId);
        properties.setType(in.getHeader(SpringRabbitMQConstants.TYPE, String.class));
        properties.setContentType(in.getHeader(SpringRabbitMQConstants.CONTENT_TYPE, AmqpMessages.JSON, String.class));
        properties.setContentEncoding(in.getHeader(SpringRabbitMQConstants.CONTENT_ENCODING, String.class));
        properties.setCorrelationId(in.getHeader(SpringRabbitMQConstants.CORRELATION_ID, String.class));
        properties.setAppId(in.getHeader(SpringRabbitMQConstants.APP_ID, String.class));
        properties.setTimestamp(in.getHeader(SpringRabbitMQConstants.TIMESTAMP, Date.class));
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        if (traceparent != null) {
            properties.setHeader(TraceContext.HEADER, traceparent);
        }
        properties.setHeader(AmqpMessages.DELIVERY_COUNT, cutOffs);
        return new org.springframework.amqp.core.Message(envelope == null ? new byte[0] : envelope, properties);
    }

    /** The count an earlier re-queue wrote; anything else (none, or not a count) is 0. */
    static int count(Object header) {
        long value;
        if (header instanceof Number number) {
            value = number.longValue();
        } else if (header != null) {
            try {
                value = Long.parseLong(header.toString().trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        } else {
            return 0;
        }
        return (int) Math.max(0, Math.min(value, Integer.MAX_VALUE - 1));
    }
}
