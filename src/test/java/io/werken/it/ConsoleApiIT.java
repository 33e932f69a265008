package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management endpoints the console reads, called as a script calls them, on a running Werken with the real broker
 * and its journal on a PostgreSQL database of the test's own: statistics from Werken's own meters, the queues, the
 * recent refusals from every place the webhook port refuses, the journal's revisions (and the paths they share with
 * the workflows'), and a draft's check and dry run; then the queues on the embedded broker with the journal off.
 */
class ConsoleApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Two sampling intervals and some: the statistics are sampled every 10 s. */
    private static final Duration STATS_WAIT = Duration.ofSeconds(45);

    private static final int MAX_BODY_BYTES = 65_536;

    @TempDir
    static Path dir;

    static Postgres postgres;
    static RunningWerken werken;
    static Path workflows;
    static String spareQueue;

    static String file(String description) {
        return """
                {
                  "shop": {"description": "%s", "headers": ["x-tenant"], "actions": [
                    {"type": "notify", "params": {"to": "{{ payload.customer }}"}}]},
                  "stats": {"actions": [{"type": "count"}]},
                  "strict": {"payload_schema": {"type": "object", "required": ["id"]}, "actions": [{"type": "keep"}]},
                  "spare": {"actions": [{"type": "idle", "queue": "%s"}]},
                  "revisions": {"actions": [{"type": "named_like_the_path"}]}
                }
                """.formatted(description, spareQueue);
    }

    @BeforeAll
    static void start() throws Exception {
        spareQueue = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".spare";
        workflows = dir.resolve("workflows.json");
        Files.writeString(workflows, file("v1"));
        postgres = Postgres.shared();
        werken = RunningWerken.start(Map.of(
                "werken.workflows", workflows.toString(),
                "werken.journal.url", postgres.createDatabase(),
                "werken.journal.user", Postgres.USER,
                "camel.server.max-body-size", Integer.toString(MAX_BODY_BYTES)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (werken != null) {
            werken.close();
        }
        try (Broker broker = new Broker()) {
            broker.delete(spareQueue);
        }
        postgres.close();
    }

    // --- helpers: what a script does ---------------------------------------------------------------------------

    private static HttpResponse<String> management(RunningWerken on, String method, String pathAndQuery, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + on.managementPort + pathAndQuery))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        return on.send(request);
    }

    private static HttpResponse<String> management(String method, String pathAndQuery, String body) throws Exception {
        return management(werken, method, pathAndQuery, body);
    }

    private static JsonNode get(RunningWerken on, String pathAndQuery) throws Exception {
        HttpResponse<String> response = management(on, "GET", pathAndQuery, null);
        assertThat(response.statusCode())
                .as(pathAndQuery + " " + response.body())
                .isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(response.body());
    }

    private static JsonNode get(String pathAndQuery) throws Exception {
        return get(werken, pathAndQuery);
    }

    private static JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> response = management("POST", path, body);
        assertThat(response.statusCode()).as(path + " " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode problem(HttpResponse<String> response, int status, String type) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:werken:problem:" + type);
        return problem;
    }

    private static int webhook(String workflow, String contentType, byte[] body) throws Exception {
        return werken.post(workflow, contentType, body).statusCode();
    }

    /** Sends a request Werken refuses at its edge; the client may see the answer or the connection closed under it. */
    private static void refusedAtTheEdge(HttpRequest.Builder request) {
        try {
            werken.send(request);
        } catch (IOException e) {
            // Werken answered and closed the connection while the request was still being sent.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static JsonNode queue(JsonNode listing, String name) {
        for (JsonNode queue : listing.get("queues")) {
            if (queue.get("name").asText().equals(name)) {
                return queue;
            }
        }
        throw new AssertionError("no queue " + name + " in " + listing);
    }

    private static JsonNode series(JsonNode stats, String workflow) {
        for (JsonNode series : stats.get("workflows")) {
            if (series.get("workflow_id").asText().equals(workflow)) {
                return series;
            }
        }
        throw new AssertionError("no series for " + workflow + " in " + stats);
    }

    private static double sum(JsonNode series, String field) {
        double sum = 0;
        for (JsonNode point : series.get("points")) {
            sum += point.get(field).asDouble();
        }
        return sum;
    }

    // --- GET /stats --------------------------------------------------------------------------------------------

    @Test
    void theStatisticsShowAcceptedAndRefusedWebhooksPerSecondAndTheDispatchLatencyPerWorkflow() throws Exception {
        for (int i = 0; i < 12; i++) {
            assertThat(webhook("stats", "application/json", "{}".getBytes(StandardCharsets.UTF_8)))
                    .isEqualTo(202);
        }
        assertThat(webhook("strict", "application/json", "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(422);

        // Sampled every 10 s by Werken's own thread: the rates, times the interval, add up to what was sent.
        await().atMost(STATS_WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            JsonNode stats = get("/stats?minutes=5");
            return Math.round(sum(series(stats, "stats"), "accepted_per_s") * 10) == 12
                    && sum(series(stats, "strict"), "refused_per_s") > 0;
        });
        JsonNode stats = get("/stats?minutes=5");
        assertThat(stats.get("interval_seconds").asInt()).isEqualTo(10);
        assertThat(stats.get("workflows").findValuesAsText("workflow_id"))
                .contains("shop", "stats", "strict", "spare", "revisions");
        JsonNode counted = series(stats, "stats");
        assertThat(sum(counted, "refused_per_s")).isZero();
        List<JsonNode> dispatched = new ArrayList<>();
        counted.get("points").forEach(point -> {
            assertThat(point.fieldNames())
                    .toIterable()
                    .containsExactly("t", "accepted_per_s", "refused_per_s", "dispatch_p99_ms", "dispatch_mean_ms");
            if (!point.get("dispatch_mean_ms").isNull()) {
                dispatched.add(point);
            }
        });
        assertThat(dispatched)
                .as("the dispatch latency of the intervals the events were dispatched in")
                .isNotEmpty()
                .allSatisfy(point -> {
                    assertThat(point.get("dispatch_mean_ms").asDouble())
                            .isPositive()
                            .isLessThan(30_000);
                    assertThat(point.get("dispatch_p99_ms").asDouble()).isPositive();
                });
        assertThat(series(stats, "spare").get("points"))
                .as("an idle workflow has a point of zeros per interval")
                .hasSameSizeAs(counted.get("points"))
                .allSatisfy(point ->
                        assertThat(point.get("accepted_per_s").asDouble()).isZero());

        problem(management("GET", "/stats?minutes=61", null), 400, "invalid-query");
        problem(management("GET", "/stats?hours=1", null), 400, "invalid-query");
    }

    // --- GET /queues -------------------------------------------------------------------------------------------

    @Test
    void theQueuesShowTheirDepthAndConsumersByRoleAndAQueueGoneFromTheBrokerIsMissing() throws Exception {
        JsonNode listing = get("/queues");
        assertThat(listing.get("queues").findValuesAsText("role"))
                .containsSubsequence("received", "dead_letters", "journal", "actions");
        assertThat(queue(listing, werken.receivedQueue).get("role").asText()).isEqualTo("received");
        assertThat(queue(listing, werken.receivedQueue).get("consumers").asInt())
                .as("the dispatch consumers")
                .isEqualTo(32);
        assertThat(queue(listing, werken.deadLetterQueue).get("role").asText()).isEqualTo("dead_letters");
        assertThat(queue(listing, werken.journalQueue).get("consumers").asInt()).isPositive();
        assertThat(queue(listing, werken.actionsQueue).get("role").asText()).isEqualTo("actions");
        assertThat(queue(listing, spareQueue).get("missing").asBoolean()).isFalse();

        // With dispatch stopped, accepted webhooks wait on the received queue, and the listing says so.
        werken.stopDispatch();
        try {
            for (int i = 0; i < 3; i++) {
                assertThat(webhook(
                                "shop", "application/json", "{\"customer\": \"q\"}".getBytes(StandardCharsets.UTF_8)))
                        .isEqualTo(202);
            }
            await().atMost(WAIT).until(() -> {
                JsonNode received = queue(get("/queues"), werken.receivedQueue);
                return received.get("messages").asInt() == 3
                        && received.get("consumers").asInt() == 0;
            });
        } finally {
            werken.startDispatch();
        }
        await().atMost(WAIT)
                .until(() -> queue(get("/queues"), werken.receivedQueue)
                                .get("messages")
                                .asInt()
                        == 0);

        try (Broker broker = new Broker()) {
            broker.delete(spareQueue);
        }
        JsonNode spare = queue(get("/queues"), spareQueue);
        assertThat(spare.get("missing").asBoolean()).isTrue();
        assertThat(spare.has("messages")).isFalse();
        assertThat(spare.get("role").asText()).isEqualTo("actions");
    }

    // --- GET /refusals -----------------------------------------------------------------------------------------

    @Test
    void everyPlaceTheWebhookPortRefusesARequestShowsInTheRefusalsNewestFirst() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        // The ingest route: a body its schema refuses (the workflow known), and a workflow that does not exist.
        assertThat(webhook("strict", "application/json", "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(422);
        assertThat(webhook("nope-" + tag, "application/json", "{}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(404);
        // The edge: a form body (the problem pages' guard), a body over the limit (the connection guard, from its
        // Content-Length), and a request line over the limit (Vert.x's decoder, answered by the server).
        assertThat(webhook("shop", "application/x-www-form-urlencoded", "a=1".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(415);
        refusedAtTheEdge(HttpRequest.newBuilder(werken.webhookUri("shop"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX_BODY_BYTES + 1])));
        refusedAtTheEdge(HttpRequest.newBuilder(werken.webhookUri("long-" + "x".repeat(5000)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));

        await().atMost(WAIT).until(() -> get("/refusals").get("refusals").size() >= 5);
        JsonNode refusals = get("/refusals").get("refusals");
        List<String> newestFirst = new ArrayList<>();
        refusals.forEach(r -> newestFirst.add(r.get("type").asText()));
        assertThat(newestFirst)
                .containsSubsequence(
                        "uri-too-long",
                        "body-too-large",
                        "unsupported-media-type",
                        "unknown-workflow",
                        "payload-invalid");
        for (JsonNode refusal : refusals) {
            assertThat(refusal.fieldNames())
                    .toIterable()
                    .containsExactly("at", "workflow_id", "status", "type", "detail", "remote", "path");
            assertThat(refusal.get("at").asText()).endsWith("Z");
        }
        JsonNode schema = first(refusals, "payload-invalid");
        assertThat(schema.get("workflow_id").asText()).isEqualTo("strict");
        assertThat(schema.get("status").asInt()).isEqualTo(422);
        assertThat(schema.get("detail").asText()).contains("id");
        assertThat(schema.get("remote").asText()).isEqualTo("127.0.0.1");
        JsonNode unknown = first(refusals, "unknown-workflow");
        assertThat(unknown.get("workflow_id").isNull()).isTrue();
        assertThat(unknown.get("status").asInt()).isEqualTo(404);
        assertThat(unknown.get("path").asText()).contains("nope-" + tag);
        assertThat(unknown.get("remote").asText()).isEqualTo("127.0.0.1");
        JsonNode form = first(refusals, "unsupported-media-type");
        assertThat(form.get("status").asInt()).isEqualTo(415);
        assertThat(form.get("remote").asText()).isEqualTo("127.0.0.1");
        assertThat(first(refusals, "body-too-large").get("status").asInt()).isEqualTo(413);
        assertThat(first(refusals, "body-too-large").get("remote").asText()).isEqualTo("127.0.0.1");
        assertThat(first(refusals, "uri-too-long").get("status").asInt()).isEqualTo(414);
        assertThat(refusals.toString()).as("no body is kept").doesNotContain("a=1");
    }

    private static JsonNode first(JsonNode refusals, String type) {
        for (JsonNode refusal : refusals) {
            if (refusal.get("type").asText().equals(type)) {
                return refusal;
            }
        }
        throw new AssertionError("no " + type + " in " + refusals);
    }

    // --- GET /workflows/revisions ------------------------------------------------------------------------------

    @Test
    void theRevisionsAreListedNewestFirstAndEachShowsTheFileAsWritten() throws Exception {
        String first = get("/workflows").get("revision").asText();
        await().atMost(WAIT)
                .until(() -> get("/workflows/revisions")
                        .get("revisions")
                        .findValuesAsText("revision")
                        .contains(first));

        String next = file("v2");
        Files.writeString(workflows, next);
        JsonNode reloaded = post("/workflows/reload", null);
        String second = reloaded.get("revision").asText();
        assertThat(second).isNotEqualTo(first);
        await().atMost(WAIT)
                .until(() -> get("/workflows/revisions")
                        .get("revisions")
                        .findValuesAsText("revision")
                        .contains(second));

        JsonNode listing = get("/workflows/revisions");
        assertThat(listing.get("revisions").findValuesAsText("revision")).containsSubsequence(second, first);
        assertThat(listing.get("revisions").get(0).fieldNames()).toIterable().containsExactly("revision", "loaded_at");
        assertThat(get("/workflows/revisions?limit=1").get("revisions").findValuesAsText("revision"))
                .containsExactly(second);
        JsonNode shown = get("/workflows/revisions/" + second);
        assertThat(shown.get("revision").asText()).isEqualTo(second);
        assertThat(shown.get("loaded_at").asText()).endsWith("Z");
        assertThat(JSON.readTree(shown.get("source").asText())).isEqualTo(JSON.readTree(next));

        problem(management("GET", "/workflows/revisions/no-such-revision", null), 404, "not-found");
        problem(management("GET", "/workflows/revisions?limit=0", null), 400, "invalid-query");
    }

    @Test
    void theRevisionsPathsLeaveTheWorkflowsPathsAsTheyWere() throws Exception {
        // GET /workflows/{id} still shows a workflow; GET /workflows/revisions is the listing, never a workflow.
        assertThat(get("/workflows/shop").get("id").asText()).isEqualTo("shop");
        assertThat(get("/workflows/revisions").has("revisions")).isTrue();
        problem(management("POST", "/workflows/revisions", null), 405, "method-not-allowed");
        // A workflow named "revisions" keeps its POST endpoints under /workflows/revisions/...
        JsonNode dryRun = post("/workflows/revisions/dry-run", "{}");
        assertThat(dryRun.get("workflow_id").asText()).isEqualTo("revisions");
        assertThat(dryRun.get("actions").findValuesAsText("type")).containsExactly("named_like_the_path");
        assertThat(post("/workflows/revisions/check", "{\"actions\": [{\"type\": \"a\"}]}")
                        .get("valid")
                        .asBoolean())
                .isTrue();
        assertThat(post("/workflows/shop/dry-run", "{\"customer\": \"ana\"}")
                        .at("/actions/0/params/to")
                        .asText())
                .isEqualTo("ana");
    }

    // --- POST /workflows/{id}/check and /draft/dry-run ---------------------------------------------------------

    @Test
    void aDraftIsCheckedWithEachProblemAtItsPlace() throws Exception {
        assertThat(post(
                        "/workflows/shop/check",
                        "{\"actions\": [{\"type\": \"notify\", \"when\": \"payload.total > 1\"}]}"))
                .isEqualTo(JSON.readTree("{\"valid\": true, \"problems\": []}"));
        assertThat(post("/workflows/not-yet/check", "{\"actions\": [{\"type\": \"new\"}]}")
                        .get("valid")
                        .asBoolean())
                .as("a workflow still to be added")
                .isTrue();

        JsonNode invalid = post("/workflows/shop/check", """
                {"actions": [{"type": "ok"}, {"type": "bad", "when": "payload.(",
                  "params": {"x": "{{ payload. }}"}}]}""");
        assertThat(invalid.get("valid").asBoolean()).isFalse();
        assertThat(invalid.get("problems").findValuesAsText("pointer"))
                .contains("/actions/1/when", "/actions/1/params/x");
        assertThat(invalid.get("problems").get(0).fieldNames()).toIterable().containsExactly("pointer", "message");

        problem(management("POST", "/workflows/shop/check", "{not json"), 400, "invalid-json");
        problem(management("GET", "/workflows/shop/check", null), 405, "method-not-allowed");
    }

    @Test
    void aDraftsDryRunShowsWhatItWouldPublishAndPublishesNothing() throws Exception {
        String draftQueue = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".draft_only";
        String definition = """
                {"headers": ["x-tenant"], "actions": [
                  {"type": "notify", "params": {"to": "{{ payload.customer }}", "tenant": "{{ headers['x-tenant'] }}"}},
                  {"type": "vip", "when": "payload.total > 100", "queue": "%s", "params": {"total": "{{ payload.total }}"}}
                ]}""".formatted(draftQueue);
        long actionsBefore;
        try (Broker broker = new Broker()) {
            actionsBefore = broker.depth(werken.actionsQueue);
        }

        JsonNode big = post(
                "/workflows/shop/draft/dry-run",
                "{\"definition\": " + definition
                        + ", \"payload\": {\"customer\": \"ana\", \"total\": 250}, \"headers\": {\"X-Tenant\": \"acme\"}}");
        JsonNode small = post(
                "/workflows/shop/draft/dry-run",
                "{\"definition\": " + definition
                        + ", \"payload\": {\"customer\": \"bo\", \"total\": 5}, \"headers\": {\"x-tenant\": \"t2\"}}");

        assertThat(big).isEqualTo(JSON.readTree("""
                {"workflow_id": "shop", "outcome": "publish", "would_publish": 2, "actions": [
                  {"index": 0, "type": "notify", "queue": "%s", "outcome": "publish",
                   "params": {"to": "ana", "tenant": "acme"}},
                  {"index": 1, "type": "vip", "queue": "%s", "outcome": "publish", "params": {"total": 250}}]}""".formatted(werken.actionsQueue, draftQueue)));
        assertThat(small.at("/actions/1/outcome").asText()).isEqualTo("skipped");
        assertThat(small.at("/actions/1/reason").asText()).contains("payload.total > 100");
        try (Broker broker = new Broker()) {
            assertThat(broker.queueExists(draftQueue))
                    .as("the draft's queue is not declared")
                    .isFalse();
            assertThat(broker.depth(werken.actionsQueue)).isEqualTo(actionsBefore);
        }

        JsonNode invalid = problem(
                management(
                        "POST",
                        "/workflows/shop/draft/dry-run",
                        "{\"definition\": {\"actions\": [{\"type\": \"x\", \"when\": \"payload.(\"}]}, \"payload\": {}}"),
                422,
                "draft-invalid");
        assertThat(invalid.get("errors").findValuesAsText("pointer")).containsExactly("/actions/0/when");
        JsonNode shape = problem(
                management("POST", "/workflows/shop/draft/dry-run", "{\"definition\": {}}"), 422, "draft-invalid");
        assertThat(shape.get("errors").findValuesAsText("pointer")).containsExactly("/payload");
        problem(
                management(
                        "POST",
                        "/workflows/strict/draft/dry-run",
                        "{\"definition\": "
                                + "{\"payload_schema\": {\"required\": [\"id\"]}, \"actions\": [{\"type\": \"k\"}]}, \"payload\": {}}"),
                422,
                "payload-invalid");
    }

    // --- the embedded broker, the journal off ------------------------------------------------------------------

    @Test
    void onTheEmbeddedBrokerWithTheJournalOffTheQueuesAreListedAndTheRevisionsSayTheJournalIsOff() throws Exception {
        int amqpPort = FreePorts.next();
        try (RunningWerken embedded = RunningWerken.start(Map.of(
                "werken.rabbitmq.uri",
                "",
                "werken.embedded.amqp-port",
                Integer.toString(amqpPort),
                "werken.embedded.data-dir",
                Files.createTempDirectory(dir, "embedded-").toString(),
                "werken.journal.mode",
                "off"))) {
            JsonNode listing = get(embedded, "/queues");
            assertThat(listing.get("queues").findValuesAsText("role"))
                    .startsWith("received", "dead_letters", "actions")
                    .doesNotContain("journal");
            assertThat(listing.get("queues").findValuesAsText("name")).contains("ci_builds", "code_reviews");
            assertThat(listing.get("queues").findValuesAsText("missing")).containsOnly("false");
            assertThat(queue(listing, embedded.receivedQueue).get("consumers").asInt())
                    .isPositive();

            for (String path : List.of("/workflows/revisions", "/workflows/revisions/abc")) {
                JsonNode off = problem(management(embedded, "GET", path, null), 404, "journal-off");
                assertThat(off.get("detail").asText()).contains("WERKEN_JOURNAL");
            }
        }
    }
}
