package io.werken.expression;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableAst;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The workflow language's CEL environment: the variables every expression sees ({@code payload}, {@code headers},
 * {@code event}), CEL's standard functions and macros, and the bound on comprehensions. Expressions are parsed and
 * type-checked here, once, when a workflows file is loaded; so are the patterns {@code matches()} is given, which must
 * be string literals that {@link RegexLimits} accepts.
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
                        // A belt: every pattern was measured at load time (RegexLimits), and RE2J checks this only
                        // after compiling, too late for a pattern that blows up.
                        .maxRegexProgramSize(2 * RegexLimits.MAX_SIZE)
                        .build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar(PAYLOAD, SimpleType.DYN)
                .addVar(HEADERS, MapType.create(SimpleType.STRING, SimpleType.STRING))
                .addVar(EVENT, MapType.create(SimpleType.STRING, SimpleType.STRING))
                .build();
    }

    /** Compiles any expression (a template's). */
    public Expression compile(String source) throws ExpressionException {
        CelAbstractSyntaxTree ast = check(source);
        return new Expression(source, program(ast), variables(ast));
    }

    /** Compiles a condition: its type must be bool (or dyn, checked again when it runs). */
    public Expression compileCondition(String source) throws ExpressionException {
        CelAbstractSyntaxTree ast = check(source);
        CelKind kind = ast.getResultType().kind();
        if (kind != CelKind.BOOL && kind != CelKind.DYN) {
            throw new ExpressionException("a condition must be a boolean expression, but '" + source.strip()
                    + "' is of type " + ast.getResultType().name());
        }
        return new Expression(source, program(ast), variables(ast));
    }

    /** The variables the expression names: every identifier among {@code payload}, {@code headers}, {@code event}. */
    private static Set<String> variables(CelAbstractSyntaxTree ast) {
        return CelNavigableAst.fromAst(ast)
                .getRoot()
                .allNodes()
                .map(CelNavigableExpr::expr)
                .filter(e -> e.getKind() == CelExpr.ExprKind.Kind.IDENT)
                .map(e -> e.ident().name())
                .filter(name -> name.equals(PAYLOAD) || name.equals(HEADERS) || name.equals(EVENT))
                .collect(Collectors.toSet());
    }

    private CelAbstractSyntaxTree check(String source) throws ExpressionException {
        if (source.isBlank()) {
            throw new ExpressionException("the expression is empty");
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = cel.compile(source).getAst();
        } catch (CelValidationException e) {
            throw new ExpressionException(celMessage(e));
        }
        checkPatterns(ast);
        return ast;
    }

    /**
     * Every {@code matches()} is given its pattern as a string literal of a reasonable size. RE2 bounds the time a
     * match takes, not the memory compiling a pattern takes, so a pattern the payload supplies could exhaust the heap
     * with a few dozen characters; and a literal is checked here once rather than at every evaluation.
     */
    private static void checkPatterns(CelAbstractSyntaxTree ast) throws ExpressionException {
        for (CelExpr call : CelNavigableAst.fromAst(ast)
                .getRoot()
                .allNodes()
                .map(CelNavigableExpr::expr)
                .filter(e -> e.getKind() == CelExpr.ExprKind.Kind.CALL
                        && e.call().function().equals("matches"))
                .toList()) {
            // s.matches(p) or matches(s, p): the pattern is the last argument either way.
            CelExpr pattern = call.call().args().get(call.call().args().size() - 1);
            String column = column(ast, pattern);
            if (pattern.getKind() != CelExpr.ExprKind.Kind.CONSTANT
                    || pattern.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
                throw new ExpressionException("matches()" + column + ": the pattern must be a string literal, not"
                        + " taken from the payload or computed (such a pattern could exhaust memory when compiled)");
            }
            String problem = RegexLimits.problem(pattern.constant().stringValue());
            if (problem != null) {
                throw new ExpressionException("matches()" + column + ": " + problem);
            }
        }
    }

    /** Where {@code expr} starts: the first of its nodes (a call's own position is its operator or parenthesis). */
    private static String column(CelAbstractSyntaxTree ast, CelExpr expr) {
        return CelNavigableExpr.fromExpr(expr)
                .allNodes()
                .map(node -> ast.getSource().getPositionsMap().get(node.expr().id()))
                .filter(java.util.Objects::nonNull)
                .min(Integer::compare)
                .flatMap(offset -> ast.getSource().getOffsetLocation(offset))
                .map(location -> " at column " + (location.getColumn() + 1))
                .orElse("");
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
        return "CEL: " + issue.getMessage() + " at column "
                + (issue.getSourceLocation().getColumn() + 1) + more;
    }
}
