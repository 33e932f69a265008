package io.werken.broker;

import io.werken.core.StartupRefusedException;

/** A queue exists on the broker with arguments other than Werken's; Werken will not start against it. */
public class TopologyClashException extends StartupRefusedException {

    public TopologyClashException(String message, Throwable cause) {
        super(message, cause);
    }
}
