package io.werken.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.RabbitUtils;
import org.springframework.amqp.rabbit.support.DefaultMessagePropertiesConverter;
import org.springframework.amqp.rabbit.support.MessagePropertiesConverter;

/**
 * Publishes messages to queues and returns only once the broker has confirmed every one of them.
 * <p>
 * camel-spring-rabbitmq's producer waits for one confirm per message and never sets {@code mandatory}, so a publish
 * to a missing queue is confirmed and silently dropped. This publisher sets {@code mandatory} and treats a nack, a
 * returned (unroutable) message, a channel lost before the confirm or a missing confirm as a failure of the whole call
 * ({@link PublishFailedException}).
 * <p>
 * Every publish goes through one of a few <em>lanes</em>: a thread that holds one channel open and publishes what
 * callers hand it, in order, without waiting for confirms in between. The broker then sees many confirms outstanding
 * on few channels and acknowledges them in batches, which costs it far less than a channel per publish with one
 * message in flight. (Spring's channel cache cannot do this: it keeps a channel out of the cache until its confirms
 * have arrived, and waits for them on a thread of its own.) A caller waits only for its own messages' confirms.
 * <p>
 * The lanes publish with the RabbitMQ client's own API, on channels of their own in confirm mode, opened on the
 * connection factory's publisher connection, and not through {@code RabbitTemplate}: to correlate returns, the
 * template writes two headers ({@code spring_listener_return_correlation}, {@code spring_returned_message_correlation})
 * into every mandatory message, and those would reach every worker. A lane tracks the sequence numbers of its channel
 * itself and matches a {@code basic.return} to the unconfirmed message with the same routing key and
 * {@code message_id} (the broker sends the return before the ack of the same message), so a message leaves with
 * exactly the headers it was given.
 */
