package io.werken.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes messages to a queue and returns only once the broker has confirmed every one of them.
 * <p>
 * camel-spring-rabbitmq's producer waits for one confirm per message and never sets {@code mandatory}, so a publish
 * to a missing queue is confirmed and silently dropped. This publisher sends a batch on one channel (keeping its
 * order), with {@code mandatory} set, then waits for all the confirms together: a nack, a returned (unroutable)
 * message or a missing confirm fails the whole call with {@link PublishFailedException}.
 */
public final class ConfirmedPublisher {

    private final RabbitTemplate template;
    private final Duration confirmTimeout;

    public ConfirmedPublisher(ConnectionFactory connectionFactory, Duration confirmTimeout) {
        if (!connectionFactory.isPublisherConfirms() || !connectionFactory.isPublisherReturns()) {
            throw new IllegalArgumentException("ConfirmedPublisher needs a connection factory with correlated "
                                               + "publisher confirms and publisher returns");
        }
        this.template = new RabbitTemplate(connectionFactory);
        this.template.setMandatory(true);
        // Publish on a connection of its own: a broker that blocks publishers (memory or disk alarm) must not also
        // stall the dispatch consumers' acknowledgements.
        this.template.setUsePublisherConnection(true);
        this.confirmTimeout = confirmTimeout;
    }

    /** Publishes one message, or a {@code List} of messages in order, to {@code queue} on the default exchange. */
    public void publish(String queue, Object messages) {
        List<Message> batch = asBatch(messages);
        List<CorrelationData> pending = new ArrayList<>(batch.size());
        template.invoke(operations -> {
            for (Message message : batch) {
                CorrelationData correlation = new CorrelationData(message.getMessageProperties().getMessageId());
                operations.send("", queue, message, correlation);
                pending.add(correlation);
            }
            return null;
        });
        awaitConfirms(queue, pending);
    }

    private void awaitConfirms(String queue, List<CorrelationData> pending) {
        long deadline = System.nanoTime() + confirmTimeout.toNanos();
        for (CorrelationData correlation : pending) {
            CorrelationData.Confirm confirm;
            try {
                confirm = correlation.getFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new PublishFailedException("No publisher confirm for message " + correlation.getId() + " on '"
                                                 + queue + "' within " + confirmTimeout.toMillis() + " ms", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishFailedException("Interrupted while waiting for publisher confirms", e);
            } catch (ExecutionException e) {
                throw new PublishFailedException("Publisher confirm failed for message " + correlation.getId(), e.getCause());
            }
            if (correlation.getReturned() != null) {
                throw new PublishFailedException("The broker could not route message " + correlation.getId()
                                                 + " to queue '" + queue + "': " + correlation.getReturned().getReplyText());
            }
            if (!confirm.isAck()) {
                throw new PublishFailedException("The broker refused message " + correlation.getId() + " on '" + queue
                                                 + "'" + (confirm.getReason() == null ? "" : ": " + confirm.getReason()));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Message> asBatch(Object messages) {
        if (messages instanceof Message single) {
            return List.of(single);
        }
        if (messages instanceof List<?> list && list.stream().allMatch(Message.class::isInstance)) {
            return (List<Message>) list;
        }
        throw new IllegalArgumentException("Expected an AMQP Message or a List of them, got "
                                           + (messages == null ? "null" : messages.getClass().getName()));
    }
}
