package io.werken.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An action's {@code params} with their templates compiled: rendered once per event into the params the worker gets.
 * Params without any template are the workflow's own object, rendered at no cost. Only string values are templates,
 * never keys; a value the payload supplies is data, never a template.
 */
public final class ParamsTemplate {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private final ObjectNode constant;
    private final Node root;

    private ParamsTemplate(ObjectNode constant, Node root) {
        this.constant = constant;
        this.root = root;
    }

    /** A failure with the JSON Pointer, inside params, of the value that failed (e.g. {@code /title}). */
    public static final class ParamsException extends Exception {

        private final String pointer;

        ParamsException(String pointer, String message) {
            super(message, null, false, false);
            this.pointer = pointer;
        }

        public String pointer() {
            return pointer;
        }
    }

    /** Compiles every template; throws the first problem (see {@link #compile(ObjectNode, ExpressionCompiler, List)}). */
    public static ParamsTemplate compile(ObjectNode params, ExpressionCompiler compiler) throws ParamsException {
        List<ParamsException> problems = new ArrayList<>();
        ParamsTemplate template = compile(params, compiler, problems);
        if (!problems.isEmpty()) {
            throw problems.get(0);
        }
        return template;
    }

    /** Compiles every template, adding each one that does not compile to {@code problems} (then the result is null). */
    public static ParamsTemplate compile(
            ObjectNode params, ExpressionCompiler compiler, List<ParamsException> problems) {
        if (!containsTemplate(params)) {
            return new ParamsTemplate(params, null);
        }
        int before = problems.size();
        Node root = compileNode(params, "", compiler, problems);
        return problems.size() > before ? null : new ParamsTemplate(null, root);
    }

    /** Whether any string in params holds a template (false: {@link #render} returns the params as written). */
    public boolean isConstant() {
        return constant != null;
    }

    public ObjectNode render(Bindings bindings) throws ParamsException {
        if (constant != null) {
            return constant;
        }
        return (ObjectNode) root.render(bindings);
    }

    private static boolean containsTemplate(JsonNode node) {
        if (node.isTextual()) {
            return Template.isTemplate(node.textValue());
        }
        for (JsonNode child : node) {
            if (containsTemplate(child)) {
                return true;
            }
        }
        return false;
    }

    private static Node compileNode(
            JsonNode node, String pointer, ExpressionCompiler compiler, List<ParamsException> problems) {
        if (!containsTemplate(node)) {
            return bindings -> node;
        }
        if (node.isTextual()) {
            Template template;
            try {
                template = Template.compile(node.textValue(), compiler);
            } catch (ExpressionException e) {
                problems.add(new ParamsException(pointer, e.getMessage()));
                return bindings -> node;
            }
            return bindings -> {
                try {
                    return template.render(bindings);
                } catch (ExpressionException e) {
                    throw new ParamsException(pointer, e.getMessage());
                }
            };
        }
        if (node.isObject()) {
            Map<String, Node> fields = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                fields.put(
                        field.getKey(),
                        compileNode(field.getValue(), pointer + "/" + escape(field.getKey()), compiler, problems));
            }
            return bindings -> {
                ObjectNode object = NODES.objectNode();
                for (Map.Entry<String, Node> field : fields.entrySet()) {
                    object.set(field.getKey(), field.getValue().render(bindings));
                }
                return object;
            };
        }
        List<Node> elements = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            elements.add(compileNode(node.get(i), pointer + "/" + i, compiler, problems));
        }
        return bindings -> {
            ArrayNode array = NODES.arrayNode(elements.size());
            for (Node element : elements) {
                array.add(element.render(bindings));
            }
            return array;
        };
    }

    /** RFC 6901 escaping of one reference token. */
    public static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    @FunctionalInterface
    private interface Node {
        JsonNode render(Bindings bindings) throws ParamsException;
    }
}
