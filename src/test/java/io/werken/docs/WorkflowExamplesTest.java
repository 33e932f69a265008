package io.werken.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.werken.core.Problem;
import io.werken.core.ProblemException;
import io.werken.core.WerkenJson;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.manage.DryRunWorkflow;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every example under {@code examples/workflows/}: its {@code workflows.json} loads with Werken's own loader, and the
 * dry run of each {@code [name.]payload.json} (with {@code [name.]headers.json}, if any) answers what
 * {@code [name.]dry-run.json} says. Only the top-level fields the expected file has are compared, so the answer may
 * grow fields. {@code -Dwerken.docs.write=true} writes the expected files from the answers instead.
 */
class WorkflowExamplesTest {

    static final Path EXAMPLES = Path.of("examples/workflows");
    private static final Path GUIDE = Path.of("docs/workflows.md");
    private static final String PAYLOAD = "payload.json";
    private static final ObjectMapper JSON = WerkenJson.mapper();
    private static final boolean WRITE = Boolean.getBoolean("werken.docs.write");

    private static CamelContext camel;

    @BeforeAll
    static void startCamel() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stopCamel() {
        camel.stop();
    }

    @TestFactory
    Stream<DynamicTest> eachExamplesDryRunAnswersWhatItsExpectedFileSays() {
        return examples().stream()
                .flatMap(dir -> payloads(dir).stream()
                        .map(payload -> DynamicTest.dynamicTest(
                                EXAMPLES.relativize(payload).toString(), () -> check(dir, payload))));
    }

    @Test
    void thereAreExamplesAndTheLanguageGuideLinksEachOne() throws IOException {
        String guide = Files.readString(GUIDE);

        assertThat(examples()).hasSizeGreaterThanOrEqualTo(8);
        for (Path dir : examples()) {
            assertThat(payloads(dir)).as("payloads in %s", dir).isNotEmpty();
            assertThat(guide)
                    .as("docs/workflows.md links %s", dir)
                    .contains("](../examples/workflows/" + dir.getFileName() + "/");
        }
    }

    private static void check(Path dir, Path payload) throws Exception {
        String prefix = payload.getFileName()
                .toString()
                .substring(0, payload.getFileName().toString().length() - PAYLOAD.length());
        Path expectedFile = dir.resolve(prefix + "dry-run.json");
        Path headersFile = dir.resolve(prefix + "headers.json");

        WorkflowCatalog catalog = WorkflowsFile.load(
                dir.resolve("workflows.json").toString(), camel, WorkflowCatalog.Settings.defaults());
        JsonNode expected = Files.exists(expectedFile) ? JSON.readTree(expectedFile.toFile()) : null;
        String workflowId = expected != null && expected.has("workflow_id")
                ? expected.get("workflow_id").asText()
                : catalog.workflows().iterator().next().id();
        Map<String, String> headers = Files.exists(headersFile)
                ? JSON.readValue(
                        headersFile.toFile(),
                        JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class))
                : Map.of();

        JsonNode actual = dryRun(catalog, workflowId, Files.readAllBytes(payload), headers);

        if (WRITE) {
            Files.writeString(
                    expectedFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(actual) + "\n");
            return;
        }
        if (expected == null) {
            fail("%s has no %s: run with -Dwerken.docs.write=true to write it, then read it", payload, expectedFile);
        }
        assertThat(expected.isObject()).as("%s is a JSON object", expectedFile).isTrue();
        for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            assertThat(actual.has(field.getKey()))
                    .as("%s: the dry run answers %s", expectedFile, field.getKey())
                    .isTrue();
            assertThat(actual.get(field.getKey()).equals(NUMBERS_BY_VALUE, field.getValue()))
                    .as(
                            "%s: %s is %s, the dry run answered %s",
                            expectedFile, field.getKey(), field.getValue(), actual.get(field.getKey()))
                    .isTrue();
        }
    }

    /** The real dry run's processor, as the management port's route calls it; a refusal as its problem's fields. */
    private static JsonNode dryRun(WorkflowCatalog catalog, String workflowId, byte[] body, Map<String, String> headers)
            throws Exception {
        CurrentWorkflows workflows = new CurrentWorkflows(catalog);
        DryRunWorkflow dryRun = new DryRunWorkflow(
                workflows,
                new WebhookRequestValidator(workflows, 64, 400),
                new ActionPlanner(JSON, 262_144),
                JSON,
                new ReceivedWebhookFactory(Clock.systemUTC()),
                "required_actions");
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
        exchange.getMessage().setHeader(WebhookRequestValidator.WORKFLOW_ID_HEADER, workflowId);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        headers.forEach(exchange.getMessage()::setHeader);
        exchange.getMessage().setBody(body);
        try {
            dryRun.process(exchange);
        } catch (ProblemException refused) {
            ObjectNode problem = JSON.createObjectNode();
            problem.put("status", refused.problemType().status());
            problem.put("type", "urn:werken:problem:" + refused.problemType().slug());
            problem.set(
                    "errors", JSON.valueToTree(refused.errors() == null ? List.<Problem.Error>of() : refused.errors()));
            return problem;
        }
        return JSON.readTree(exchange.getMessage().getBody(Buffer.class).getBytes());
    }

    static List<Path> examples() {
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve("workflows.json")))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> payloads(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(PAYLOAD))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Numbers compare by value (19.99 and 19.990 are one price); everything else exactly. */
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
