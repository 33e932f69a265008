package io.werken.workflow;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import com.networknt.schema.regex.RegularExpression;

/**
 * JSON Schema 2020-12, as Werken uses it for {@code workflows.schema.json} and for workflows' payload schemas: errors
 * located by JSON Pointer, {@code pattern} matched by RE2 (linear time, so a hostile payload cannot make a pattern
 * backtrack for ever), and no schema fetched from the network.
 */
final class JsonSchemas {

    /** A schema error: where in the instance, and what is wrong there. */
    record Violation(String pointer, String message) {
    }

    private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            builder -> builder
                    .schemaLoader(loader -> loader.fetchRemoteResources(false))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .pathType(PathType.JSON_POINTER)
                            .regularExpressionFactory(JsonSchemas::re2)
                            .build()));

    private JsonSchemas() {
    }

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

    private static RegularExpression re2(String pattern) {
        com.google.re2j.Pattern compiled = com.google.re2j.Pattern.compile(pattern);
        // JSON Schema's pattern is unanchored: it holds if it matches anywhere in the string.
        return value -> compiled.matcher(value).find();
    }
}
