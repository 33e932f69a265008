package io.werken.dispatch;

import org.apache.camel.component.springrabbit.DefaultListenerContainerFactory;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.springframework.amqp.rabbit.listener.AbstractMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.DirectMessageListenerContainer;

/**
 * camel-spring-rabbitmq's listener containers, with the dispatch consumers acknowledging events in batches: one ack
 * (multiple=true) per {@code messagesPerAck} events, or after {@code ackTimeoutMs}, instead of one per event.
 * <p>
 * An event is still acknowledged only after its actions are confirmed; the batch only delays the ack. If Werken
 * dies, up to {@code messagesPerAck - 1} dispatched events per consumer come back and are dispatched again: the same
 * {@code action_id}s, which workers dedupe on.
 */
public final class DispatchListenerContainerFactory extends DefaultListenerContainerFactory {

    private final int messagesPerAck;
    private final long ackTimeoutMs;

    public DispatchListenerContainerFactory(int messagesPerAck, long ackTimeoutMs) {
        this.messagesPerAck = messagesPerAck;
        this.ackTimeoutMs = ackTimeoutMs;
    }

    @Override
    public AbstractMessageListenerContainer createListenerContainer(SpringRabbitMQEndpoint endpoint) {
        AbstractMessageListenerContainer container = super.createListenerContainer(endpoint);
        if (container instanceof DirectMessageListenerContainer direct && messagesPerAck > 1) {
            direct.setMessagesPerAck(messagesPerAck);
            direct.setAckTimeout(ackTimeoutMs);
            // The pending ack of a quiet consumer is sent when the container next checks it (its monitor interval).
            direct.setMonitorInterval(Math.max(100, ackTimeoutMs));
        }
        return container;
    }
}
