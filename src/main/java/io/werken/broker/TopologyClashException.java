package io.werken.broker;

/** A queue exists on the broker with arguments other than Werken's; Werken will not start against it. */
public class TopologyClashException extends RuntimeException {

    public TopologyClashException(String message, Throwable cause) {
        super(message, cause);
    }
}
