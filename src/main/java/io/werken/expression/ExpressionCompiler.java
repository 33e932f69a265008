package io.werken.expression;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;

/**
 * The workflow language's CEL environment: the variables every expression sees ({@code payload}, {@code headers},
 * {@code event}), CEL's standard functions and macros, and the bound on comprehensions. Expressions are parsed and
 * type-checked here, once, when a workflows file is loaded.
 */
public final class ExpressionCompiler {

    /** The webhook body, as JSON (objects are maps, integers CEL ints). */
    public static final String PAYLOAD = "payload";
    /** The request headers the workflow lists, by lower-case name. */
    public static final String HEADERS = "headers";
    /** {@code id}, {@code workflow_id} and {@code received_at} of the event. */
    public static final String EVENT = "event";

    private final Cel cel;

    /** {@code maxIterations} bounds every comprehension ({@code all}, {@code exists}, {@code map}, {@code filter}). */
    public ExpressionCompiler(int maxIterations) {
        if (maxIterations < 1) {
            throw new IllegalArgumentException("The comprehension limit must be at least 1, not " + maxIterations);
        }
        this.cel = CelFactory.standardCelBuilder()
                .setOptions(CelOptions.current()
                        .comprehensionMaxIterations(maxIterations)
                        // JSON has one kind of number: 2 == 2.0 and payload.price > 10 must hold across int/double.
                        .enableHeterogeneousNumericComparisons(true)
                        .build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar(PAYLOAD, SimpleType.DYN)
                .addVar(HEADERS, MapType.create(SimpleType.STRING, SimpleType.STRING))
                .addVar(EVENT, MapType.create(SimpleType.STRING, SimpleType.STRING))
                .build();
    }

    /** Compiles any expression (a template's). */
    public Expression compile(String source) throws ExpressionException {
        return new Expression(source, program(check(source)));
    }

    /** Compiles a condition: its type must be bool (or dyn, checked again when it runs). */
    public Expression compileCondition(String source) throws ExpressionException {
        CelAbstractSyntaxTree ast = check(source);
        CelKind kind = ast.getResultType().kind();
        if (kind != CelKind.BOOL && kind != CelKind.DYN) {
            throw new ExpressionException("a condition must be a boolean expression, but '" + source.strip() + "' is of type "
                                          + ast.getResultType().name());
        }
        return new Expression(source, program(ast));
    }

    private CelAbstractSyntaxTree check(String source) throws ExpressionException {
        if (source.isBlank()) {
            throw new ExpressionException("the expression is empty");
        }
        try {
            return cel.compile(source).getAst();
        } catch (CelValidationException e) {
            throw new ExpressionException(celMessage(e));
        }
    }

    private dev.cel.runtime.CelRuntime.Program program(CelAbstractSyntaxTree ast) throws ExpressionException {
        try {
            return cel.createProgram(ast);
        } catch (CelEvaluationException e) {
            throw new ExpressionException(e.getMessage());
        }
    }

    /** CEL's first issue, on one line, with its column (the source is in the caller's pointer already). */
    private static String celMessage(CelValidationException e) {
        if (e.getErrors().isEmpty()) {
            return e.getMessage();
        }
        var issue = e.getErrors().get(0);
        String more = e.getErrors().size() > 1 ? " (and " + (e.getErrors().size() - 1) + " more)" : "";
        return "CEL: " + issue.getMessage() + " at column " + (issue.getSourceLocation().getColumn() + 1) + more;
    }
}
