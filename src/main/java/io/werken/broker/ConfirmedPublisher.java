package io.werken.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitOperations;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Publishes messages to queues and returns only once the broker has confirmed every one of them.
 * <p>
 * camel-spring-rabbitmq's producer waits for one confirm per message and never sets {@code mandatory}, so a publish
 * to a missing queue is confirmed and silently dropped. This publisher sets {@code mandatory} and treats a nack, a
 * returned (unroutable) message or a missing confirm as a failure of the whole call ({@link PublishFailedException}).
 * <p>
 * Every publish goes through one of a few <em>lanes</em>: a thread that holds one channel open and publishes what
 * callers hand it, in order, without waiting for confirms in between. The broker then sees many confirms outstanding
 * on few channels and acknowledges them in batches, which costs it far less than a channel per publish with one
 * message in flight. (Spring's channel cache cannot do this: it keeps a channel out of the cache until its confirms
 * have arrived, and waits for them on a thread of its own.) A caller waits only for its own messages' confirms.
 */
public final class ConfirmedPublisher implements MessagePublisher, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConfirmedPublisher.class);

    /** A caller's messages, published together on one lane, and the caller's wait for them. */
    private record Publication(List<Outbound> messages, CompletableFuture<List<CorrelationData>> sent,
                               AtomicBoolean claimed, AtomicBoolean retried) {

        Publication(List<Outbound> messages) {
            this(messages, new CompletableFuture<>(), new AtomicBoolean(), new AtomicBoolean());
        }

        /** The queue(s) it goes to, for messages. */
        String queues() {
            return messages.stream().map(Outbound::queue).distinct().collect(Collectors.joining("', '"));
        }
    }

    /** A send that failed before any of the publication's messages left: safe to try once more on a new channel. */
    private static final class NothingSentException extends RuntimeException {
        NothingSentException(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final Publication STOP = new Publication(List.of());

    private final RabbitTemplate template;
    private final Duration confirmTimeout;
    private final BlockingQueue<Publication> pending = new LinkedBlockingQueue<>();
    private final List<Thread> lanes = new ArrayList<>();
    private volatile boolean running = true;

    public ConfirmedPublisher(ConnectionFactory connectionFactory, Duration confirmTimeout) {
        this(connectionFactory, confirmTimeout, 1);
    }

    public ConfirmedPublisher(ConnectionFactory connectionFactory, Duration confirmTimeout, int laneCount) {
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
            confirmedFuture(publication).get(confirmTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // If no lane has taken it yet, it never will: the caller is told it failed, so it must not go out later.
            publication.claimed().set(true);
            throw new PublishFailedException("No publisher confirm on '" + publication.queues() + "' within "
                                             + confirmTimeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishFailedException("Interrupted while waiting for publisher confirms", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof PublishFailedException failed
                    ? failed : new PublishFailedException("Publish to '" + publication.queues() + "' failed", e.getCause());
        }
    }

    /**
     * Publishes like {@link #publish} without blocking: the future completes once the broker has confirmed every
     * message, or fails with {@link PublishFailedException}. The caller bounds the wait.
     */
    public CompletableFuture<Void> publishAsync(String queue, List<Message> messages) {
        return confirmedFuture(enqueue(messages.stream().map(m -> new Outbound(queue, m)).toList()));
    }

    private Publication enqueue(List<Outbound> messages) {
        Publication publication = new Publication(messages);
        if (!running) {
            publication.sent().completeExceptionally(new PublishFailedException("Werken is stopping: not publishing"));
        } else {
            pending.add(publication);
        }
        return publication;
    }

    private static CompletableFuture<Void> confirmedFuture(Publication publication) {
        return publication.sent().thenCompose(correlations -> confirmed(publication.messages(), correlations));
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
            left.sent().completeExceptionally(new PublishFailedException("Werken is stopping: not publishing"));
        }
    }

    private void runLane() {
        Publication next = null;
        while (true) {
            if (next == null) {
                next = takeUninterruptibly();
            }
            if (next == STOP) {
                return;
            }
            Publication[] current = {next};
            try {
                // Holds one channel for as long as publishing on it works. When it fails (e.g. the connection was
                // lost) the lane leaves it and takes a new one; Spring nacks whatever was still unconfirmed on the
                // old channel, so those callers fail rather than wait.
                template.invoke(operations -> {
                    while (current[0] != STOP) {
                        // Taken once, by a lane or by a caller that gave up waiting (a retry is already taken).
                        if (current[0].retried().get() || current[0].claimed().compareAndSet(false, true)) {
                            send(operations, current[0]);
                        }
                        current[0] = pending.poll();
                        if (current[0] == null) {
                            current[0] = takeUninterruptibly();
                        }
                    }
                    return null;
                });
                next = current[0];
            } catch (RuntimeException e) {
                LOG.debug("Publisher lane {} lost its channel: {}", Thread.currentThread().getName(), e.toString());
                Publication failed = current[0];
                if (e instanceof NothingSentException && !failed.retried().getAndSet(true)) {
                    // The channel was closed before this publication went out (e.g. the connection was lost while
                    // the lane was idle): publish it on a new channel rather than fail the caller.
                    next = failed;
                } else {
                    failed.sent().completeExceptionally(new PublishFailedException(
                            "Cannot publish to '" + failed.queues() + "': " + e.getMessage(), e));
                    next = null;
                }
            }
        }
    }

    private Publication takeUninterruptibly() {
        while (true) {
            try {
                return pending.take();
            } catch (InterruptedException e) {
                return STOP;
            }
        }
    }

    private static void send(RabbitOperations operations, Publication publication) {
        List<CorrelationData> correlations = new ArrayList<>(publication.messages().size());
        for (Outbound outbound : publication.messages()) {
            Message message = outbound.message();
            CorrelationData correlation = new CorrelationData(message.getMessageProperties().getMessageId());
            try {
                operations.send("", outbound.queue(), message, correlation);
            } catch (RuntimeException e) {
                throw correlations.isEmpty() ? new NothingSentException(e) : e;
            }
            correlations.add(correlation);
        }
        publication.sent().complete(correlations);
    }

    private static CompletableFuture<Void> confirmed(List<Outbound> messages, List<CorrelationData> correlations) {
        CompletableFuture<?>[] confirms = correlations.stream().map(CorrelationData::getFuture)
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(confirms).thenRun(() -> {
            for (int i = 0; i < correlations.size(); i++) {
                CorrelationData correlation = correlations.get(i);
                String queue = messages.get(i).queue();
                CorrelationData.Confirm confirm = correlation.getFuture().join();
                // Spring records a return before it completes the confirm of the same message.
                if (correlation.getReturned() != null) {
                    throw new PublishFailedException("The broker could not route message " + correlation.getId()
                                                     + " to queue '" + queue + "': "
                                                     + correlation.getReturned().getReplyText());
                }
                if (!confirm.isAck()) {
                    throw new PublishFailedException("The broker refused message " + correlation.getId() + " on '"
                                                     + queue + "'"
                                                     + (confirm.getReason() == null ? "" : ": " + confirm.getReason()));
                }
            }
        });
    }
}
