package io.werken.expression;

/**
 * What one event's expressions may spend, all of its actions' together: interpreter steps, bytes of the strings, lists
 * and maps they build, and time. A hostile payload can make an innocent expression slow or large (a big string
 * concatenated in a comprehension); past any limit the evaluation fails, and dispatch dead-letters the event with the
 * reason, instead of one event holding a consumer or filling the heap.
 *
 * @param maxSteps  expression nodes evaluated (every literal, field, call and comprehension step counts one)
 * @param maxBytes  an estimate of what evaluation allocates: two bytes a character of each string a function or
 *                  literal makes, eight a list element, sixteen a map entry (a value selected from the payload counts
 *                  nothing: it exists already)
 * @param maxMillis time from the event's first evaluation by CEL, in milliseconds: wall time, so a long GC pause
 *                  counts too (a real workflow's expressions take microseconds)
 */
public record EvaluationLimits(long maxSteps, long maxBytes, long maxMillis) {

    /** The defaults of application.properties, for tests and tools that do not configure their own. */
    public static final EvaluationLimits DEFAULTS = new EvaluationLimits(500_000, 2L << 20, 1000);

    public EvaluationLimits {
        if (maxSteps < 1 || maxBytes < 1 || maxMillis < 1) {
            throw new IllegalArgumentException("Every evaluation limit must be at least 1, not steps " + maxSteps
                    + ", bytes " + maxBytes + ", ms " + maxMillis);
        }
    }
}
