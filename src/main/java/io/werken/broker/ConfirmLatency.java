package io.werken.broker;

/**
 * Told of each message that counts as published (acked, not returned): the queue it went to, and the nanoseconds from
 * its {@code basicPublish} to the broker's ack; for metrics. It runs on the connection's I/O thread, before the caller
 * is released: it must be quick and never block.
 */
@FunctionalInterface
public interface ConfirmLatency {

    ConfirmLatency NONE = (queue, nanos) -> {};

    void confirmed(String queue, long nanos);
}
