package io.werken.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.werken.core.ExchangeProperties;
import io.werken.core.Problem;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.core.WerkenJson;
import io.werken.workflow.PayloadSchema;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A workflow's payload_schema refuses a body that fails it (422 payload-invalid) and accepts one that meets it. */
class PayloadSchemaCheckTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();
    private static final Path FIXTURE = Path.of("src/test/resources/fixtures/workflows/payload-schemas.json");

    private static WorkflowCatalog catalog;

    @BeforeAll
    static void loadWorkflows() throws IOException {
        try (InputStream in = Files.newInputStream(FIXTURE)) {
            catalog = WorkflowCatalog.load(FIXTURE.toString(), in, WorkflowCatalog.Settings.defaults());
        }
    }

    private static Workflow workflow(String id) {
        return catalog.find(id).orElseThrow();
    }

    private static ProblemException refusal(String workflowId, String body) throws IOException {
        JsonNode payload = JSON.readTree(body);
        return catchThrowableOfType(
                ProblemException.class, () -> PayloadSchemaCheck.check(workflow(workflowId), payload));
    }

    @Test
    void aBodyThatFailsItsSchemaIsRefusedWithPointersIntoIt() throws IOException {
        ProblemException refusal = refusal(
                "orders", "{\"id\": \"A-1\", \"items\": [1, \"two\", 3], \"customer\": {\"email\": \"nobody\"}}");

        assertThat(refusal).isNotNull();
        assertThat(refusal.problemType()).isEqualTo(ProblemType.PAYLOAD_INVALID);
        assertThat(refusal.errors())
                .extracting(Problem.Error::pointer)
                .containsExactlyInAnyOrder("/id", "/items/1", "/customer/email");
        assertThat(refusal.errors())
                .allSatisfy(error -> assertThat(error.message()).isNotBlank());
        assertThat(refusal.errors())
                .filteredOn(error -> error.pointer().equals("/id"))
                .singleElement()
                .satisfies(error -> assertThat(error.message()).contains("integer"));
        assertThat(refusal.getMessage()).contains("workflow 'orders'").contains("(and 2 more, in errors)");
    }

    @Test
    void aMissingRequiredFieldIsReportedOnTheBody() throws IOException {
        ProblemException refusal = refusal("orders", "{\"id\": 7}");

        assertThat(refusal).isNotNull();
        assertThat(refusal.errors()).singleElement().satisfies(error -> {
            assertThat(error.pointer()).isEmpty();
            assertThat(error.message()).contains("items");
        });
        assertThat(refusal.getMessage()).contains("the body: ");
    }

    @Test
    void aBodyThatMeetsItsSchemaIsAccepted() throws IOException {
        JsonNode payload =
                JSON.readTree("{\"id\": 7, \"items\": [1, 2], \"customer\": {\"email\": \"a@example.com\"}}");

        assertThatCode(() -> PayloadSchemaCheck.check(workflow("orders"), payload))
                .doesNotThrowAnyException();
    }

    @Test
    void aThousandBadItemsAreReportedAsAtMostTheErrorLimit() {
        ArrayNode items = JSON.createArrayNode();
        for (int i = 0; i < 1000; i++) {
            items.add("bad-" + i);
        }
        ObjectNode payload = JSON.createObjectNode().put("id", 1).set("items", items);

        ProblemException refusal = catchThrowableOfType(
                ProblemException.class, () -> PayloadSchemaCheck.check(workflow("orders"), payload));

        assertThat(refusal).isNotNull();
        assertThat(refusal.errors()).hasSize(PayloadSchema.MAX_ERRORS);
        assertThat(refusal.errors())
                .allSatisfy(error -> assertThat(error.pointer()).matches("/items/\\d+"));
    }

    @Test
    void aPatternThatWouldBacktrackCatastrophicallyIsMatchedCorrectly() throws IOException {
        ProblemException refusal = refusal("names", "{\"name\": \"" + "a".repeat(40) + "!\"}");

        assertThat(refusal).isNotNull();
        assertThat(refusal.errors())
                .singleElement()
                .satisfies(error -> assertThat(error.pointer()).isEqualTo("/name"));
        assertThat(refusal("names", "{\"name\": \"" + "a".repeat(40) + "\"}")).isNull();
    }

    @Test
    void aWorkflowWithoutAPayloadSchemaAcceptsAnyJson() throws IOException {
        for (String body :
                new String[] {"{}", "{\"anything\": [1, {\"x\": null}]}", "[1, 2]", "\"text\"", "42", "null"}) {
            JsonNode payload = JSON.readTree(body);

            assertThatCode(() -> PayloadSchemaCheck.check(workflow("anything"), payload))
                    .as(body)
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void aRemoteRefIsNotFetched() throws IOException {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            byte[] schema = "{\"type\": \"string\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, schema.length);
            exchange.getResponseBody().write(schema);
            exchange.close();
        });
        server.start();
        try {
            String ref = "http://" + server.getAddress().getHostString() + ":"
                    + server.getAddress().getPort() + "/x.json";

            assertThat(loadOrCheckFails(ref)).isNotNull();
            assertThat(requests).hasValue(0);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aRefToARemoteSchemaFailsInsteadOfBeingFetched() {
        assertThat(loadOrCheckFails("http://example.com/x.json")).isNotNull();
    }

    /** Loads a workflow whose payload_schema is only {@code $ref}, and checks a body against it: what it threw. */
    private static Throwable loadOrCheckFails(String ref) {
        String file = "{\"r\": {\"payload_schema\": {\"$ref\": \"" + ref + "\"}, \"actions\": [{\"type\": \"t\"}]}}";
        return catchThrowable(() -> {
            Workflow workflow = WorkflowCatalog.load(
                            "inline",
                            new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)),
                            WorkflowCatalog.Settings.defaults())
                    .find("r")
                    .orElseThrow();
            PayloadSchemaCheck.check(workflow, JSON.readTree("{\"a\": 1}"));
        });
    }

    private static Workflow priced() throws IOException {
        Path file = Path.of("src/test/resources/fixtures/workflows/number-schemas.json");
        try (InputStream in = Files.newInputStream(file)) {
            return WorkflowCatalog.load(file.toString(), in, WorkflowCatalog.Settings.defaults())
                    .find("priced")
                    .orElseThrow();
        }
    }

    /** networknt's multipleOf took such an integer through a double and threw (a 500): it is decided exactly now. */
    @Test
    void anIntegerBeyondDoublesRangeUnderMultipleOfIsDecidedExactly() throws IOException {
        // The schema library took such an integer through a double (Infinity) and threw: Werken decides it exactly.
        for (String number : new String[] {"2" + "0".repeat(308), "-" + "9".repeat(400)}) {
            assertThatCode(() -> PayloadSchemaCheck.check(priced(), JSON.readTree("{\"m\": " + number + "}")))
                    .as(number)
                    .doesNotThrowAnyException();
        }
        ProblemException refusal = catchThrowableOfType(
                ProblemException.class,
                () -> PayloadSchemaCheck.check(priced(), JSON.readTree("{\"m\": 1" + "0".repeat(380) + ".001}")));
        assertThat(refusal).isNotNull();
        assertThat(refusal.problemType()).isEqualTo(ProblemType.PAYLOAD_INVALID);
        assertThat(refusal.getMessage()).contains("/m").contains("multiple of");
    }

    /** On the event loop the check runs on the check threads; when they and their queue are full: 503 with Retry-After. */
    @Test
    void whenTheCheckThreadsAreFullTheWebhookIs503WithRetryAfter() throws Exception {
        PayloadSchemaCheck check = new PayloadSchemaCheck(
                task -> {
                    throw new RejectedExecutionException("full");
                },
                7);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setProperty(ExchangeProperties.WORKFLOW, priced());
        exchange.setProperty(ExchangeProperties.RESUME_ON, (Executor) Runnable::run);
        exchange.getMessage().setBody(JSON.readTree("{\"m\": 1.25}"));

        assertThat(check.process(exchange, doneSync -> {})).isTrue();

        assertThat(exchange.getException()).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.problemType()).isEqualTo(ProblemType.OVERLOADED);
            assertThat(e.responseHeaders()).containsEntry("Retry-After", "7");
        });
    }

    /** Off the event loop's thread and back onto it: the 422 of a failing body reaches the route, after the check ran. */
    @Test
    void onTheEventLoopTheCheckRunsOnACheckThreadAndResumesOnTheLoop() throws Exception {
        ExecutorService checkThreads = Executors.newSingleThreadExecutor();
        ExecutorService loop = Executors.newSingleThreadExecutor();
        try {
            PayloadSchemaCheck check = new PayloadSchemaCheck(checkThreads, 7);
            Exchange exchange = new DefaultExchange(new DefaultCamelContext());
            exchange.setProperty(ExchangeProperties.WORKFLOW, priced());
            exchange.setProperty(ExchangeProperties.RESUME_ON, loop);
            exchange.getMessage().setBody(JSON.readTree("{\"m\": 1.255}"));
            CompletableFuture<String> resumedOn = new CompletableFuture<>();

            boolean sync = check.process(
                    exchange,
                    doneSync -> resumedOn.complete(Thread.currentThread().getName()));

            assertThat(sync).isFalse();
            String loopThread =
                    loop.submit(() -> Thread.currentThread().getName()).get();
            assertThat(resumedOn.get(10, TimeUnit.SECONDS)).isEqualTo(loopThread);
            assertThat(exchange.getException())
                    .isInstanceOfSatisfying(
                            ProblemException.class,
                            e -> assertThat(e.problemType()).isEqualTo(ProblemType.PAYLOAD_INVALID));
        } finally {
            checkThreads.shutdownNow();
            loop.shutdownNow();
        }
    }
}
