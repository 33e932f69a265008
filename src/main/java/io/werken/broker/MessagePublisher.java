package io.werken.broker;

import java.util.List;

import org.springframework.amqp.core.Message;

/**
 * Publishes AMQP messages to a queue and returns only once the broker has confirmed every one of them, or throws
 * {@link PublishFailedException}. {@link ConfirmedPublisher} is the implementation; route tests stand in a recording
 * one for it.
 */
public interface MessagePublisher {

    /** Publishes {@code messages}, in order, to {@code queue} on the default exchange, and waits for their confirms. */
    void publish(String queue, List<Message> messages);

    default void publish(String queue, Message message) {
        publish(queue, List.of(message));
    }
}
