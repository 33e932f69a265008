package io.werken.workflow;

/** The workflows file cannot be used; the message names the file, the workflow and the problem. */
public class InvalidWorkflowsException extends RuntimeException {

    public InvalidWorkflowsException(String message) {
        super(message);
    }

    public InvalidWorkflowsException(String message, Throwable cause) {
        super(message, cause);
    }
}
