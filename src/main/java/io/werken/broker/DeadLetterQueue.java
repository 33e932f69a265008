package io.werken.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code <received queue>.dlq} as an operator sees it: how many events it holds, the first few of them without taking
 * them off, and moving them back to the received queue for dispatch to try again. Used by the
 * {@code requeue-dead-letters} command and by the management port's
 * {@code /dead-letters} endpoints. Each call opens a connection of its own and closes it: a look at the queue holds
 * its messages unacknowledged on that connection's channel, and Werken's shared channels must not keep them. Looks
 * and moves through one instance take turns, so that a look never hides events from a move running beside it.
 * <p>
 * Re-queueing is at least once: each event is acknowledged on the dead-letter queue only after the broker confirmed
 * its re-publish, so a crash in between leaves it in both queues, never in neither (workers deduplicate on
 * {@code action_id}, which is unchanged because the {@code event_id} is). The {@code x-werken-dead-letter-*} and
 * {@code x-death} headers are stripped; the body and the message id are kept as they were.
 */
public final class DeadLetterQueue {

    private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One dead-lettered event as it sits on the queue.
     *
     * @param eventId        the AMQP message id (the event id)
     * @param workflowId     the envelope's {@code workflow_id}, or null if the body is not an envelope
     * @param reason         {@code x-werken-dead-letter-reason}, or the broker's {@code x-death} reason
     * @param deadLetteredAt {@code x-werken-dead-lettered-at}, or the broker's {@code x-death} time
     */
    public record DeadLetter(String eventId, String workflowId, String reason, String deadLetteredAt) {}

    /** A look at the queue: how many events it holds, and the first of them, oldest first. */
    public record Peek(long count, List<DeadLetter> first) {}

    /**
     * The outcome of a re-queue.
     *
     * @param heldAtStart       the events the queue held when the re-queue started (it takes no more than these)
     * @param movedEventIds     the events moved to the received queue, each once, in the order moved
     * @param movedAgainEventId the event it stopped at because this re-queue had moved it already (dispatch dead-lettered
     *                          it again at once); it was not moved twice and stays on the queue. Null if none
     * @param stoppedBecause    why it stopped early on a failure (that event stays on the queue), or null
     */
    public record Requeued(
            long heldAtStart, List<String> movedEventIds, String movedAgainEventId, String stoppedBecause) {

        public Requeued {
            movedEventIds = List.copyOf(movedEventIds);
        }

        /** How many events were moved, each counted once. */
        public long moved() {
            return movedEventIds.size();
        }
    }

    private final BrokerAddress broker;
    private final String receivedQueue;
    private final String deadLetterQueue;
    private final int connectionTimeoutMs;

    /** @param connectionTimeoutMs how long to wait for the broker's TCP connection (the AMQP client waits 60 s) */
    public DeadLetterQueue(BrokerAddress broker, String receivedQueue, int connectionTimeoutMs) {
        this.broker = broker;
        this.receivedQueue = receivedQueue;
        this.deadLetterQueue = BrokerTopology.deadLetterQueue(receivedQueue);
        this.connectionTimeoutMs = connectionTimeoutMs;
    }

    public String name() {
        return deadLetterQueue;
    }

    public String receivedQueue() {
        return receivedQueue;
    }

    /**
     * The number of events on the queue and the first {@code limit} of them, left where they are: they are fetched
     * unacknowledged and handed back with a negative acknowledgement that requeues them, which puts each back in its
     * place (RabbitMQ keeps the order of requeued messages).
     */
    public synchronized Peek peek(int limit) throws Exception {
        try (Connection connection = open("werken-dead-letters");
                Channel channel = connection.createChannel()) {
            long count = channel.queueDeclarePassive(deadLetterQueue).getMessageCount();
            List<DeadLetter> first = new ArrayList<>();
            long lastTag = -1;
            try {
                while (first.size() < limit) {
                    GetResponse message = channel.basicGet(deadLetterQueue, false);
                    if (message == null) {
                        break;
                    }
                    lastTag = message.getEnvelope().getDeliveryTag();
                    first.add(describe(message));
                }
            } finally {
                if (lastTag >= 0) {
                    channel.basicNack(lastTag, true, true);
                }
            }
            return new Peek(count, first);
        }
    }

    /** Ready messages on the queue now. */
    public long count() throws Exception {
        try (Connection connection = open("werken-dead-letters");
                Channel channel = connection.createChannel()) {
            return channel.queueDeclarePassive(deadLetterQueue).getMessageCount();
        }
    }

