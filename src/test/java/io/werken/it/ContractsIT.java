package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.werken.broker.MessagePublisher;
import io.werken.journal.JournalPacker;
import io.werken.journal.JournalWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The published contracts hold for a real Werken on the real RabbitMQ: its HTTP answers match the OpenAPI document it
 * serves at {@code GET /openapi.json}, the messages it puts on its queues match {@code docs/asyncapi.yaml}, and every
 * metric the operator kit ({@code deploy/prometheus}, {@code deploy/grafana}) reads is one it exports.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContractsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private static Path workflowsFile;
    private static String ownQueue;
    private static RunningWerken werken;
    private static Broker broker;

    /**
     * One workflow with an action on the default queue, one on a queue of its own and one its condition skips, and a
     * header it reads.
     */
    private static String workflows(String description) {
        return """
                {"contract-flow": {
                  "description": "%s",
                  "headers": ["X-Contract-Kind"],
                  "actions": [
                    {"type": "log_evento", "params": {"kind": "{{ headers['x-contract-kind'] }}", "n": "{{ payload.n }}"}},
                    {"type": "start_build", "queue": "%s", "params": {"n": "{{ payload.n }}"}},
                    {"type": "never", "when": "payload.n < 0"}
                  ]
                }}""".formatted(description, ownQueue);
    }

    @BeforeAll
    static void start() throws Exception {
        ownQueue = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".contract_builds";
        workflowsFile = Files.createTempDirectory("werken-contracts-").resolve("workflows.json");
        Files.writeString(workflowsFile, workflows("first"));
        broker = new Broker();
        werken = RunningWerken.start(
                Map.of("werken.workflows", workflowsFile.toString(), "werken.workflows.watch", "false"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (werken != null) {
            werken.close();
        }
        if (broker != null) {
            broker.delete(ownQueue);
            broker.close();
        }
    }

    @Test
    @Order(1)
    void httpAnswersMatchTheOpenApiDocumentWerkenServes() throws Exception {
        HttpResponse<String> document = management("GET", "/openapi.json", null);
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.headers().firstValue("Content-Type")).hasValue("application/json");
        ContractSchemas openApi = ContractSchemas.openApi(document.body());
        assertThat(openApi.document().path("openapi").asText()).isEqualTo("3.1.0");

        HttpResponse<String> accepted = webhook(
                "contract-flow", "{\"n\": 1}", Map.of("Idempotency-Key", "contract-1", "X-Contract-Kind", "http"));
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertConforms(openApi.response("/webhook/{workflow_id}", "post", 202, "application/json"), accepted);

        HttpResponse<String> duplicate = webhook(
                "contract-flow", "{\"n\": 1}", Map.of("Idempotency-Key", "contract-1", "X-Contract-Kind", "http"));
        assertThat(duplicate.statusCode()).isEqualTo(200);
        assertConforms(openApi.response("/webhook/{workflow_id}", "post", 200, "application/json"), duplicate);

        HttpResponse<String> unknown = webhook("no-such-flow", "{}", Map.of());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertConforms(openApi.response("/webhook/{workflow_id}", "post", 404, "application/problem+json"), unknown);

        HttpResponse<String> malformed = webhook("contract-flow", "{\"n\": ", Map.of());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertConforms(openApi.response("/webhook/{workflow_id}", "post", 400, "application/problem+json"), malformed);

        HttpResponse<String> listing = management("GET", "/workflows", null);
        assertThat(listing.statusCode()).isEqualTo(200);
        assertConforms(openApi.response("/workflows", "get", 200, "application/json"), listing);

        HttpResponse<String> definition = management("GET", "/workflows/contract-flow", null);
        assertConforms(openApi.response("/workflows/{workflow_id}", "get", 200, "application/json"), definition);

        HttpResponse<String> dryRun = management("POST", "/workflows/contract-flow/dry-run", "{\"n\": 2}");
        assertThat(dryRun.statusCode()).isEqualTo(200);
        assertConforms(openApi.response("/workflows/{workflow_id}/dry-run", "post", 200, "application/json"), dryRun);

        // The journal writes the accepted event once dispatch has finished it.
        await().atMost(WAIT)
                .until(() -> JSON.readTree(management("GET", "/events", null).body())
                                .path("events")
                                .size()
                        == 1);
        HttpResponse<String> events = management("GET", "/events?limit=5", null);
        assertConforms(openApi.response("/events", "get", 200, "application/json"), events);
        String eventId = JSON.readTree(accepted.body()).path("event_id").asText();
        HttpResponse<String> event = management("GET", "/events/" + eventId, null);
        assertConforms(openApi.response("/events/{event_id}", "get", 200, "application/json"), event);

        HttpResponse<String> badQuery = management("GET", "/events?limit=ten", null);
        assertThat(badQuery.statusCode()).isEqualTo(400);
        assertConforms(openApi.response("/events", "get", 400, "application/problem+json"), badQuery);

        for (String path : List.of("/queues", "/dead-letters", "/refusals", "/stats", "/workflows/revisions")) {
            HttpResponse<String> answer = management("GET", path, null);
            assertThat(answer.statusCode()).as(path).isEqualTo(200);
            assertConforms(openApi.response(path, "get", 200, "application/json"), answer);
        }
        assertConforms(
                openApi.response("/console/session", "get", 200, "application/json"),
                management("GET", "/console/session", null));
        assertConforms(
                openApi.response("/observe/health", "get", 200, "application/json"),
                management("GET", "/observe/health", null));

        // What the test made: the accepted event's actions.
        takeFor(werken.actionsQueue, eventId);
        takeFor(ownQueue, eventId);
    }

    @Test
    @Order(2)
    void messagesOnTheQueuesMatchTheAsyncApiDocument() throws Exception {
        ContractSchemas asyncApi = ContractSchemas.asyncApi(Path.of("docs/asyncapi.yaml"));

        // The envelope, taken off received_webhooks before dispatch can.
        werken.stopDispatch();
        HttpResponse<String> accepted = webhook(
                "contract-flow", "{\"n\": 3}", Map.of("X-Contract-Kind", "envelope", "traceparent", TRACEPARENT));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String eventId = JSON.readTree(accepted.body()).path("event_id").asText();
        GetResponse envelope = broker.take(werken.receivedQueue, 1, WAIT).get(0);
        assertWerkenMessage(envelope, eventId, "webhook.received");
        assertMessageConforms(asyncApi, "receivedWebhook", envelope);
        assertThat(JSON.readTree(envelope.getBody())
                        .path("headers")
                        .path("x-contract-kind")
                        .asText())
                .isEqualTo("envelope");

        // Dispatch's messages: the actions on both queues, the journal's records (its writer stopped, so they stay on
        // the journal queue), and a dead letter.
        JournalWriter writer = werken.context().hasService(JournalWriter.class);
        writer.stop();
        werken.startDispatch();
        // The envelope taken above goes back as it was, to be dispatched.
        broker.publish(werken.receivedQueue, envelope.getProps(), envelope.getBody());

        GetResponse action = takeFor(werken.actionsQueue, eventId);
        assertWerkenMessage(action, eventId + ":0", "log_evento");
        assertThat(action.getProps().getCorrelationId()).isEqualTo(eventId);
        assertMessageConforms(asyncApi, "action", action);
        GetResponse ownAction = takeFor(ownQueue, eventId);
        assertWerkenMessage(ownAction, eventId + ":1", "start_build");
        assertMessageConforms(asyncApi, "action", ownAction);

        GetResponse deadLetter = deadLetter("ev-contract-vanished");
        assertWerkenMessage(deadLetter, "ev-contract-vanished", "webhook.dead-lettered");
        assertMessageConforms(asyncApi, "deadLetter", deadLetter);

        // A reload with the writer stopped leaves the new revision's record on the journal queue too.
        Files.writeString(workflowsFile, workflows("second"));
        assertThat(management("POST", "/workflows/reload", null).statusCode()).isEqualTo(200);

        Map<String, GetResponse> byId = new LinkedHashMap<>();
        await().atMost(WAIT).until(() -> {
            for (GetResponse record = broker.get(werken.journalQueue);
                    record != null;
                    record = broker.get(werken.journalQueue)) {
                byId.put(record.getProps().getMessageId(), record);
            }
            return byId.containsKey("journal-" + eventId)
                    && byId.containsKey("journal-ev-contract-vanished")
                    && byId.keySet().stream().anyMatch(id -> id.startsWith("revision-"));
        });
        GetResponse dispatched = byId.get("journal-" + eventId);
        assertWerkenMessage(dispatched, "journal-" + eventId, "werken.journal.event");
        assertMessageConforms(asyncApi, "journalEvent", dispatched);
        assertThat(JSON.readTree(dispatched.getBody()).path("outcome").asText()).isEqualTo("dispatched");
        GetResponse deadLettered = byId.get("journal-ev-contract-vanished");
        assertMessageConforms(asyncApi, "journalEvent", deadLettered);
        assertThat(JSON.readTree(deadLettered.getBody()).path("outcome").asText())
                .isEqualTo("dead_lettered");
        GetResponse revision = byId.values().stream()
                .filter(r -> r.getProps().getMessageId().startsWith("revision-"))
                .findFirst()
                .orElseThrow();
        assertWerkenMessage(revision, revision.getProps().getMessageId(), "werken.journal.revision");
        assertMessageConforms(asyncApi, "journalRevision", revision);

        // Under load the records of several events go in one message: these two, as the journal's packer packs them.
        GetResponse pack = packed(List.of(dispatched, deadLettered));
        assertThat(pack.getProps().getMessageId()).isEqualTo("journal-" + eventId + "+1");
        assertThat(pack.getProps().getType()).isEqualTo("werken.journal.events");
        assertMessageConforms(asyncApi, "journalEvents", pack);

        writer.start();
    }

    @Test
    @Order(3)
    void everyMetricTheOperatorKitReadsIsExported() throws Exception {
        // A dead letter, so that every meter Werken registers on first use exists.
        deadLetter("ev-contract-metrics");
        HttpResponse<String> scrape = management("GET", "/observe/metrics", null);
        assertThat(scrape.statusCode()).isEqualTo(200);
        Set<String> exported = new TreeSet<>();
        // Each sample's name, and each family's (# TYPE): a histogram's own name as well as its _bucket, _count, _sum.
        Matcher sample = Pattern.compile("(?m)^(?:# TYPE )?([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]")
                .matcher(scrape.body());
        while (sample.find()) {
            exported.add(sample.group(1));
        }

        Set<String> referenced = new TreeSet<>();
        for (Path file : List.of(
                Path.of("deploy/prometheus/werken-alerts.yml"), Path.of("deploy/grafana/werken-dashboard.json"))) {
            Set<String> names = metricNames(Files.readString(file));
            assertThat(names).as("metrics read by %s", file).isNotEmpty();
            referenced.addAll(names);
        }
        assertThat(referenced)
                .contains(
                        "werken_broker_up",
                        "werken_events_dead_lettered_total",
                        "werken_journal_lag_records",
                        "werken_workflow_reloads_total");
        // Micrometer registers the GC pause timer at the JVM's first collection, which a short test may not reach.
        referenced.removeIf(name -> name.startsWith("jvm_gc_pause_seconds"));
        assertThat(exported).as("what /observe/metrics exports").containsAll(referenced);
    }

    /** Puts an event of a workflow that does not exist on the received queue, and takes its dead letter. */
    private static GetResponse deadLetter(String eventId) {
        byte[] vanished = """
                {"event_id":"%s","workflow_id":"deleted-flow","workflow_revision":"0123456789ab",\
                "received_at":"2026-11-26T00:00:00Z","headers":{},"payload":{"n":4}}""".formatted(eventId).getBytes(StandardCharsets.UTF_8);
        broker.publish(
                werken.receivedQueue,
                new AMQP.BasicProperties.Builder()
                        .messageId(eventId)
                        .type("webhook.received")
                        .contentType("application/json")
                        .deliveryMode(2)
                        .headers(Map.of("traceparent", TRACEPARENT))
                        .build(),
                vanished);
        return takeFor(werken.deadLetterQueue, eventId);
    }

    /**
     * The message of event {@code eventId} on {@code queue} (its correlation id, or its message id for an event),
     * once it is there; messages before it, left by another test, are taken and dropped.
     */
    private static GetResponse takeFor(String queue, String eventId) {
        return await().atMost(WAIT)
                .until(
                        () -> {
                            for (GetResponse message = broker.get(queue);
                                    message != null;
                                    message = broker.get(queue)) {
                                if (eventId.equals(message.getProps().getCorrelationId())
                                        || eventId.equals(message.getProps().getMessageId())) {
                                    return message;
                                }
                            }
                            return null;
                        },
                        java.util.Objects::nonNull);
    }

    /** The Werken, Camel and JVM metric names in a PromQL-bearing file. */
    static Set<String> metricNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher name = Pattern.compile("\\b((?:werken|camel|jvm|process|system)_[a-z0-9_]+)\\b")
                .matcher(text);
        while (name.find()) {
            names.add(name.group(1));
        }
        return names;
    }

    private static void assertWerkenMessage(GetResponse message, String messageId, String type) {
        AMQP.BasicProperties properties = message.getProps();
        assertThat(properties.getMessageId()).isEqualTo(messageId);
        assertThat(properties.getType()).isEqualTo(type);
        assertThat(properties.getContentType()).isEqualTo("application/json");
        assertThat(properties.getDeliveryMode()).isEqualTo(2);
        assertThat(properties.getAppId()).isEqualTo("werken");
        assertThat(properties.getTimestamp()).isNotNull();
    }

    /**
     * The message {@link JournalPacker} makes of {@code records} (taken off the journal queue): with two messages of
     * records unconfirmed (held by this publisher), the records that come meanwhile go together once one is confirmed.
     */
    private static GetResponse packed(List<GetResponse> records) {
        List<org.springframework.amqp.core.Message> sent = new java.util.ArrayList<>();
        List<java.util.concurrent.CompletableFuture<Void>> confirms = new java.util.ArrayList<>();
        JournalPacker packer = new JournalPacker(
                new MessagePublisher() {
                    @Override
                    public void publishAll(List<Outbound> messages) {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public java.util.concurrent.CompletableFuture<Void> publishAllAsync(List<Outbound> messages) {
                        sent.add(messages.get(0).message());
                        java.util.concurrent.CompletableFuture<Void> confirm =
                                new java.util.concurrent.CompletableFuture<>();
                        confirms.add(confirm);
                        return confirm;
                    }
                },
                null,
                java.time.Clock.systemUTC(),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                Duration.ZERO);
        List<GetResponse> all = new java.util.ArrayList<>(records);
        all.addAll(0, records);
        for (GetResponse record : all) {
            org.springframework.amqp.core.MessageProperties properties =
                    new org.springframework.amqp.core.MessageProperties();
            properties.setCorrelationId(record.getProps().getCorrelationId());
            // The record object is for the database only (this packer has none): the message is what is packed.
            MessagePublisher.Outbound message = new MessagePublisher.Outbound(
                    "werken.journal", new org.springframework.amqp.core.Message(record.getBody(), properties));
            packer.publish(new io.werken.journal.JournalRecords.Entry(null, ignored -> message));
        }
        confirms.get(0).complete(null);
        org.springframework.amqp.core.Message pack = sent.get(2);
        return new GetResponse(
                null,
                new com.rabbitmq.client.AMQP.BasicProperties.Builder()
                        .messageId(pack.getMessageProperties().getMessageId())
                        .type(pack.getMessageProperties().getType())
                        .contentType(pack.getMessageProperties().getContentType())
                        .build(),
                pack.getBody(),
                0);
    }

    private static void assertMessageConforms(ContractSchemas asyncApi, String name, GetResponse message)
            throws Exception {
        JsonNode payload = JSON.readTree(message.getBody());
        assertThat(ContractSchemas.errors(asyncApi.payload(name), payload))
                .as("%s payload %s", name, payload)
                .isEmpty();
        JsonNode document =
                asyncApi.document().path("components").path("messages").path(name);
        Map<String, Object> headers = new LinkedHashMap<>();
        if (message.getProps().getHeaders() != null) {
            // AMQP strings arrive as LongString, numbers as Integer or Long.
            message.getProps()
                    .getHeaders()
                    .forEach((key, value) -> headers.put(key, value instanceof Number ? value : String.valueOf(value)));
        }
        if (document.has("headers")) {
            JsonNode tree = JSON.valueToTree(headers);
            assertThat(ContractSchemas.errors(asyncApi.headers(name), tree))
                    .as("%s headers %s", name, tree)
                    .isEmpty();
        } else {
            assertThat(headers).as("%s carries no headers", name).isEmpty();
        }
    }

    private static void assertConforms(Schema schema, HttpResponse<String> answer) throws Exception {
        JsonNode body = JSON.readTree(answer.body());
        assertThat(ContractSchemas.errors(schema, body))
                .as("%s %s: %s", answer.request().method(), answer.uri(), body)
                .isEmpty();
    }

    private static HttpResponse<String> webhook(String workflow, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(werken.webhookUri(workflow))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return werken.send(request);
    }

    private static HttpResponse<String> management(String method, String path, String body) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + werken.managementPort + path));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return werken.send(request);
    }
}
