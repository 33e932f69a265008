package io.werken.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/workflow-reference.md} is generated from {@code workflows.schema.json}, and this test fails when the two
 * differ. {@code ./mvnw -q -Dtest=WorkflowReferenceTest -Dwerken.docs.write=true test} writes the page again.
 */
class WorkflowReferenceTest {

    static final Path SCHEMA = Path.of("src/main/resources/workflows.schema.json");
    static final Path PAGE = Path.of("docs/workflow-reference.md");

    @Test
    void thePageIsWhatTheSchemaGenerates() throws IOException {
        String generated = render(new ObjectMapper().readTree(SCHEMA.toFile()));

        if (Boolean.getBoolean("werken.docs.write")) {
            Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .as(
                        "%s differs from what %s generates: run ./mvnw -q -Dtest=WorkflowReferenceTest"
                                + " -Dwerken.docs.write=true test, and commit both",
                        PAGE, SCHEMA)
                .isEqualTo(generated);
    }

    @Test
    void everyKeyOfTheSchemaHasADescriptionOnThePage() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(SCHEMA.toFile());
        List<String> undescribed = new ArrayList<>();
        schema.get("$defs").fields().forEachRemaining(def -> properties(def.getKey(), def.getValue(), undescribed));

        assertThat(undescribed).as("schema keys without a description").isEmpty();
    }

    private static void properties(String path, JsonNode node, List<String> undescribed) {
        if (!node.has("description")) {
            undescribed.add(path);
        }
        if (node.has("properties")) {
            node.get("properties")
                    .fields()
                    .forEachRemaining(p -> properties(path + "." + p.getKey(), p.getValue(), undescribed));
        }
    }

    /** The reference page for {@code schema}. */
    static String render(JsonNode schema) {
        StringBuilder page = new StringBuilder();
        page.append("# Workflow reference\n\n")
                .append(
                        "<!-- Generated from src/main/resources/workflows.schema.json by io.werken.docs.WorkflowReferenceTest;")
                .append(
                        " do not edit. Regenerate: ./mvnw -q -Dtest=WorkflowReferenceTest -Dwerken.docs.write=true test -->\n\n")
                .append(
                        "Every key of a workflows file, from [`workflows.schema.json`](../src/main/resources/workflows.schema.json)")
                .append(
                        " (JSON Schema 2020-12, also in the jar). [Writing workflows](workflows.md) explains how to use them,")
                .append(" with [an example per feature](../examples/workflows/).\n\n")
                .append(schema.path("description").asText())
                .append("\n\n")
                .append(
                        "Werken checks the schema first, then what a schema cannot say: every CEL expression compiles, every")
                .append(
                        " template is closed, secrets resolve, action queues are not Werken's own, payload schemas are schemas.\n\n");

        page.append("## The file\n\n")
                .append(
                        "An object whose keys are workflow ids and whose values are [workflows](#workflow), at least one. ")
                .append(schema.path("propertyNames").path("description").asText())
                .append(" Pattern: ")
                .append(code(schema.path("propertyNames").path("pattern").asText()))
                .append(".\n\n");
        table(page, schema, Set.of());

        for (Iterator<Map.Entry<String, JsonNode>> defs = schema.get("$defs").fields(); defs.hasNext(); ) {
            Map.Entry<String, JsonNode> def = defs.next();
            page.append("## ")
                    .append(def.getKey())
                    .append("\n\n")
                    .append(def.getValue().path("description").asText())
                    .append("\n\n");
            table(page, def.getValue(), required(def.getValue()));
            if (def.getValue().path("additionalProperties").isBoolean()
                    && !def.getValue().path("additionalProperties").asBoolean()) {
                page.append("No other key is allowed.\n\n");
            }
        }
        return page.toString().stripTrailing() + "\n";
    }

    private static void table(StringBuilder page, JsonNode object, Set<String> required) {
        page.append("| key | type | required | description |\n|---|---|---|---|\n");
        rows(page, "", object, required);
        page.append("\n");
    }

    private static void rows(StringBuilder page, String prefix, JsonNode object, Set<String> required) {
        for (Iterator<Map.Entry<String, JsonNode>> properties =
                        object.path("properties").fields();
                properties.hasNext(); ) {
            Map.Entry<String, JsonNode> property = properties.next();
            JsonNode node = property.getValue();
            String key = prefix + property.getKey();
            page.append("| ")
                    .append(code(key))
                    .append(" | ")
                    .append(cell(type(node)))
                    .append(" | ")
                    .append(required.contains(property.getKey()) ? "yes" : "")
                    .append(" | ")
                    .append(prose(node.path("description").asText()))
                    .append(" |\n");
            if (node.has("properties") && !node.has("$ref")) {
                rows(page, key + ".", node, required(node));
            }
        }
    }

    private static Set<String> required(JsonNode object) {
        Set<String> required = new HashSet<>();
        object.path("required").forEach(name -> required.add(name.asText()));
        return required;
    }

    /** The property's type and constraints in words: "array of action, at least 1", "full | metadata | off". */
    private static String type(JsonNode node) {
        List<String> parts = new ArrayList<>();
        if (node.has("$ref")) {
            String name = node.get("$ref").asText().replace("#/$defs/", "");
            parts.add("[" + name + "](#" + name + ")");
        } else if (node.has("enum")) {
            List<String> values = new ArrayList<>();
            node.get("enum").forEach(v -> values.add(code(v.asText())));
            parts.add("one of " + String.join(", ", values));
        } else if (node.has("type")) {
            List<String> types = new ArrayList<>();
            if (node.get("type").isArray()) {
                node.get("type").forEach(t -> types.add(t.asText()));
            } else {
                types.add(node.get("type").asText());
            }
            String type = String.join(" or ", types);
            if (type.equals("array") && node.has("items")) {
                type = "array of " + type(node.get("items"));
            }
            parts.add(type);
        }
        if (node.has("pattern")) {
            parts.add("matching " + code(node.get("pattern").asText()));
        }
        if (node.has("minLength") && node.get("minLength").asInt() == 1) {
            parts.add("not empty");
        }
        if (node.has("minItems")) {
            parts.add("at least " + node.get("minItems").asInt());
        }
        if (node.path("uniqueItems").asBoolean()) {
            parts.add("no repeats");
        }
        if (node.has("minimum")) {
            parts.add("at least " + node.get("minimum").asText());
        }
        if (node.has("default")) {
            parts.add("default " + code(node.get("default").asText()));
        }
        return String.join(", ", parts);
    }

    /** Inline code that survives backticks inside it. */
    private static String code(String text) {
        return text.contains("`") ? "`` " + text + " ``" : "`" + text + "`";
    }

    /** A table cell: a pipe would end it. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /** A description in a table cell: also no HTML tag ({@code <CEL expression>}) and no emphasis ({@code Camel*}). */
    private static String prose(String text) {
        return cell(text).replace("<", "&lt;").replace("*", "\\*");
    }
}
