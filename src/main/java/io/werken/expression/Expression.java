package io.werken.expression;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;

/** A compiled CEL expression: evaluated against one event's {@link Bindings}, many times, by many threads. */
public final class Expression {

    private final String source;
    private final CelRuntime.Program program;

    Expression(String source, CelRuntime.Program program) {
        this.source = source;
        this.program = program;
    }

    public String source() {
        return source;
    }

    /** The CEL value (see {@link JsonValues} for how it maps to JSON). */
    public Object evaluate(Bindings bindings) throws ExpressionException {
        try {
            return program.eval(bindings.resolver());
        } catch (CelEvaluationException e) {
            throw new ExpressionException("CEL: " + e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            throw new ExpressionException("CEL: evaluation failed: " + e);
        }
    }

    /** Evaluates a condition: true or false, anything else is an error. */
    public boolean test(Bindings bindings) throws ExpressionException {
        Object value = evaluate(bindings);
        if (value instanceof Boolean b) {
            return b;
        }
        throw new ExpressionException("the condition gave " + JsonValues.typeName(value) + ", not a bool");
    }
}
