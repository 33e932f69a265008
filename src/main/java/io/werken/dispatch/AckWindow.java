package io.werken.dispatch;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of one AMQP channel's deliveries may be acknowledged, and how: the events dispatch took on the channel, in
 * delivery-tag order, each pending until its actions and journal record are confirmed (then acknowledged) or it failed
 * (then rejected without requeue, at once and alone).
 * <p>
 * A confirmed event is acknowledged only together with every event taken before it: one {@code basicAck(tag, true)}
 * for the longest run of confirmed events at the bottom of the window, which the broker applies to every tag up to
 * {@code tag} it still holds unacknowledged. That is safe because, on this channel, every tag below is then known:
 * taken by dispatch and settled here (acknowledged or rejected, so no longer held), or part of the run. An event that
 * is confirmed while one taken before it is still pending waits for it. A tag that was never taken (a delivery that
 * failed before dispatch saw it) would be acknowledged by a multiple ack past it, so once one is skipped the window
 * acknowledges each event alone. Every tag is settled at most once: a second settle, or a settle of a tag not taken,
 * sends nothing. Once the channel closed, or a send failed, nothing more is sent: the broker puts every event it still
 * holds for the channel back on the queue (at least once, redelivered).
 */
public final class AckWindow {

    private static final Logger LOG = LoggerFactory.getLogger(AckWindow.class);

    /** What the window sends on its channel. */
    public interface Channel {

        /** {@code basicAck(tag, multiple)}. */
        void ack(long tag, boolean multiple) throws IOException;

        /** {@code basicReject(tag, false)}: the queue's dead-letter exchange gets it. */
        void reject(long tag) throws IOException;

        /** What the window sends, sent on the AMQP channel {@code amqp}. */
        static Channel of(com.rabbitmq.client.Channel amqp) {
            return new Channel() {
                @Override
                public void ack(long tag, boolean multiple) throws IOException {
                    amqp.basicAck(tag, multiple);
                }

                @Override
                public void reject(long tag) throws IOException {
                    amqp.basicReject(tag, false);
                }
            };
        }
    }

    private final Channel channel;
    /** Taken and not yet settled on the broker: tag to whether its event is confirmed (waiting to be acknowledged). */
    private final TreeMap<Long, Boolean> open = new TreeMap<>();

    private long lastTaken;
    private boolean tagSkipped;
    private boolean closed;

    public AckWindow(Channel channel) {
        this.channel = channel;
    }

    /** Dispatch took the delivery {@code tag}: tags come in increasing order on one channel. */
    public synchronized void taken(long tag) {
        if (tag <= lastTaken) {
            throw new IllegalArgumentException(
                    "Delivery tag " + tag + " is not above the last taken on this channel, " + lastTaken);
        }
        if (tag != lastTaken + 1 && !tagSkipped) {
            // Some delivery below never reached dispatch: a multiple ack would take it along, unconfirmed.
            LOG.warn(
                    "Delivery tag {} follows {}: from now on this channel's events are acknowledged one by one",
                    tag,
                    lastTaken);
            tagSkipped = true;
        }
        lastTaken = tag;
        open.put(tag, Boolean.FALSE);
    }

    /** Every action of the event delivered as {@code tag}, and its journal record, is confirmed: it may be acked. */
    public synchronized void confirmed(long tag) {
        if (closed) {
            return;
        }
        Boolean confirmed = open.get(tag);
        if (confirmed == null || confirmed) {
            LOG.warn("Delivery tag {} was not pending on its channel: nothing sent for it", tag);
            return;
        }
        if (tagSkipped) {
            open.remove(tag);
            send(tag, true, false);
            return;
        }
        open.put(tag, Boolean.TRUE);
        acknowledgeSettledRun();
    }

    /** The event delivered as {@code tag} failed beyond the route's own handling: rejected, without requeue. */
    public synchronized void failed(long tag) {
        if (closed) {
            return;
        }
        Boolean confirmed = open.get(tag);
        if (confirmed == null || confirmed) {
            LOG.warn("Delivery tag {} was not pending on its channel: not rejected", tag);
            return;
        }
        open.remove(tag);
        send(tag, false, false);
        if (!tagSkipped) {
            acknowledgeSettledRun();
        }
    }

    /** The channel closed: the broker requeued what it held, nothing more may be sent for it. */
    public synchronized void closed() {
        closed = true;
        open.clear();
    }

    /** How many events taken on the channel are not settled yet. */
    public synchronized int open() {
        return open.size();
    }

    /** One multiple ack up to the last of the confirmed events at the bottom of the window, if there are any. */
    private void acknowledgeSettledRun() {
        long upTo = -1;
        int count = 0;
        for (Map.Entry<Long, Boolean> entry : open.entrySet()) {
            if (!entry.getValue()) {
                break;
            }
            upTo = entry.getKey();
            count++;
        }
        if (count == 0) {
            return;
        }
        Iterator<Long> tags = open.keySet().iterator();
        for (int i = 0; i < count; i++) {
            tags.next();
            tags.remove();
        }
        send(upTo, true, count > 1);
    }

    private void send(long tag, boolean ack, boolean multiple) {
        try {
            if (ack) {
                channel.ack(tag, multiple);
            } else {
                channel.reject(tag);
            }
        } catch (IOException | RuntimeException e) {
            // The channel is gone (or going): the broker requeues everything it still holds for it.
            LOG.warn(
                    "Could not {} delivery tag {} ({}); the broker redelivers the channel's unacknowledged events",
                    ack ? "acknowledge" : "reject",
                    tag,
                    e.toString());
            closed();
        }
    }
}
