package io.werken.workflow;

import io.werken.core.StartupRefusedException;
import java.util.List;

/**
 * The workflows file cannot be used. It lists every problem found, each led by the JSON Pointer of what is wrong
 * ({@code /mi-workflow/actions/0/when: ...}); the message names the file and holds them all, on one line.
 */
public class InvalidWorkflowsException extends StartupRefusedException {

    private final List<String> problems;

    public InvalidWorkflowsException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    public InvalidWorkflowsException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    public InvalidWorkflowsException(String source, List<String> problems) {
        super("Invalid workflows file " + source + " (" + problems.size()
                + (problems.size() == 1 ? " problem): " : " problems): ") + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, pointer first. */
    public List<String> problems() {
        return problems;
    }
}
