package io.werken.dispatch;

/**
 * An event whose dispatch was cut off more often than {@code WERKEN_QUEUE_DELIVERY_LIMIT} allows: whatever cut it off
 * (most likely the event itself, killing the process that dispatches it) would again, so it is dead-lettered unread.
 */
public class DeliveryLimitException extends UndispatchableEventException {

    public DeliveryLimitException(String eventId, int cutOffs, int limit) {
        super(
                DeadLetterReason.DELIVERY_LIMIT,
                "Event " + eventId + " not dispatched: its dispatch was cut off " + cutOffs
                        + " times (the process died or lost its connection while dispatching it), more than "
                        + "WERKEN_QUEUE_DELIVERY_LIMIT (" + limit + ") allows: delivery_limit");
    }
}
