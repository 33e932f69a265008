package io.werken.broker;

import com.rabbitmq.client.AMQP;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.spi.ExecutorServiceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * into every mandatory message, and those would reach every worker. Each lane's channel is an
 * {@link UnconfirmedPublications}: it tracks the channel's sequence numbers itself and matches a {@code basic.return}
 * to the unconfirmed message with the same routing key and {@code message_id} (the broker sends the return before the
 * ack of the same message), so a message leaves with exactly the headers it was given.
 * <p>
 * This class is the façade: it converts a caller's messages, hands them to the lanes and waits (or not) for their
 * confirms. The lanes run on a fixed pool from Camel's {@link ExecutorServiceManager}; {@link #close()} stops them
 * once what callers handed them has been published.
 */
public final class ConfirmedPublisher implements MessagePublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfirmedPublisher.class);

    private final Duration confirmTimeout;
    private final MessagePropertiesConverter converter = new DefaultMessagePropertiesConverter();
    private final BlockingQueue<Publication> pending = new LinkedBlockingQueue<>();
    /** Publications to {@link #ownLaneQueue} alone, for the lane of their own. */
    private final BlockingQueue<Publication> ownLanePending = new LinkedBlockingQueue<>();

    private final String ownLaneQueue;
    private final List<BlockingQueue<Publication>> laneQueues = new ArrayList<>();
    private final ExecutorServiceManager threads;
    private final ExecutorService lanePool;
    private final List<Future<?>> lanes = new ArrayList<>();
    private volatile boolean running = true;
    private final AtomicBoolean closed = new AtomicBoolean();

    public ConfirmedPublisher(
            ExecutorServiceManager threads, ConnectionFactory connectionFactory, Duration confirmTimeout) {
        this(threads, connectionFactory, confirmTimeout, 1, ConfirmLatency.NONE, null);
    }

    /**
     * @param threads             Camel's, which gives the lanes their threads
     * @param laneCount           how many lanes, each with a channel of its own
     * @param confirmLatency      told of each message's confirm latency, for metrics
     * @param ownLaneQueue        a queue whose publications (those to it alone) get a lane of their own, beside the
     *                            {@code laneCount} others, so that they never wait behind the others' messages, in
     *                            Werken or on the broker's channel (the events a 202 waits for, behind dispatch's
     *                            actions); null: none
     */
    public ConfirmedPublisher(
            ExecutorServiceManager threads,
            ConnectionFactory connectionFactory,
            Duration confirmTimeout,
            int laneCount,
            ConfirmLatency confirmLatency,
            String ownLaneQueue) {
        // Publish on a connection of its own: a broker that blocks publishers (memory or disk alarm) must not also
        // stall the dispatch consumers' acknowledgements.
        ConnectionFactory publisherConnections = connectionFactory.getPublisherConnectionFactory();
        ConnectionFactory connections = publisherConnections != null ? publisherConnections : connectionFactory;
        this.confirmTimeout = confirmTimeout;
        Objects.requireNonNull(confirmLatency, "confirmLatency");
        this.threads = threads;
        this.ownLaneQueue = ownLaneQueue;
        for (int i = 0; i < laneCount; i++) {
            laneQueues.add(pending);
        }
        if (ownLaneQueue != null) {
            laneQueues.add(ownLanePending);
        }
        this.lanePool = threads.newFixedThreadPool(this, "werken-publisher", laneQueues.size());
        for (BlockingQueue<Publication> queue : laneQueues) {
            lanes.add(lanePool.submit(new PublisherLane(queue, connections, confirmTimeout, confirmLatency)));
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
        } else if (ownLaneQueue != null && allTo(ownLaneQueue, messages)) {
            ownLanePending.add(publication);
        } else {
            pending.add(publication);
        }
        return publication;
    }

    /** Whether every one of {@code messages} goes to {@code queue} (a loop: this runs for every publication). */
    private static boolean allTo(String queue, List<Outbound> messages) {
        for (Outbound message : messages) {
            if (!queue.equals(message.queue())) {
                return false;
            }
        }
        return true;
    }

    /** Stops the lanes once what callers handed them has been published; confirms still arrive afterwards. Once. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        running = false;
        laneQueues.forEach(queue -> queue.add(Publication.STOP));
        // Each lane waits up to the confirm timeout for its channel's last confirms; they stop side by side.
        long deadline = System.nanoTime() + 2 * confirmTimeout.toNanos();
        for (Future<?> lane : lanes) {
            try {
                lane.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (ExecutionException | TimeoutException | CancellationException e) {
                LOG.debug("A publisher lane did not stop cleanly: {}", e.toString());
            }
        }
        threads.shutdownNow(lanePool);
        // A publish that slipped in behind the stop markers: fail it now rather than let its caller wait it out.
        for (BlockingQueue<Publication> queue : List.of(pending, ownLanePending)) {
            for (Publication left = queue.poll(); left != null; left = queue.poll()) {
                left.fail(new PublishFailedException("Werken is stopping: not publishing"));
            }
        }
    }
}
