package io.werken.broker;

import com.rabbitmq.client.Channel;
import io.werken.broker.UnconfirmedPublications.NothingSentException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.connection.RabbitUtils;

/**
 * One publisher lane: runs on a thread of its own, holds one channel open (an {@link UnconfirmedPublications}), and
 * publishes the {@link Publication}s callers hand it, in order, without waiting for confirms in between. It opens a
 * new channel when it has none or lost it, and stops at {@link Publication#STOP}, once what it published is confirmed.
 */
final class PublisherLane implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(PublisherLane.class);

    private final BlockingQueue<Publication> pending;
    private final ConnectionFactory connections;
    private final Duration confirmTimeout;
    private final ConfirmLatency confirmLatency;

    PublisherLane(
            BlockingQueue<Publication> pending,
            ConnectionFactory connections,
            Duration confirmTimeout,
            ConfirmLatency confirmLatency) {
        this.pending = pending;
        this.connections = connections;
        this.confirmTimeout = confirmTimeout;
        this.confirmLatency = confirmLatency;
    }

    @Override
    public void run() {
        UnconfirmedPublications channel = null;
        Publication next = null;
        while (true) {
            Publication publication = next != null ? next : takeUninterruptibly();
            next = null;
            if (publication == Publication.STOP) {
                break;
            }
            // Taken once, by a lane or by a caller that gave up waiting (a retry is already taken).
            if (!publication.retried().get() && !publication.claimed().compareAndSet(false, true)) {
                continue;
            }
            try {
                if (channel != null && !channel.isOpen()) {
                    // Closed, or refused a message: closing it fails what is still unconfirmed on it.
                    channel.abort();
                    channel = null;
                }
                if (channel == null) {
                    channel = open();
                }
                channel.publish(publication);
            } catch (RuntimeException e) {
                LOG.debug(
                        "Publisher lane {} lost its channel: {}",
                        Thread.currentThread().getName(),
                        e.toString());
                if (channel != null) {
                    // After a failed basicPublish the channel's sequence numbers may no longer match the broker's:
                    // leave it. Closing it fails what is still unconfirmed on it, so those callers fail, not wait.
                    channel.abort();
                    channel = null;
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
        if (channel != null) {
            channel.closeOnceConfirmed();
        }
    }

    private Publication takeUninterruptibly() {
        try {
            return pending.take();
        } catch (InterruptedException e) {
            return Publication.STOP;
        }
    }

    private UnconfirmedPublications open() {
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
            return new UnconfirmedPublications(channel, confirmTimeout, confirmLatency);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                UnconfirmedPublications.abort(channel);
            }
            throw e instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("Cannot open a publisher channel: " + e.getMessage(), e);
        }
    }
}
