package io.werken.workflow;

import io.werken.core.StartupRefusedException;

/** The workflows file cannot be used; the message names the file, the workflow and the problem. */
public class InvalidWorkflowsException extends StartupRefusedException {

    public InvalidWorkflowsException(String message) {
        super(message);
    }

    public InvalidWorkflowsException(String message, Throwable cause) {
        super(message, cause);
    }
}
