package io.werken.dispatch;

/**
 * Why an event was dead-lettered, as a fixed set (the {@code reason} label of {@code werken_events_dead_lettered_total});
 * the dead letter's {@code x-werken-dead-letter-reason} header says it in words.
 */
public enum DeadLetterReason {

    /** The message on the received queue is not an event envelope. */
    INVALID_EVENT("invalid-event"),
    /** The workflows in use do not define the event's workflow (it was removed by a reload, say). */
    UNKNOWN_WORKFLOW("unknown-workflow"),
    /** An action's condition or params could not be evaluated for the event. */
    ACTION_EVALUATION_FAILED("action-evaluation-failed"),
    /** Its dispatch was cut off (the process died or lost its connection) more often than the delivery limit. */
    DELIVERY_LIMIT("delivery-limit"),
    /** Publishing its actions kept failing through every redelivery. */
    RETRIES_EXHAUSTED("retries-exhausted");

    private final String label;

    DeadLetterReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The reason for the failure that sent an event to the dead-letter queue. */
    public static DeadLetterReason of(Throwable failure) {
        return failure instanceof UndispatchableEventException undispatchable
                ? undispatchable.reason()
                : RETRIES_EXHAUSTED;
    }
}
