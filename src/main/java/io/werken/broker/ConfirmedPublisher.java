package io.werken.broker;

import com.rabbitmq.client.AMQP;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
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
 * Every publish goes through one of a few {@link PublisherLane}s: a thread that holds one channel open and publishes
 * what callers hand it, in order, without waiting for confirms in between. The broker then sees many confirms
 * outstanding on few channels and acknowledges them in batches, which costs it far less than a channel per publish
 * with one message in flight. (Spring's channel cache cannot do this: it keeps a channel out of the cache until its
 * confirms have arrived, and waits for them on a thread of its own.) A caller waits only for its own messages'
 * confirms.
 * <p>
 * The lanes publish with the RabbitMQ client's own API, on channels of their own in confirm mode, opened on the
 * connection factory's publisher connection, and not through {@code RabbitTemplate}: to correlate returns, the
 * template writes two headers ({@code spring_listener_return_correlation}, {@code spring_returned_message_correlation})
 * into every mandatory message, and those would reach every worker. Each lane's {@link UnconfirmedPublications} tracks
 * the sequence numbers of its channel itself and matches a {@code basic.return} to the unconfirmed message with the
 * same routing key and {@code message_id} (the broker sends the return before the ack of the same message), so a
 * message leaves with exactly the headers it was given.
 * <p>
 * A Camel service: the lanes are threads of Camel's {@code ExecutorServiceManager}, started with the service and
 * stopped with it, once what callers handed them has been published.
 */
public final class ConfirmedPublisher extends ServiceSupport implements MessagePublisher {

    private final CamelContext context;
    private final ConnectionFactory connections;
    private final Duration confirmTimeout;
    private final int laneCount;
    private final LongConsumer confirmLatencyNanos;
    private final MessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();
    private final BlockingQueue<Publication> pending = new LinkedBlockingQueue<>();
    private volatile boolean running;
    private volatile boolean stopped;
    private ExecutorService lanes;

    /**
     * @param context             whose {@code ExecutorServiceManager} gives the lanes their threads
     * @param laneCount           how many lanes, each with a channel of its own
     * @param confirmLatencyNanos called once for each message that counts as published (acked, not returned) with the
     *                            nanoseconds from its {@code basicPublish} to the broker's ack; for metrics. It runs on
     *                            the connection's I/O thread, before the caller is released: it must be quick and
     *                            never block.
     */
    public ConfirmedPublisher(
            CamelContext context,
            ConnectionFactory connectionFactory,
            Duration confirmTimeout,
            int laneCount,
            LongConsumer confirmLatencyNanos) {
        this.context = context;
        // Publish on a connection of its own: a broker that blocks publishers (memory or disk alarm) must not also
        // stall the dispatch consumers' acknowledgements.
        ConnectionFactory publisherConnections = connectionFactory.getPublisherConnectionFactory();
        this.connections = publisherConnections != null ? publisherConnections : connectionFactory;
        this.confirmTimeout = confirmTimeout;
        this.laneCount = laneCount;
        this.confirmLatencyNanos = Objects.requireNonNull(confirmLatencyNanos, "confirmLatencyNanos");
    }

    @Override
    protected void doStart() {
        lanes = context.getExecutorServiceManager().newFixedThreadPool(this, "ConfirmedPublisher", laneCount);
        for (int i = 0; i < laneCount; i++) {
            lanes.execute(new PublisherLane(pending, connections, confirmTimeout, confirmLatencyNanos));
        }
        stopped = false;
        running = true;
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
            publication.fail(new PublishFailedException(
                    stopped ? "Werken is stopping: not publishing" : "The publisher is not started: not publishing"));
        } else if (messages.isEmpty()) {
            publication.confirmed().complete(null);
        } else {
            pending.add(publication);
        }
        return publication;
    }

    /** Stops the lanes once what callers handed them has been published; confirms still arrive afterwards. */
    @Override
    protected void doStop() {
        running = false;
        stopped = true;
        if (lanes != null) {
            for (int i = 0; i < laneCount; i++) {
                pending.add(Publication.STOP);
            }
            // Each lane waits up to the confirm timeout for its last confirms, all at once.
            context.getExecutorServiceManager().shutdownGraceful(lanes, 2 * Math.max(1, confirmTimeout.toMillis()));
            lanes = null;
        }
        // A publish that slipped in behind the stop markers: fail it now rather than let its caller wait it out.
        for (Publication left = pending.poll(); left != null; left = pending.poll()) {
            left.fail(new PublishFailedException("Werken is stopping: not publishing"));
        }
    }

    /** Stops it, as {@link #stop()} does (without {@link org.apache.camel.Service#close()}'s checked exception). */
    @Override
    public void close() {
        stop();
    }
}
