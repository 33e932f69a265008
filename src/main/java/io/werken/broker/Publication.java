package io.werken.broker;

import com.rabbitmq.client.AMQP;
import io.werken.broker.MessagePublisher.Outbound;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A caller's messages with their AMQP properties, published together on one {@link PublisherLane}, and the caller's
 * wait: {@code confirmed} completes once the broker has confirmed every message.
 *
 * @param claimed taken, by a lane or by a caller that gave up waiting: whoever sets it first decides
 * @param retried handed to a new channel once already (after a send that left nothing)
 */
record Publication(
        List<Outbound> messages,
        List<AMQP.BasicProperties> properties,
        CompletableFuture<Void> confirmed,
        AtomicInteger unconfirmed,
        AtomicBoolean claimed,
        AtomicBoolean retried) {

    /** Tells a lane to stop. */
    static final Publication STOP = new Publication(List.of(), List.of());

    Publication(List<Outbound> messages, List<AMQP.BasicProperties> properties) {
        this(
                messages,
                properties,
                new CompletableFuture<>(),
                new AtomicInteger(messages.size()),
                new AtomicBoolean(),
                new AtomicBoolean());
    }

    /** The queue(s) it goes to, for messages. */
    String queues() {
        return messages.stream().map(Outbound::queue).distinct().collect(Collectors.joining("', '"));
    }

    void fail(PublishFailedException failure) {
        confirmed.completeExceptionally(failure);
    }
}