public final class ConfirmedPublisher implements MessagePublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfirmedPublisher.class);
    private static final LongConsumer NO_LATENCY_HOOK = nanos -> {};

    /** A caller's messages with their AMQP properties, published together on one lane, and the caller's wait. */
    private record Publication(
            List<Outbound> messages,
            List<AMQP.BasicProperties> properties,
            CompletableFuture<Void> confirmed,
            AtomicInteger unconfirmed,
            AtomicBoolean claimed,
            AtomicBoolean retried) {

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

    /** A message a lane has handed to its channel and the broker has not confirmed yet. */
    private static final class Unconfirmed {

        final Publication publication;
        final Outbound outbound;
        final String messageId;
        final long publishedAt;
        /**
         * Set once {@code basicPublish} returned. Until then the lane owns the message: if the publish fails, nothing
         * of it may have left, and the lane (not the channel's shutdown listener) decides what the caller is told.
         */
        volatile boolean handedOver;
        /** Why the broker returned it, set by the return listener just before the broker's ack arrives. */
        volatile String returned;

        Unconfirmed(Publication publication, Outbound outbound, long publishedAt) {
            this.publication = publication;
            this.outbound = outbound;
            this.messageId = outbound.message().getMessageProperties().getMessageId();
            this.publishedAt = publishedAt;
        }
    }

    /** A send that failed before any of the publication's messages left: safe to try once more on a new channel. */
    private static final class NothingSentException extends RuntimeException {
        NothingSentException(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final Publication STOP = new Publication(List.of(), List.of());

    private final ConnectionFactory connections;
    private final Duration confirmTimeout;
    private final LongConsumer confirmLatencyNanos;
    private final MessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();
    private final BlockingQueue<Publication> pending = new LinkedBlockingQueue<>();
    private final List<Thread> lanes = new ArrayList<>();
    private volatile boolean running = true;

    public ConfirmedPublisher(ConnectionFactory connectionFactory, Duration confirmTimeout) {
        this(connectionFactory, confirmTimeout, 1);
    }

    public ConfirmedPublisher(ConnectionFactory connectionFactory, Duration confirmTimeout, int laneCount) {
        this(connectionFactory, confirmTimeout, laneCount, NO_LATENCY_HOOK);
    }

    /**
     * @param confirmLatencyNanos called once for each message that counts as published (acked, not returned) with the
     *                            nanoseconds from its {@code basicPublish} to the broker's ack; for metrics. It runs on
     *                            the connection's I/O thread, before the caller is released: it must be quick and
     *                            never block.
     */
    public ConfirmedPublisher(
            ConnectionFactory connectionFactory,
            Duration confirmTimeout,
            int laneCount,
            LongConsumer confirmLatencyNanos) {
        // Publish on a connection of its own: a broker that blocks publishers (memory or disk alarm) must not also
        // stall the dispatch consumers' acknowledgements.
        ConnectionFactory publisherConnections = connectionFactory.getPublisherConnectionFactory();
        this.connections = publisherConnections != null ? publisherConnections : connectionFactory;
        this.confirmTimeout = confirmTimeout;
        this.confirmLatencyNanos = Objects.requireNonNull(confirmLatencyNanos, "confirmLatencyNanos");
        for (int i = 0; i < laneCount; i++) {
            Thread lane = new Thread(this::runLane, "werken-publisher-" + i);
            lane.setDaemon(true);
            lane.start();
            lanes.add(lane);
        }
    }

    @Override
    public void publishAll(List<Outbound> messages) {
        Publication publication = enqueue(messages);
        try {
            publication.confirmed().get(confirmTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw failure(publication, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("Interrupted while waiting for publisher confirms", e);
        } catch (ExecutionException e) {
            throw failure(publication, e.getCause());
        }
    }

    /** What a caller is told when {@code publication} was not confirmed: the lane's or the broker's failure, or the timeout. */
    private PublishFailedException failure(Publication publication, Throwable cause) {
        if (cause instanceof TimeoutException) {
            // If no lane has taken it yet, it never will: the caller is told it failed, so it must not go out later.
            publication.claimed().set(true);
            return new PublishFailedException(
                    "No publisher confirm on '" + publication.queues() + "' within " + confirmTimeout.toMillis()
                            + " ms",
                    cause);
        }
        return cause instanceof PublishFailedException failed
                ? failed
                : new PublishFailedException("Publish to '" + publication.queues() + "' failed", cause);
    }

    /**
     * Publishes like {@link #publishAll} without blocking: completes on the connection's I/O thread once every message
     * is confirmed, or fails with {@link PublishFailedException}, at the latest after the confirm timeout (then, if no
     * lane has taken the messages yet, none ever will, as with {@link #publishAll}).
     */
    @Override
    public CompletableFuture<Void> publishAllAsync(List<Outbound> messages) {
        Publication publication = enqueue(messages);
        CompletableFuture<Void> result = new CompletableFuture<>();
        publication
                .confirmed()
                .copy()
                .orTimeout(confirmTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((ok, e) -> {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause == null) {
                        result.complete(null);
                    } else {
                        result.completeExceptionally(failure(publication, cause));
                    }
                });
        return result;
    }

    private Publication enqueue(List<Outbound> messages) {
        // Converted on the caller's thread, which there are many of, rather than on the few lanes. The converter
        // copies the message's own headers and adds none.
        List<AMQP.BasicProperties> properties = new ArrayList<>(messages.size());
        for (Outbound outbound : messages) {
            properties.add(converter.fromMessageProperties(
                    outbound.message().getMessageProperties(), StandardCharsets.UTF_8.name()));
        }
        Publication publication = new Publication(messages, properties);
        if (!running) {
            publication.fail(new PublishFailedException("Werken is stopping: not publishing"));
        } else if (messages.isEmpty()) {
            publication.confirmed().complete(null);
        } else {
            pending.add(publication);
        }
        return publication;
    }

    /** Stops the lanes once what callers handed them has been published; confirms still arrive afterwards. */
    @Override
    public void close() {
        running = false;
        lanes.forEach(lane -> pending.add(STOP));
        for (Thread lane : lanes) {
            try {
                lane.join(confirmTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        // A publish that slipped in behind the stop markers: fail it now rather than let its caller wait it out.
        for (Publication left = pending.poll(); left != null; left = pending.poll()) {
            left.fail(new PublishFailedException("Werken is stopping: not publishing"));
        }
    }

    private void runLane() {
        Lane lane = null;
        Publication next = null;
        while (true) {
            Publication publication = next != null ? next : takeUninterruptibly();
            next = null;
            if (publication == STOP) {
                break;
            }
            // Taken once, by a lane or by a caller that gave up waiting (a retry is already taken).
            if (!publication.retried().get() && !publication.claimed().compareAndSet(false, true)) {
                continue;
            }
            try {
                if (lane == null || !lane.channel.isOpen()) {
                    lane = openLane();
                }
                lane.publish(publication);
            } catch (RuntimeException e) {
                LOG.debug(
                        "Publisher lane {} lost its channel: {}",
                        Thread.currentThread().getName(),
                        e.toString());
                if (lane != null) {
                    // After a failed basicPublish the channel's sequence numbers may no longer match the broker's:
                    // leave it. Closing it fails what is still unconfirmed on it, so those callers fail, not wait.
                    lane.abort();
                    lane = null;
                }
                if (e instanceof NothingSentException && !publication.retried().getAndSet(true)) {
                    // The channel was closed before this publication went out (e.g. the connection was lost while
                    // the lane was idle): publish it on a new channel rather than fail the caller.
                    next = publication;
                } else {
                    publication.fail(new PublishFailedException(
                            "Cannot publish to '" + publication.queues() + "': " + e.getMessage(), e));
                }
            }
        }
        if (lane != null) {
            lane.closeOnceConfirmed();
        }
    }

    private Publication takeUninterruptibly() {
        try {
            return pending.take();
        } catch (InterruptedException e) {
            return STOP;
        }
    }

    private Lane openLane() {
        Connection spring = connections.createConnection();
        if (!spring.isOpen()) {
            // Spring replaces a lost connection only when asked for a channel on it: ask, and give the channel back.
            RabbitUtils.closeChannel(spring.createChannel(false));
            spring = connections.createConnection();
        }
        com.rabbitmq.client.Connection connection = spring.getDelegate();
        if (connection == null) {
            throw new IllegalStateException("The connection factory gives no RabbitMQ client connection to publish on");
        }
        Channel channel = null;
        try {
            channel = connection.createChannel();
            if (channel == null) {
                throw new IllegalStateException("The broker connection has no channel left (channel_max reached)");
            }
            return new Lane(channel);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                abort(channel);
            }
            throw e instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("Cannot open a publisher channel: " + e.getMessage(), e);
        }
    }

    private static void abort(Channel channel) {
        try {
            channel.abort();
        } catch (IOException | RuntimeException e) {
            // Closed already, or the connection is gone: either way the channel is of no more use.
        }
    }

    /**
     * A lane's channel, in confirm mode, and what the broker has not confirmed on it yet, by publish sequence number.
     * Its listeners run on the connection's I/O thread, in the order the broker's frames arrive.
     */
    private final class Lane implements ConfirmListener, ReturnListener, ShutdownListener {

        final Channel channel;
        private final ConcurrentNavigableMap<Long, Unconfirmed> unconfirmed = new ConcurrentSkipListMap<>();
        private volatile ShutdownSignalException lostBy;

        Lane(Channel channel) throws IOException {
            this.channel = channel;
            channel.addShutdownListener(this);
            channel.addConfirmListener(this);
            channel.addReturnListener(this);
            channel.confirmSelect();
        }

        /** Publishes the publication's messages in order, without waiting for their confirms. */
        void publish(Publication publication) {
            List<Outbound> messages = publication.messages();
            for (int i = 0; i < messages.size(); i++) {
                Outbound outbound = messages.get(i);
                long sequence = channel.getNextPublishSeqNo();
                Unconfirmed message = new Unconfirmed(publication, outbound, System.nanoTime());
                // Recorded before the publish: the ack can arrive before basicPublish returns.
                unconfirmed.put(sequence, message);
                try {
                    channel.basicPublish(
                            "",
                            outbound.queue(),
                            true,
                            publication.properties().get(i),
                            outbound.message().getBody());
                } catch (IOException | RuntimeException e) {
                    unconfirmed.remove(sequence);
                    if (i == 0) {
                        throw new NothingSentException(e);
                    }
                    throw e instanceof RuntimeException runtime
                            ? runtime
                            : new IllegalStateException(e.getMessage(), e);
                }
                message.handedOver = true;
                ShutdownSignalException lost = lostBy;
                if (lost != null && unconfirmed.remove(sequence, message)) {
                    // The channel went while this was being published; its shutdown listener left the message to us.
                    lost(message, lost);
                }
            }
        }

        @Override
        public void handleAck(long sequence, boolean multiple) {
            confirm(sequence, multiple, true);
        }

        @Override
        public void handleNack(long sequence, boolean multiple) {
            confirm(sequence, multiple, false);
        }

        private void confirm(long sequence, boolean multiple, boolean ack) {
            long now = System.nanoTime();
            if (multiple) {
                ConcurrentNavigableMap<Long, Unconfirmed> upTo = unconfirmed.headMap(sequence, true);
                for (Map.Entry<Long, Unconfirmed> e = upTo.pollFirstEntry(); e != null; e = upTo.pollFirstEntry()) {
                    settle(e.getValue(), ack, now);
                }
            } else {
                Unconfirmed message = unconfirmed.remove(sequence);
                if (message != null) {
                    settle(message, ack, now);
                }
            }
        }

        private void settle(Unconfirmed message, boolean ack, long now) {
            Publication publication = message.publication;
            String queue = message.outbound.queue();
            if (!ack) {
                publication.fail(new PublishFailedException(
                        "The broker refused message " + message.messageId + " on '" + queue + "'"));
            } else if (message.returned != null) {
                publication.fail(new PublishFailedException("The broker could not route message " + message.messageId
                        + " to queue '" + queue + "': " + message.returned));
            } else {
                recordLatency(now - message.publishedAt);
                if (publication.unconfirmed().decrementAndGet() == 0) {
                    publication.confirmed().complete(null);
                }
            }
        }

        /**
         * Marks the oldest unconfirmed, not yet returned message with the returned one's routing key and
         * {@code message_id}. Only two messages to the same queue with the same id, both unconfirmed, could be taken
         * for each other, and then the broker returns them alike unless the queue appeared in between.
         */
        @Override
        public void handleReturn(
                int replyCode,
                String replyText,
                String exchange,
                String routingKey,
                AMQP.BasicProperties properties,
                byte[] body) {
            String messageId = properties == null ? null : properties.getMessageId();
            for (Unconfirmed message : unconfirmed.values()) {
                if (message.returned == null
                        && message.outbound.queue().equals(routingKey)
                        && Objects.equals(message.messageId, messageId)) {
                    message.returned = replyText;
                    return;
                }
            }
            LOG.warn(
                    "The broker returned message {} to '{}' ({}) that no caller waits for any more",
                    messageId,
                    routingKey,
                    replyText);
        }

        /** Fails what the broker can no longer confirm, except messages the lane is still handing over. */
        @Override
        public void shutdownCompleted(ShutdownSignalException cause) {
            lostBy = cause;
            for (Map.Entry<Long, Unconfirmed> e : unconfirmed.entrySet()) {
                if (e.getValue().handedOver && unconfirmed.remove(e.getKey(), e.getValue())) {
                    lost(e.getValue(), cause);
                }
            }
        }

        private void lost(Unconfirmed message, ShutdownSignalException cause) {
            message.publication.fail(new PublishFailedException(
                    "The channel to the broker closed before it confirmed message " + message.messageId + " on '"
                            + message.outbound.queue() + "': " + cause.getMessage(),
                    cause));
        }

        /** Waits (up to the confirm timeout) for the broker to confirm what is outstanding, then closes the channel. */
        void closeOnceConfirmed() {
            try {
                channel.waitForConfirms(Math.max(1, confirmTimeout.toMillis()));
            } catch (TimeoutException | ShutdownSignalException e) {
                // The callers still waiting are told by their own timeout, or were already by the shutdown listener.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            abort();
        }

        /** Closes the channel; its shutdown listener then fails what the broker had not confirmed. */
        void abort() {
            ConfirmedPublisher.abort(channel);
        }
    }

    private void recordLatency(long nanos) {
        try {
            confirmLatencyNanos.accept(nanos);
        } catch (RuntimeException e) {
            // A broken metric must not break publishing: the client would close the channel over it.
            LOG.warn("The confirm latency hook failed: {}", e.toString());
        }
    }
}
