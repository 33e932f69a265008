package io.werken.broker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.werken.broker.MessagePublisher.Outbound;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lane's channel, in confirm mode, and the messages published on it that the broker has not confirmed yet, by
 * publish sequence number: it settles each {@link Publication} from the broker's acks, nacks and returns, and fails it
 * when the channel closes first. Its listeners run on the connection's I/O thread, in the order the broker's frames
 * arrive.
 */
final class UnconfirmedPublications implements ConfirmListener, ReturnListener, ShutdownListener {

    private static final Logger LOG = LoggerFactory.getLogger(UnconfirmedPublications.class);

    /** A message handed to the channel that the broker has not confirmed yet. */
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
    static final class NothingSentException extends RuntimeException {
        NothingSentException(Exception cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final Channel channel;
    private final Duration confirmTimeout;
    private final ConfirmLatency confirmLatency;
    private final ConcurrentNavigableMap<Long, Unconfirmed> unconfirmed = new ConcurrentSkipListMap<>();
    private volatile ShutdownSignalException lostBy;
    private volatile boolean refused;

    /** Puts {@code channel} in confirm mode and listens to it. */
    UnconfirmedPublications(Channel channel, Duration confirmTimeout, ConfirmLatency confirmLatency)
            throws IOException {
        this.channel = channel;
        this.confirmTimeout = confirmTimeout;
        this.confirmLatency = confirmLatency;
        channel.addShutdownListener(this);
        channel.addConfirmListener(this);
        channel.addReturnListener(this);
        channel.confirmSelect();
    }

    /** Open, and fit to publish on: no nack seen on it. */
    boolean isOpen() {
        return channel.isOpen() && !refused;
    }

    /**
     * Publishes the publication's messages in order, without waiting for their confirms; throws
     * {@link NothingSentException} when not even the first one left.
     */
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
                throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getMessage(), e);
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
            // A channel the broker refused a message on is left for a new one: on a three-node cluster of RabbitMQ
            // 3.10, a lane's channel kept nacking every publish to a quorum queue after that queue's leader node
            // stopped (ClusterFailoverIT), while a new channel on the same connection published again.
            refused = true;
            publication.fail(new PublishFailedException(
                    "The broker refused message " + message.messageId + " on '" + queue + "'"));
        } else if (message.returned != null) {
            publication.fail(new PublishFailedException("The broker could not route message " + message.messageId
                    + " to queue '" + queue + "': " + message.returned));
        } else {
            recordLatency(queue, now - message.publishedAt);
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

    private static void lost(Unconfirmed message, ShutdownSignalException cause) {
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
        abort(channel);
    }

    static void abort(Channel channel) {
        try {
            channel.abort();
        } catch (IOException | RuntimeException e) {
            // Closed already, or the connection is gone: either way the channel is of no more use.
        }
    }

    private void recordLatency(String queue, long nanos) {
        try {
            confirmLatency.confirmed(queue, nanos);
        } catch (RuntimeException e) {
            // A broken metric must not break publishing: the client would close the channel over it.
            LOG.warn("The confirm latency hook failed: {}", e.toString());
        }
    }
}
