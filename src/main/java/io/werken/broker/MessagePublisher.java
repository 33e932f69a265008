package io.werken.broker;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.amqp.core.Message;

/**
 * Publishes AMQP messages to queues and returns only once the broker has confirmed every one of them, or throws
 * {@link PublishFailedException}. {@link ConfirmedPublisher} is the implementation; route tests stand in a recording
 * one for it.
 */
public interface MessagePublisher {

    /** A message and the queue it goes to, on the default exchange. */
    record Outbound(String queue, Message message) {}

    /** Publishes {@code messages}, in order, each to its queue, and waits for all their confirms. */
    void publishAll(List<Outbound> messages);

    /**
     * Publishes {@code messages} like {@link #publishAll} without waiting: the future completes once the broker has
     * confirmed every one, or fails with {@link PublishFailedException} (as {@link #publishAll} throws it, within the
     * same confirm timeout). It may complete on a thread that must not block. This default waits, then answers.
     */
    default CompletableFuture<Void> publishAllAsync(List<Outbound> messages) {
        try {
            publishAll(messages);
            return CompletableFuture.completedFuture(null);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Publishes {@code message} to {@code queue} on the default exchange, and waits for its confirm. */
    default void publish(String queue, Message message) {
        publishAll(List.of(new Outbound(queue, message)));
    }
}
