package io.werken.broker;

/** The broker did not confirm a publish: it refused (nack), could not route it, or did not answer in time. */
public class PublishFailedException extends RuntimeException {

    public PublishFailedException(String message) {
        super(message);
    }

    public PublishFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