    /**
     * Moves at most {@code max} events back to the received queue, oldest first, each at most once: never more than
     * the queue held when the call started, and it stops at the first event this call moved already (one that dispatch
     * dead-lettered again at once, back behind the others; that one stays). So a poison event is moved once, and the
     * count says how many events were moved, not how many moves a loop made. {@code onMoved} hears each event id once
     * its move is confirmed. It stops at the first event the broker does not confirm or cannot route (that event stays
     * on the dead-letter queue) and says why; an error before the first move (the broker unreachable) is thrown.
     */
    public synchronized Requeued requeue(long max, Consumer<String> onMoved) throws Exception {
        try (Connection connection = open("werken-requeue");
                Channel channel = connection.createChannel()) {
            channel.confirmSelect();
            AtomicReference<String> returned = new AtomicReference<>();
            channel.addReturnListener(r -> returned.set(r.getReplyText()));
            long heldAtStart = channel.queueDeclarePassive(deadLetterQueue).getMessageCount();
            long limit = Math.min(max, heldAtStart);
            // Bounded by the queue's depth at the start (and, over HTTP, by 1000): one id per event moved.
            Set<String> seen = new HashSet<>();
            List<String> moved = new ArrayList<>();
            while (moved.size() < limit) {
                GetResponse message = channel.basicGet(deadLetterQueue, false);
                if (message == null) {
                    break;
                }
                long tag = message.getEnvelope().getDeliveryTag();
                String eventId = message.getProps().getMessageId();
                if (eventId != null && seen.contains(eventId)) {
                    channel.basicNack(tag, false, true);
                    return new Requeued(heldAtStart, moved, eventId, null);
                }
                channel.basicPublish("", receivedQueue, true, requeued(message.getProps()), message.getBody());
                try {
                    channel.waitForConfirmsOrDie(CONFIRM_TIMEOUT.toMillis());
                } catch (IOException | RuntimeException e) {
                    return new Requeued(
                            heldAtStart,
                            moved,
                            null,
                            "event_id=" + eventId + " was not confirmed on " + receivedQueue + "; it stays on "
                                    + deadLetterQueue + " (" + e.getMessage() + ")");
                }
                if (returned.get() != null) {
                    channel.basicNack(tag, false, true);
                    return new Requeued(
                            heldAtStart,
                            moved,
                            null,
                            "Queue " + receivedQueue + " does not exist (" + returned.get() + "); event_id=" + eventId
                                    + " stays on " + deadLetterQueue);
                }
                channel.basicAck(tag, false);
                // An event without an id still counts once toward the limit.
                seen.add(eventId != null ? eventId : "\u0000" + tag);
                moved.add(eventId);
                onMoved.accept(eventId);
            }
            return new Requeued(heldAtStart, moved, null, null);
        }
    }

    /** The broker as {@code amqp://host:port/vhost} (every node of a cluster), without user or password: for lines and answers. */
    public String broker() {
        return broker.withoutCredentials();
    }

    private Connection open(String name) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(broker.uri());
        factory.setConnectionTimeout(connectionTimeoutMs);
        // A cluster's nodes in the order given: the first that answers (the queues are reachable from any node).
        return broker.cluster() ? factory.newConnection(broker.addresses(), name) : factory.newConnection(name);
    }

    private static DeadLetter describe(GetResponse message) {
        AMQP.BasicProperties props = message.getProps();
        Map<String, Object> headers = props.getHeaders() == null ? Map.of() : props.getHeaders();
        String reason = text(headers.get(AmqpMessages.DEAD_LETTER_REASON));
        String at = text(headers.get(AmqpMessages.DEAD_LETTERED_AT));
        if ((reason == null || at == null)
                && headers.get("x-death") instanceof List<?> deaths
                && !deaths.isEmpty()
                && deaths.get(0) instanceof Map<?, ?> death) {
            // Dead-lettered by the broker (Werken could not publish the dead letter itself): its own record says why.
            if (reason == null && death.get("reason") != null) {
                reason = "dead-lettered by the broker: " + text(death.get("reason"));
            }
            if (at == null && death.get("time") instanceof java.util.Date time) {
                at = time.toInstant().toString();
            }
        }
        return new DeadLetter(props.getMessageId(), workflowId(message.getBody()), reason, at);
    }

    private static String workflowId(byte[] body) {
        try {
            JsonNode workflow = JSON.readTree(body).path("workflow_id");
            return workflow.isTextual() ? workflow.asText() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
    }

    private static AMQP.BasicProperties requeued(AMQP.BasicProperties dead) {
        Map<String, Object> headers = new HashMap<>(dead.getHeaders() == null ? Map.of() : dead.getHeaders());
        headers.keySet()
                .removeIf(name -> name.startsWith("x-werken-")
                        || name.equals(AmqpMessages.ORIGINAL_QUEUE)
                        || name.startsWith("x-death")
                        || name.startsWith("x-first-death")
                        || name.startsWith("x-last-death"));
        return dead.builder()
                .headers(headers)
                .type("webhook.received")
                .deliveryMode(2)
                .build();
    }
}
