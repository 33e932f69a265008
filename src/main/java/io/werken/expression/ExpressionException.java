package io.werken.expression;

/** An expression or template that does not compile, or an evaluation that failed; the message says what and where. */
public class ExpressionException extends Exception {

    public ExpressionException(String message) {
        super(message, null, false, false);
    }
}
