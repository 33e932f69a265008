package io.werken.broker;

import com.rabbitmq.client.AMQP;
import io.werken.broker.MessagePublisher.Outbound;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A caller's messages with their AMQP properties, published together on one lane, and the caller's wait: completed
 * once the broker confirmed every message, failed at the first nack, return or lost channel.
 *
 * @param unconfirmed how many of its messages the broker has not confirmed yet
 * @param claimed     set by the lane that takes it, or by a caller that gave up waiting: taken once
 * @param retried     set when a lane sends it again on a new channel because nothing of it left the first time
 */
record Publication(
        List<Outbound> messages,
        List<AMQP.BasicProperties> properties,
        CompletableFuture<Void> confirmed,
        AtomicInteger unconfirmed,
        AtomicBoolean claimed,
        AtomicBoolean retried) {

    /** Handed to each lane to make it stop. */
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
