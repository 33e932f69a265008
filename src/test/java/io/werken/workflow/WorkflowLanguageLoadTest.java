package io.werken.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Workflows files refused at load time with every problem by JSON Pointer, and the schema that documents the language. */
class WorkflowLanguageLoadTest {

    private static final Path MANY_PROBLEMS = Path.of("src/test/resources/fixtures/workflows/many-problems.json");
    private static final Path SCHEMA = Path.of("src/main/resources/workflows.schema.json");

    private static InvalidWorkflowsException refusal(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return catchThrowableOfType(
                    InvalidWorkflowsException.class,
                    () -> WorkflowCatalog.load(file.toString(), in, WorkflowCatalog.Settings.defaults()));
        }
    }

    private static String pointer(String problem) {
        return problem.substring(0, problem.indexOf(": "));
    }

    @Test
    void aFileWithManyProblemsIsRefusedWithEveryOneOfThemByPointer() throws IOException {
        InvalidWorkflowsException refusal = refusal(MANY_PROBLEMS);

        assertThat(refusal).isNotNull();
        assertThat(refusal.problems()).allMatch(problem -> problem.contains(": "));
        assertThat(refusal.problems().stream()
                        .map(WorkflowLanguageLoadTest::pointer)
                        .distinct())
                .containsExactlyInAnyOrder(
                        "/w1/actions/0/when",
                        "/w1/actions/1/when",
                        "/w1/actions/2/params/title",
                        "/w1/actions/3/queue",
                        "/w1/actions/4",
                        "/w2/payload_schema/type",
                        "/");
    }

    @Test
    void eachProblemSaysWhatIsWrongAfterItsPointer() throws IOException {
        List<String> problems = refusal(MANY_PROBLEMS).problems();

        assertThat(problems)
                .anySatisfy(p -> assertThat(p).startsWith("/w1/actions/0/when: CEL: "))
                .anySatisfy(p -> assertThat(p)
                        .startsWith("/w1/actions/1/when: ")
                        .contains("boolean")
                        .contains("int"))
                .anySatisfy(p ->
                        assertThat(p).startsWith("/w1/actions/2/params/title: ").contains("not closed"))
                .anySatisfy(
                        p -> assertThat(p).startsWith("/w1/actions/3/queue: ").contains("'received_webhooks'"))
                .anySatisfy(p -> assertThat(p).startsWith("/w1/actions/4: ").contains("'wehn'"))
                .anySatisfy(p -> assertThat(p).startsWith("/w2/payload_schema/type: "))
                .anySatisfy(p -> assertThat(p).startsWith("/: ").contains("'bad id!'"));
    }

    @Test
    void theRefusalIsOneLineNamingTheFileAndHoldingEveryProblem() throws IOException {
        InvalidWorkflowsException refusal = refusal(MANY_PROBLEMS);

        assertThat(refusal.getMessage())
                .startsWith("Invalid workflows file " + MANY_PROBLEMS + " ("
                        + refusal.problems().size() + " problems): ")
                .doesNotContain("\n")
                .doesNotContain("\r");
        assertThat(refusal.problems())
                .allSatisfy(problem -> assertThat(refusal.getMessage()).contains(problem));
    }

    @Test
    void aSchemaKeyIsAcceptedAndIgnored() {
        String file = """
                {"$schema": "https://werken.io/schemas/workflows.schema.json",
                 "w": {"actions": [{"type": "log_evento"}]}}""";

        WorkflowCatalog catalog = WorkflowCatalog.load(
                "inline",
                new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)),
                WorkflowCatalog.Settings.defaults());

        assertThat(catalog.size()).isEqualTo(1);
        assertThat(catalog.workflows()).extracting(Workflow::id).containsExactly("w");
        assertThat(catalog.find("$schema")).isEmpty();
    }

    @Test
    void theSchemaFileDeclaresJsonSchema2020_12() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(SCHEMA.toFile());

        assertThat(schema.path("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
    }

    @Test
    void everyPropertyOfAWorkflowAnActionAndAVerifyBlockIsDescribed() throws IOException {
        JsonNode defs = new ObjectMapper().readTree(SCHEMA.toFile()).path("$defs");
        List<String> undescribed = new ArrayList<>();
        int described = 0;
        for (String def : List.of("workflow", "action", "verify")) {
            assertThat(defs.path(def).path("properties").isObject())
                    .as("$defs/%s has properties", def)
                    .isTrue();
            described += collectUndescribed(defs, defs.path(def), "/$defs/" + def, undescribed);
        }

        assertThat(undescribed).as("properties without a description").isEmpty();
        assertThat(described).isGreaterThanOrEqualTo(18);
    }

    /**
     * Checks every property declared at any depth under {@code node}; returns how many had a description. A property
     * that is only a {@code $ref} to one of the {@code $defs} is described by that definition, as editors show it.
     */
    private static int collectUndescribed(JsonNode defs, JsonNode node, String at, List<String> undescribed) {
        int described = 0;
        JsonNode properties = node.path("properties");
        for (Map.Entry<String, JsonNode> property : properties.properties()) {
            String where = at + "/properties/" + property.getKey();
            JsonNode schema = property.getValue();
            JsonNode description = schema.path("description");
            if (description.isMissingNode() && schema.path("$ref").asText().startsWith("#/$defs/")) {
                description = defs.path(schema.path("$ref").asText().substring("#/$defs/".length()))
                        .path("description");
            }
            if (description.isTextual() && !description.asText().isBlank()) {
                described++;
            } else {
                undescribed.add(where);
            }
            described += collectUndescribed(defs, schema, where, undescribed);
        }
        return described;
    }
}
