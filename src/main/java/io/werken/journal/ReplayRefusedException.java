package io.werken.journal;

/** A replay that cannot be made as asked (an event kept as metadata only, a revision that is gone); says why. */
public final class ReplayRefusedException extends RuntimeException {

    public ReplayRefusedException(String message) {
        super(message);
    }
}
