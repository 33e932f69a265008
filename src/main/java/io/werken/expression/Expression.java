package io.werken.expression;

import dev.cel.common.CelErrorCode;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A compiled CEL expression: evaluated against one event's {@link Bindings}, many times, by many threads. */
public final class Expression {

    /** A bare field path such as {@code payload.user_id}: read straight from the bindings' maps, as CEL would. */
    private static final Pattern FIELD_PATH =
            Pattern.compile("\\s*(payload|headers|event)((?:\\s*\\.\\s*[A-Za-z_][A-Za-z0-9_]*)+)\\s*");

    private final String source;
    private final CelRuntime.Program program;
    /** The variables ({@code payload}, {@code headers}, {@code event}) it names. */
    private final Set<String> variables;
    /** For a bare field path (e.g. {@code payload.user_id}), its variable and its fields; otherwise null. */
    private final String root;

    private final String[] fields;

    Expression(String source, CelRuntime.Program program, Set<String> variables) {
        this.source = source;
        this.program = program;
        this.variables = Set.copyOf(variables);
        Matcher path = FIELD_PATH.matcher(source);
        if (path.matches()) {
            this.root = path.group(1);
            this.fields = path.group(2).replaceAll("\\s", "").substring(1).split("\\.");
        } else {
            this.root = null;
            this.fields = null;
        }
    }

    public String source() {
        return source;
    }

    /**
     * Whether it names the variable {@code variable} ({@link ExpressionCompiler#PAYLOAD}, {@link
     * ExpressionCompiler#HEADERS} or {@link ExpressionCompiler#EVENT}) anywhere, even where it would not be evaluated
     * (a comprehension's own variable of that name counts too).
     */
    public boolean reads(String variable) {
        return variables.contains(variable);
    }

    /** The CEL value (see {@link JsonValues} for how it maps to JSON). */
    public Object evaluate(Bindings bindings) throws ExpressionException {
        if (root != null) {
            Object value = select(bindings);
            if (value != null) {
                return value;
            }
        }
        return evaluateWithCel(bindings);
    }

    /** True if this is a bare field path, evaluated without CEL's interpreter when it resolves. */
    boolean isFieldPath() {
        return root != null;
    }

    /** The value as CEL's interpreter gives it, spending from the event's budget. */
    Object evaluateWithCel(Bindings bindings) throws ExpressionException {
        EvaluationBudget budget = bindings.budget();
        budget.check();
        try {
            return program.trace(bindings.resolver(), budget);
        } catch (CelEvaluationException e) {
            budget.check();
            throw new ExpressionException(
                    "CEL: " + e.getMessage(), e.getErrorCode() == CelErrorCode.ITERATION_BUDGET_EXCEEDED);
        } catch (RuntimeException | StackOverflowError e) {
            budget.check();
            throw new ExpressionException("CEL: evaluation failed: " + e);
        }
    }

    /**
     * A bare field path's value, as CEL's select on a map gives it (the map's own value object), or null where that
     * path does not run through maps holding each field: CEL then evaluates it, with its own error. (Templates are mostly such
     * paths; bench/README.md has what skipping the interpreter saved.)
     */
    private Object select(Bindings bindings) {
        Object value = bindings.variable(root);
        for (String field : fields) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(field);
            if (value == null) {
                return null;
            }
        }
        return value;
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
