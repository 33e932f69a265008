package io.werken.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A string of a workflow's params that holds {@code {{ <CEL expression> }}}. A string that is exactly one template
 * becomes the expression's value as JSON; text around a template, or several templates, make a string, each value
 * written in as text (a string as it is, anything else as JSON). Every {@code {{} opens a template: a literal
 * {@code {{} is written {@code {{ '{{' }}}. Braces and quotes inside the expression are CEL's, so
 * {@code {{ {'a': 1} }}} and {@code {{ '}}' }}} work.
 */
public final class Template {

    public static final String OPEN = "{{";

    private final List<Object> parts;
    private final Expression single;

    private Template(List<Object> parts) {
        this.parts = List.copyOf(parts);
        this.single = parts.size() == 1 && parts.get(0) instanceof Expression e ? e : null;
    }

    /** Whether a string needs a template at all. */
    public static boolean isTemplate(String text) {
        return text.contains(OPEN);
    }

    public static Template compile(String text, ExpressionCompiler compiler) throws ExpressionException {
        List<Object> parts = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int open = text.indexOf(OPEN, at);
            if (open < 0) {
                parts.add(text.substring(at));
                break;
            }
            if (open > at) {
                parts.add(text.substring(at, open));
            }
            int close = closingBraces(text, open + OPEN.length());
            if (close < 0) {
                throw new ExpressionException("the template opened at character " + (open + 1)
                        + " is not closed by '}}'" + " (write {{ '{{' }} for a literal '{{')");
            }
            String source = text.substring(open + OPEN.length(), close);
            try {
                parts.add(compiler.compile(source));
            } catch (ExpressionException e) {
                throw new ExpressionException("{{" + source + "}}: " + e.getMessage());
            }
            at = close + 2;
        }
        return new Template(parts);
    }

    /** The value: the single expression's as JSON, or the text with every expression's value written in. */
    public JsonNode render(Bindings bindings) throws ExpressionException {
        if (single != null) {
            return JsonValues.toJson(single.evaluate(bindings), bindings);
        }
        StringBuilder text = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof Expression expression) {
                JsonValues.appendText(text, expression.evaluate(bindings), bindings);
            } else {
                text.append((String) part);
            }
        }
        return TextNode.valueOf(text.toString());
    }

    /**
     * Where the template that starts at {@code from} ends: the first {@code }}} outside CEL string literals and outside
     * braces the expression opened itself; -1 if none.
     */
    private static int closingBraces(String text, int from) {
        int depth = 0;
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                i = endOfString(text, i);
                if (i < 0) {
                    return -1;
                }
                continue;
            }
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0 && i + 1 < text.length() && text.charAt(i + 1) == '}') {
                    return i;
                }
                if (depth > 0) {
                    depth--;
                }
            }
            i++;
        }
        return -1;
    }

    /** The index just after the CEL string literal that starts at {@code start} (a quote), or -1 if it is not closed. */
    private static int endOfString(String text, int start) {
        char quote = text.charAt(start);
        boolean raw = start > 0 && (text.charAt(start - 1) == 'r' || text.charAt(start - 1) == 'R');
        boolean triple = text.startsWith(String.valueOf(quote).repeat(3), start);
        String end = triple ? String.valueOf(quote).repeat(3) : String.valueOf(quote);
        int i = start + end.length();
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '\\' && !raw) {
                i += 2;
                continue;
            }
            if (text.startsWith(end, i)) {
                return i + end.length();
            }
            i++;
        }
        return -1;
    }
}
