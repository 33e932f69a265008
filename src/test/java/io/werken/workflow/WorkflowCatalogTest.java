package io.werken.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Loading and validating workflow catalogs: the bundled one and broken fixtures. */
class WorkflowCatalogTest {

    private static WorkflowCatalog bundled() {
        return BundledWorkflows.catalog();
    }

    private static WorkflowCatalog fixture(String name) throws IOException {
        Path path = Path.of("src/test/resources/fixtures/workflows", name);
        try (InputStream in = Files.newInputStream(path)) {
            return WorkflowCatalog.load(path.toString(), in, WorkflowCatalog.Settings.defaults());
        }
    }

    @Test
    void theShippedFileHoldsTheOriginalMiWorkflowExactly() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode shipped = json.readTree(Files.readString(Path.of("src/main/resources/workflows.json")));

        assertThat(shipped.get("mi-workflow")).isEqualTo(json.readTree("""
                {"description": "Workflow de prueba para mi blog", "actions": [
                  {"type": "enviar_email", "params": {"destinatario": "gaby@example.com",
                   "asunto": "¡Webhook Recibido con Éxito!",
                   "cuerpo": "Se ha recibido y procesado un webhook para 'mi-workflow'."}},
                  {"type": "log_evento", "params": {"nivel": "info", "mensaje": "El workflow de mi-blog se ha ejecutado."}}]}"""));
    }

    @Test
    void bundledCatalogKeepsTheOriginalExamples() throws IOException {
        WorkflowCatalog catalog = bundled();

        Workflow mi = catalog.find("mi-workflow").orElseThrow();
        assertThat(mi.actions()).extracting(WorkflowAction::type).containsExactly("enviar_email", "log_evento");
        assertThat(mi.actions().get(0).params().get("destinatario").asText()).isEqualTo("gaby@example.com");
        assertThat(catalog.find("blog-nuevo-post")).isPresent();
        assertThat(catalog.find("github-events")).isPresent();
        assertThat(catalog.size()).isEqualTo(3);
    }

    @Test
    void unknownWorkflowIsNotFound() throws IOException {
        assertThat(bundled().find("nope")).isEmpty();
        assertThat(bundled().find(null)).isEmpty();
    }

    @Test
    void missingParamsBecomeAnEmptyObject() throws IOException {
        Workflow three = fixture("three-actions.json").find("three-steps").orElseThrow();
        assertThat(three.actions()).extracting(WorkflowAction::type).containsExactly("first", "second", "third");
        assertThat(three.actions().get(1).params().isObject()).isTrue();
        assertThat(three.actions().get(1).params().isEmpty()).isTrue();
    }

    @Test
    void paramsKeepTheirNumbersExactly() {
        WorkflowCatalog catalog = WorkflowCatalog.load(
                "inline",
                new java.io.ByteArrayInputStream(
                        "{\"w\": {\"actions\": [{\"type\": \"t\", \"params\": {\"rate\": 0.12345678901234567890123, \"one\": 1.0}}]}}"
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                WorkflowCatalog.Settings.defaults());

        assertThat(catalog.find("w").orElseThrow().actions().get(0).params().toString())
                .isEqualTo("{\"rate\":0.12345678901234567890123,\"one\":1.0}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "bad-json.json            | not valid JSON",
                "no-actions.json          | /no-actions/actions: must have at least 1 items but found 0",
                "action-without-type.json | /typeless/actions/1: required property 'type' not found",
                "params-not-object.json   | /params-array/actions/0/params: array found, [object, null] expected",
                "not-an-object.json       | /: array found, object expected",
                "bad-workflow-id.json     | /: property 'bad id!' name is not valid",
                "duplicate-workflow.json  | Duplicate field 'one'",
            })
    void invalidFilesAreRefusedWithOneClearMessage(String file, String problem) {
        assertThatThrownBy(() -> fixture(file))
                .isInstanceOf(InvalidWorkflowsException.class)
                .hasMessageStartingWith(
                        "Invalid workflows file src/test/resources/fixtures/workflows/" + file + " (1 problem): ")
                .hasMessageContaining(problem);
    }
}
