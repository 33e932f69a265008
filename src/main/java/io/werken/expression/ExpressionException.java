package io.werken.expression;

/** An expression or template that does not compile, or an evaluation that failed; the message says what and where. */
public class ExpressionException extends Exception {

    private final boolean limitExceeded;

    public ExpressionException(String message) {
        this(message, false);
    }

    ExpressionException(String message, boolean limitExceeded) {
        super(message, null, false, false);
        this.limitExceeded = limitExceeded;
    }

    /**
     * True if the evaluation failed because it hit a limit (the comprehension limit, or the event's
     * {@link EvaluationLimits}): the event's size, rather than a mistake of the expression or a key it lacks.
     */
    public boolean limitExceeded() {
        return limitExceeded;
    }
}
