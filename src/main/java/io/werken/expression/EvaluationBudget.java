package io.werken.expression;

import dev.cel.common.ast.CelExpr;
import dev.cel.common.values.CelByteString;
import dev.cel.runtime.CelEvaluationListener;
import java.util.Collection;
import java.util.Map;

/**
 * One event's {@link EvaluationLimits} being spent: CEL calls it after every node it evaluates ({@code trace}), and it
 * throws once a limit is passed. CEL turns the throw into an error value where the language absorbs errors
 * ({@code false || error}, {@code exists}), so once exceeded the budget stays exceeded: every later node throws
 * again, and {@link Expression} reports the budget's reason rather than whatever CEL made of it.
 */
final class EvaluationBudget implements CelEvaluationListener {

    /**
     * The clock is read every this many steps (a power of two): one step's work is bounded by the payload's size,
     * and reading the clock costs about as much as a step. (Wall time: the evaluating thread's CPU time would not
     * count GC pauses, but reading it costs 1.5 us here, more than a whole ordinary evaluation.)
     */
    private static final int CLOCK_EVERY = 16;
    /** The variable CEL's macros accumulate into: {@code @result + [x]} appends to a list view, allocating one element. */
    private static final String ACCUMULATOR = "@result";

    private final EvaluationLimits limits;
    private final long maxNanos;
    private final long start;
    private long steps;
    private long bytes;
    private String exceeded;

    EvaluationBudget(EvaluationLimits limits) {
        this.limits = limits;
        this.maxNanos = limits.maxMillis() * 1_000_000;
        this.start = System.nanoTime();
    }

    @Override
    public void callback(CelExpr expr, Object value) {
        if (exceeded != null) {
            throw new BudgetExceeded(exceeded);
        }
        if (++steps > limits.maxSteps()) {
            exceed("the event's expressions took more than " + limits.maxSteps()
                    + " evaluation steps (WERKEN_CEL_MAX_STEPS)");
        }
        if ((steps & (CLOCK_EVERY - 1)) == 0 && System.nanoTime() - start > maxNanos) {
            exceed("the event's expressions took more than " + limits.maxMillis() + " ms (WERKEN_CEL_MAX_MS)");
        }
        switch (expr.getKind()) {
            case CALL -> {
                if (allocates(expr.call())) {
                    charge(value);
                }
            }
            case LIST, MAP, STRUCT -> charge(value);
            default -> {
                // Constants, variables, fields and comprehensions hand on values that exist already (a
                // comprehension's result was charged as it was built).
            }
        }
    }

    /** The reason the budget ran out, or null while it has not. */
    String exceeded() {
        return exceeded;
    }

    /** Throws once the budget has run out; an expression evaluated after that fails at once. */
    void check() throws ExpressionException {
        if (exceeded != null) {
            throw new ExpressionException(exceeded, true);
        }
    }

    /** Steps so far (for tests and measurements). */
    long steps() {
        return steps;
    }

    /** Bytes charged so far (for tests and measurements). */
    long bytes() {
        return bytes;
    }

    /** Whether a call's result is new: indexing, the conditional and dyn() return a value that exists already. */
    private static boolean allocates(CelExpr.CelCall call) {
        switch (call.function()) {
            case "_[_]", "_?_:_", "dyn" -> {
                return false;
            }
            case "_+_" -> {
                // A macro's accumulator grows by the list literal it appends, which is charged on its own.
                CelExpr first = call.args().get(0);
                return !(first.getKind() == CelExpr.ExprKind.Kind.IDENT
                        && first.ident().name().equals(ACCUMULATOR));
            }
            default -> {
                return true;
            }
        }
    }

    private void charge(Object value) {
        long size;
        if (value instanceof String s) {
            size = 2L * s.length();
        } else if (value instanceof Collection<?> c) {
            size = 8L * c.size();
        } else if (value instanceof Map<?, ?> m) {
            size = 16L * m.size();
        } else if (value instanceof CelByteString b) {
            size = b.size();
        } else if (value instanceof com.google.protobuf.ByteString b) {
            size = b.size();
        } else {
            return;
        }
        bytes += size;
        if (bytes > limits.maxBytes()) {
            exceed("the event's expressions built more than " + limits.maxBytes()
                    + " bytes of strings, lists and maps (WERKEN_CEL_MAX_BYTES)");
        }
    }

    private void exceed(String reason) {
        exceeded = reason;
        throw new BudgetExceeded(reason);
    }

    /** Thrown out of CEL's interpreter; cheap, because it may be thrown at every remaining node. */
    private static final class BudgetExceeded extends RuntimeException {

        BudgetExceeded(String reason) {
            super(reason, null, false, false);
        }
    }
}
