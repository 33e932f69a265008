package io.werken.dedupe;

/** The dedupe store (Redis) could not be reached: the webhook is answered 503 and nothing is published. */
public class DedupeStoreUnavailableException extends RuntimeException {

    public DedupeStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
