package io.werken.core;

/**
 * A deployer's mistake that Werken will not start with (an invalid workflows file, a queue declared otherwise, a bad
 * setting). {@code WerkenApplication} reports its message as one line, without a stack trace.
 */
public class StartupRefusedException extends RuntimeException {

    public StartupRefusedException(String message) {
        super(message);
    }

    public StartupRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
