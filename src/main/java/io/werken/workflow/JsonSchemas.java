package io.werken.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.path.PathType;
import com.networknt.schema.regex.RegularExpression;
import io.werken.expression.ParamsTemplate;
import io.werken.expression.RegexLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * JSON Schema 2020-12, as Werken uses it for {@code workflows.schema.json} and for workflows' payload schemas: errors
 * located by JSON Pointer, {@code pattern} matched by RE2 (linear time, so a hostile payload cannot make a pattern
 * backtrack for ever), and no schema fetched from the network.
 */
final class JsonSchemas {

    /** A schema error: where in the instance, and what is wrong there. */
    record Violation(String pointer, String message) {}

    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";

    /** 2020-12 with {@code multipleOf} decided without dividing ({@link ExactMultipleOf}). */
    private static final Dialect DIALECT = Dialect.builder(Dialects.getDraft202012())
            .keyword(ExactMultipleOf.KEYWORD)
            .build();

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            DIALECT,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .pathType(PathType.JSON_POINTER)
                            .regularExpressionFactory(JsonSchemas::re2)
                            .build()));

    private JsonSchemas() {}

    static Schema compile(JsonNode schema) {
        return REGISTRY.getSchema(schema);
    }

    static Schema classpath(String resource) {
        return REGISTRY.getSchema(SchemaLocation.of("classpath:" + resource));
    }

    /** Violations of the 2020-12 meta-schema: whether {@code schema} is a schema at all. */
    static List<Violation> checkSchema(JsonNode schema) {
        return validate(REGISTRY.getSchema(SchemaLocation.of(META_SCHEMA)), schema, Integer.MAX_VALUE);
    }

    /** Keywords whose values are data, not schemas: a "pattern" inside them is no pattern. */
    private static final Set<String> DATA_KEYWORDS = Set.of("const", "enum", "examples", "default");
    /** Keywords whose values map names to schemas: a name there ("enum", say) is no keyword. */
    private static final Set<String> SCHEMA_MAPS =
            Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");

    /**
     * Every {@code pattern} and {@code patternProperties} name of a schema that {@link RegexLimits} refuses, located by
     * JSON Pointer: checked before anything compiles them, so that the refusal names the very keyword.
     */
    static List<Violation> checkPatterns(JsonNode schema) {
        List<Violation> violations = new ArrayList<>();
        checkPatterns(schema, "", violations);
        return violations;
    }

    private static void checkPatterns(JsonNode node, String pointer, List<Violation> violations) {
        if (node.isObject()) {
            JsonNode pattern = node.get("pattern");
            if (pattern != null && pattern.isTextual()) {
                addProblem(pattern.textValue(), pointer + "/pattern", violations);
            }
            JsonNode patternProperties = node.get("patternProperties");
            if (patternProperties != null && patternProperties.isObject()) {
                patternProperties
                        .fieldNames()
                        .forEachRemaining(name -> addProblem(
                                name, pointer + "/patternProperties/" + ParamsTemplate.escape(name), violations));
            }
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String at = pointer + "/" + ParamsTemplate.escape(field.getKey());
                if (DATA_KEYWORDS.contains(field.getKey())) {
                    continue;
                }
                if (SCHEMA_MAPS.contains(field.getKey()) && field.getValue().isObject()) {
                    for (Map.Entry<String, JsonNode> named : field.getValue().properties()) {
                        checkPatterns(named.getValue(), at + "/" + ParamsTemplate.escape(named.getKey()), violations);
                    }
                } else {
                    checkPatterns(field.getValue(), at, violations);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkPatterns(node.get(i), pointer + "/" + i, violations);
            }
        }
    }

    private static void addProblem(String pattern, String pointer, List<Violation> violations) {
        String problem = RegexLimits.problem(pattern);
        if (problem != null) {
            violations.add(new Violation(pointer, problem));
        }
    }

    /** At most {@code max} violations, in document order. */
    static List<Violation> validate(Schema schema, JsonNode instance, int max) {
        List<Error> errors = schema.validate(instance);
        List<Violation> violations = new ArrayList<>(Math.min(errors.size(), max));
        for (Error error : errors) {
            if (violations.size() == max) {
                break;
            }
            String pointer = error.getInstanceLocation().toString();
            violations.add(new Violation(pointer, stripLocation(error.getMessage(), pointer)));
        }
        return violations;
    }

    /** networknt starts each message with the location; Werken puts it in front itself. */
    private static String stripLocation(String message, String pointer) {
        if (message.startsWith(pointer + ": ")) {
            return message.substring(pointer.length() + 2);
        }
        if (message.startsWith(": ")) {
            return message.substring(2);
        }
        return message;
    }

    /** RE2, after {@link RegexLimits} has measured the pattern: RE2J would blow up compiling {@code (a{100}){100}...}. */
    private static RegularExpression re2(String pattern) {
        String problem = RegexLimits.problem(pattern);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        com.google.re2j.Pattern compiled = com.google.re2j.Pattern.compile(pattern);
        // JSON Schema's pattern is unanchored: it holds if it matches anywhere in the string.
        return value -> compiled.matcher(value).find();
    }
}
