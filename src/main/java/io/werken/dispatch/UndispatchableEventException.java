package io.werken.dispatch;

/** An event that no retry can dispatch (not a valid envelope, or its workflow is gone): it goes to the dead-letter queue. */
public class UndispatchableEventException extends RuntimeException {

    private final DeadLetterReason reason;

    public UndispatchableEventException(DeadLetterReason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }
}
