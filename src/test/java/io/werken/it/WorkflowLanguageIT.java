package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.GetResponse;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflow language end to end, with a GitHub workflow of the test's own: CEL conditions and templates decide what
 * reaches which queue, a failing expression dead-letters the event with nothing published, a payload schema refuses a
 * body with 422, the management port's dry run and listing show the workflows, and {@code validate} checks a file.
 */
class WorkflowLanguageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String WORKFLOW = "github-events";
    private static final String SIGNED = "signed-events";
    private static final String SECRET_VALUE = "s3cret-" + UUID.randomUUID();
    /** The params start_build renders for fixtures/github-push.json. */
    private static final String PUSH_BUILD_PARAMS = """
            {"repository": "octocat/Hello-World", "commit": "59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5",
             "commits": 2, "pusher": "octocat"}""";

    private static final String PUSH_LOG_PARAMS = """
            {"nivel": "info", "mensaje": "GitHub push event on octocat/Hello-World"}""";

    @TempDir
    static Path dir;

    private static String buildQueue;
    private static String reviewQueue;
    private static Path workflowsFile;
    private static Path secretFile;
    private static Broker broker;
    private static RunningWerken werken;

    @BeforeAll
    static void start() throws Exception {
        // Per-action queues of this run only: RunningWerken names (and deletes) only its own.
        String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        buildQueue = prefix + "ci_builds";
        reviewQueue = prefix + "code_reviews";
        secretFile = dir.resolve("github-secret");
        Files.writeString(secretFile, SECRET_VALUE + "\n");
        workflowsFile = dir.resolve("workflows.json");
        Files.writeString(workflowsFile, workflows());
        broker = new Broker();
        werken = RunningWerken.start(Map.of("werken.workflows", "file:" + workflowsFile));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (werken != null) {
                werken.close();
            }
        } finally {
            if (broker != null) {
                broker.delete(buildQueue, reviewQueue);
                broker.close();
            }
        }
    }

    /** The shipped github-events workflow with queues of this run, and a signed workflow with a file secret. */
    private static String workflows() {
        return """
                {
                  "%1$s": {
                    "description": "GitHub push and pull_request webhooks",
                    "headers": ["X-GitHub-Event"],
                    "payload_schema": {
                      "type": "object",
                      "required": ["repository"],
                      "properties": {
                        "repository": {
                          "type": "object",
                          "required": ["full_name"],
                          "properties": {"full_name": {"type": "string"}}
                        }
                      }
                    },
                    "actions": [
                      {
                        "type": "start_build",
                        "queue": "%2$s",
                        "when": "headers['x-github-event'] == 'push' && payload.ref == 'refs/heads/main'",
                        "params": {
                          "repository": "{{ payload.repository.full_name }}",
                          "commit": "{{ payload.after }}",
                          "commits": "{{ size(payload.commits) }}",
                          "pusher": "{{ payload.pusher.name }}"
                        }
                      },
                      {
                        "type": "request_review",
                        "queue": "%3$s",
                        "when": "headers['x-github-event'] == 'pull_request' && payload.action == 'opened'",
                        "params": {
                          "repository": "{{ payload.repository.full_name }}",
                          "number": "{{ payload.pull_request.number }}",
                          "title": "#{{ payload.pull_request.number }}: {{ payload.pull_request.title }}",
                          "author": "{{ payload.pull_request.user.login }}",
                          "reviewers": "{{ has(payload.pull_request.requested_reviewers) ? payload.pull_request.requested_reviewers.map(r, r.login) : [] }}",
                          "draft": "{{ has(payload.pull_request.draft) && payload.pull_request.draft }}"
                        }
                      },
                      {
                        "type": "log_evento",
                        "params": {
                          "nivel": "info",
                          "mensaje": "GitHub {{ 'x-github-event' in headers ? headers['x-github-event'] : 'unknown' }} event on {{ payload.repository.full_name }}"
                        }
                      }
                    ]
                  },
                  "%4$s": {
                    "description": "Signed with a secret from a file",
                    "verify": {"scheme": "github", "secrets": ["file:%5$s"]},
                    "actions": [{"type": "log_evento"}]
                  }
                }
                """.formatted(WORKFLOW, buildQueue, reviewQueue, SIGNED, secretFile);
    }

    private static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(Path.of("src/test/resources/fixtures", name));
    }

    private static HttpResponse<String> postGitHub(URI uri, String event, byte[] body) throws Exception {
        return werken.send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static HttpResponse<String> webhook(String event, byte[] body) throws Exception {
        return postGitHub(werken.webhookUri(WORKFLOW), event, body);
    }

    private static URI management(String path) {
        return URI.create("http://127.0.0.1:" + werken.managementPort + path);
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return werken.send(HttpRequest.newBuilder(uri).GET());
    }

    private static String eventId(HttpResponse<String> accepted) throws Exception {
        return JSON.readTree(accepted.body()).get("event_id").asText();
    }

    /** The correlation ids (event ids) of every message the queue holds now; takes them. */
    private static List<String> eventIdsOn(String queue) {
        return broker.drain(queue).stream()
                .map(m -> m.getProps().getCorrelationId())
                .toList();
    }

    private static String header(GetResponse message, String name) {
        Map<String, Object> headers = message.getProps().getHeaders();
        Object value = headers == null ? null : headers.get(name);
        return value == null ? null : value.toString();
    }

    @Test
    void aPushToMainStartsABuildOnItsQueueAndLogsTheEventOnTheActionsQueue() throws Exception {
        HttpResponse<String> response = webhook("push", fixture("github-push.json"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String eventId = eventId(response);
        GetResponse build = broker.take(buildQueue, 1, WAIT).get(0);
        GetResponse log = broker.take(werken.actionsQueue, 1, WAIT).get(0);

        JsonNode buildMessage = JSON.readTree(build.getBody());
        assertThat(buildMessage.get("action_id").asText()).isEqualTo(eventId + ":0");
        assertThat(buildMessage.get("event_id").asText()).isEqualTo(eventId);
        assertThat(buildMessage.get("workflow_id").asText()).isEqualTo(WORKFLOW);
        assertThat(buildMessage.get("type").asText()).isEqualTo("start_build");
        assertThat(buildMessage.get("index").asInt()).isZero();
        assertThat(buildMessage.get("count").asInt())
                .as("actions published for the event")
                .isEqualTo(2);
        assertThat(buildMessage.get("params")).isEqualTo(JSON.readTree(PUSH_BUILD_PARAMS));
        assertThat(buildMessage.get("params").get("commits").isIntegralNumber())
                .as("commits is a JSON number")
                .isTrue();
        assertThat(buildMessage.get("headers")).isEqualTo(JSON.readTree("{\"x-github-event\": \"push\"}"));
        assertThat(buildMessage.get("payload")).isEqualTo(JSON.readTree(fixture("github-push.json")));
        assertThat(buildMessage
                        .get("payload")
                        .get("commits")
                        .get(0)
                        .get("message")
                        .asText())
                .as("payload strings are never templates")
                .isEqualTo("Fix the build {{ not a template }}");
        assertThat(build.getProps().getMessageId()).isEqualTo(eventId + ":0");
        assertThat(build.getProps().getCorrelationId()).isEqualTo(eventId);
        assertThat(build.getProps().getType()).isEqualTo("start_build");
        assertThat(build.getProps().getContentType()).isEqualTo("application/json");
        assertThat(build.getProps().getDeliveryMode()).isEqualTo(2);

        JsonNode logMessage = JSON.readTree(log.getBody());
        assertThat(logMessage.get("action_id").asText()).isEqualTo(eventId + ":2");
        assertThat(logMessage.get("type").asText()).isEqualTo("log_evento");
        assertThat(logMessage.get("index").asInt())
                .as("its place in the workflow, after the skipped review")
                .isEqualTo(2);
        assertThat(logMessage.get("count").asInt()).isEqualTo(2);
        assertThat(logMessage.get("params")).isEqualTo(JSON.readTree(PUSH_LOG_PARAMS));
        assertThat(logMessage.get("headers")).isEqualTo(JSON.readTree("{\"x-github-event\": \"push\"}"));
        assertThat(log.getProps().getMessageId()).isEqualTo(eventId + ":2");
        assertThat(log.getProps().getCorrelationId()).isEqualTo(eventId);

        // The event's actions are published as one batch in order: with the last one here, a review would be too.
        assertThat(eventIdsOn(reviewQueue)).as("review requests for the push").doesNotContain(eventId);
        assertThat(eventIdsOn(buildQueue)).as("a second build").doesNotContain(eventId);
        assertThat(eventIdsOn(werken.actionsQueue)).as("a second log line").doesNotContain(eventId);
    }

    @Test
    void anOpenedPullRequestAsksForReviewOnItsQueueAndStartsNoBuild() throws Exception {
        HttpResponse<String> response = webhook("pull_request", fixture("github-pull-request.json"));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String eventId = eventId(response);
        GetResponse review = broker.take(reviewQueue, 1, WAIT).get(0);
        GetResponse log = broker.take(werken.actionsQueue, 1, WAIT).get(0);

        JsonNode reviewMessage = JSON.readTree(review.getBody());
        assertThat(reviewMessage.get("action_id").asText()).isEqualTo(eventId + ":1");
        assertThat(reviewMessage.get("type").asText()).isEqualTo("request_review");
        assertThat(reviewMessage.get("index").asInt()).isEqualTo(1);
        assertThat(reviewMessage.get("count").asInt()).isEqualTo(2);
        assertThat(reviewMessage.get("params")).isEqualTo(JSON.readTree("""
                {"repository": "octocat/Hello-World", "number": 1347, "title": "#1347: Amazing new feature",
                 "author": "octocat", "reviewers": ["hubot", "monalisa"], "draft": false}"""));
        assertThat(reviewMessage.get("params").get("number").isIntegralNumber()).isTrue();
        assertThat(reviewMessage.get("headers")).isEqualTo(JSON.readTree("{\"x-github-event\": \"pull_request\"}"));
        assertThat(review.getProps().getMessageId()).isEqualTo(eventId + ":1");
        assertThat(review.getProps().getCorrelationId()).isEqualTo(eventId);
        assertThat(review.getProps().getType()).isEqualTo("request_review");

        JsonNode logMessage = JSON.readTree(log.getBody());
        assertThat(logMessage.get("action_id").asText()).isEqualTo(eventId + ":2");
        assertThat(logMessage.get("params").get("mensaje").asText())
                .isEqualTo("GitHub pull_request event on octocat/Hello-World");

        assertThat(eventIdsOn(buildQueue)).as("builds for the pull request").doesNotContain(eventId);
        assertThat(eventIdsOn(reviewQueue)).doesNotContain(eventId);
    }

    @Test
    void anExpressionThatFailsAtRuntimeDeadLettersTheEventAndPublishesNoneOfItsActions() throws Exception {
        byte[] noAfter = """
                {"ref":"refs/heads/main","repository":{"full_name":"a/b"},"commits":[],"pusher":{"name":"x"}}""".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = webhook("push", noAfter);

        assertThat(response.statusCode()).as("the schema is met: accepted").isEqualTo(202);
        String eventId = eventId(response);
        GetResponse dead = broker.take(werken.deadLetterQueue, 1, WAIT).get(0);
        assertThat(dead.getProps().getMessageId()).isEqualTo(eventId);
        assertThat(JSON.readTree(dead.getBody()).get("event_id").asText()).isEqualTo(eventId);
        assertThat(header(dead, "x-werken-dead-letter-reason"))
                .contains("'" + WORKFLOW + "'")
                .contains("action 0")
                .contains("params/commit")
                .contains("CEL:");
        assertThat(header(dead, "x-werken-original-queue")).isEqualTo(werken.receivedQueue);

        // Dead-lettered means settled: whatever the event would have published is on the queues by now.
        assertThat(eventIdsOn(buildQueue))
                .as("start_build (the failing action)")
                .doesNotContain(eventId);
        assertThat(eventIdsOn(reviewQueue)).as("request_review").doesNotContain(eventId);
        assertThat(eventIdsOn(werken.actionsQueue))
                .as("log_evento, which alone would have rendered")
                .doesNotContain(eventId);
    }

    @Test
    void aBodyFailingThePayloadSchemaIsRefusedWith422AndNothingIsPublished() throws Exception {
        werken.stopDispatch();
        try {
            HttpResponse<String> response =
                    webhook("push", "{\"ref\": \"refs/heads/main\"}".getBytes(StandardCharsets.UTF_8));

            assertThat(response.statusCode()).isEqualTo(422);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            JsonNode problem = JSON.readTree(response.body());
            assertThat(problem.get("type").asText()).isEqualTo("urn:werken:problem:payload-invalid");
            assertThat(problem.get("status").asInt()).isEqualTo(422);
            assertThat(problem.get("errors").isArray()).isTrue();
            assertThat(problem.get("errors")).isNotEmpty();
            JsonNode error = problem.get("errors").get(0);
            assertThat(error.get("pointer").asText())
                    .as("the body itself (RFC 6901 root)")
                    .isEmpty();
            assertThat(error.get("message").asText()).as(error.toString()).contains("repository");

            // With dispatch stopped, anything ingest publishes stays on received_webhooks; a valid webhook after the
            // refused one shows the queue is being watched, and is the only event there.
            HttpResponse<String> valid = webhook("push", fixture("github-push.json"));
            assertThat(valid.statusCode()).isEqualTo(202);
            List<GetResponse> events = broker.drain(werken.receivedQueue);
            assertThat(events).extracting(e -> e.getProps().getMessageId()).containsExactly(eventId(valid));
        } finally {
            werken.startDispatch();
        }
    }

    @Test
    void aDryRunShowsEachActionsOutcomeAndPublishesNothing() throws Exception {
        werken.stopDispatch();
        try {
            HttpResponse<String> response =
                    postGitHub(management("/workflows/" + WORKFLOW + "/dry-run"), "push", fixture("github-push.json"));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode result = JSON.readTree(response.body());
            assertThat(result.fieldNames())
                    .toIterable()
                    .containsExactly("workflow_id", "outcome", "would_publish", "actions");
            assertThat(result.get("outcome").asText()).isEqualTo("publish");
            assertThat(result.get("would_publish").asInt()).isEqualTo(2);
            assertThat(result.get("workflow_id").asText()).isEqualTo(WORKFLOW);
            JsonNode actions = result.get("actions");
            assertThat(actions).hasSize(3);

            assertThat(actions.get(0)).isEqualTo(JSON.readTree("""
                    {"index": 0, "type": "start_build", "queue": "%s", "outcome": "publish", "params": %s}""".formatted(buildQueue, PUSH_BUILD_PARAMS)));
            JsonNode review = actions.get(1);
            assertThat(review.get("index").asInt()).isEqualTo(1);
            assertThat(review.get("type").asText()).isEqualTo("request_review");
            assertThat(review.get("queue").asText()).isEqualTo(reviewQueue);
            assertThat(review.get("outcome").asText()).isEqualTo("skipped");
            assertThat(review.has("params")).isFalse();
            assertThat(review.get("reason").asText()).contains("when is false");
            assertThat(actions.get(2)).isEqualTo(JSON.readTree("""
                    {"index": 2, "type": "log_evento", "queue": "%s", "outcome": "publish", "params": %s}""".formatted(werken.actionsQueue, PUSH_LOG_PARAMS)));

            assertThat(broker.depth(werken.receivedQueue))
                    .as("events published by the dry run")
                    .isZero();
        } finally {
            werken.startDispatch();
        }
    }

    @Test
    void aDryRunShowsEveryFailingActionWithItsReason() throws Exception {
        byte[] noAfter = """
                {"ref":"refs/heads/main","repository":{"full_name":"a/b"},"commits":[],"pusher":{"name":"x"}}""".getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = postGitHub(management("/workflows/" + WORKFLOW + "/dry-run"), "push", noAfter);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode verdict = JSON.readTree(response.body());
        // Dispatch would dead-letter the event for its failing action, and publish none of its actions.
        assertThat(verdict.get("outcome").asText()).isEqualTo("dead_letter");
        assertThat(verdict.get("reason").asText()).isEqualTo("action-evaluation-failed");
        assertThat(verdict.get("would_publish").asInt()).isZero();
        JsonNode actions = verdict.get("actions");
        assertThat(verdict.get("detail").asText())
                .isEqualTo(actions.get(0).get("reason").asText());
        assertThat(actions)
                .extracting(a -> a.get("outcome").asText())
                .containsExactly("failed", "skipped", "not_published");
        assertThat(actions.get(0).has("params")).isFalse();
        assertThat(actions.get(0).get("reason").asText())
                .contains("action 0")
                .contains("params/commit")
                .contains("CEL:");
        assertThat(actions.get(2).get("params").get("mensaje").asText()).isEqualTo("GitHub push event on a/b");
    }

    @Test
    void theDryRunIsOnlyOnTheManagementPortAndRefusesABodyFailingTheSchema() throws Exception {
        HttpResponse<String> onWebhookPort =
                postGitHub(werken.uri("/workflows/" + WORKFLOW + "/dry-run"), "push", fixture("github-push.json"));
        assertThat(onWebhookPort.statusCode()).isEqualTo(404);

        HttpResponse<String> invalid = postGitHub(
                management("/workflows/" + WORKFLOW + "/dry-run"),
                "push",
                "{\"repository\": {}}".getBytes(StandardCharsets.UTF_8));
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = JSON.readTree(invalid.body());
        assertThat(problem.get("type").asText()).isEqualTo("urn:werken:problem:payload-invalid");
        assertThat(problem.get("errors")).isNotEmpty();
        assertThat(problem.get("errors").get(0).get("pointer").asText()).isEqualTo("/repository");
        assertThat(problem.get("errors").get(0).get("message").asText()).contains("full_name");
    }

    @Test
    void theManagementPortListsTheWorkflowsAndShowsEachAsDefinedWithoutSecretValues() throws Exception {
        HttpResponse<String> listing = get(management("/workflows"));

        assertThat(listing.statusCode()).as(listing.body()).isEqualTo(200);
        assertThat(listing.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode list = JSON.readTree(listing.body());
        assertThat(list.get("workflows")).isEqualTo(JSON.readTree("""
                [{"id": "%s", "description": "GitHub push and pull_request webhooks", "actions": 3},
                 {"id": "%s", "description": "Signed with a secret from a file", "actions": 1}]""".formatted(WORKFLOW, SIGNED)));

        HttpResponse<String> shown = get(management("/workflows/" + WORKFLOW));
        assertThat(shown.statusCode()).as(shown.body()).isEqualTo(200);
        ObjectNode expected = JSON.createObjectNode().put("id", WORKFLOW);
        expected.setAll((ObjectNode) JSON.readTree(workflowsFile.toFile()).get(WORKFLOW));
        assertThat(JSON.readTree(shown.body())).isEqualTo(expected);

        HttpResponse<String> signed = get(management("/workflows/" + SIGNED));
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
        JsonNode definition = JSON.readTree(signed.body());
        assertThat(definition.get("id").asText()).isEqualTo(SIGNED);
        assertThat(definition.get("verify").get("secrets")).isEqualTo(JSON.readTree("[\"file:" + secretFile + "\"]"));
        assertThat(signed.body()).doesNotContain(SECRET_VALUE);
        assertThat(listing.body()).doesNotContain(SECRET_VALUE);
    }

    @Test
    void validateAcceptsAValidWorkflowsFile() throws Exception {
        Command result = validate(workflowsFile);

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("valid, 2 workflows: " + WORKFLOW + ", " + SIGNED);
        assertThat(result.stdout() + result.stderr()).doesNotContain(SECRET_VALUE);
    }

    @Test
    void validateRefusesAFileWithEveryProblemByItsJsonPointer() throws Exception {
        Path invalid = dir.resolve("invalid-workflows.json");
        Files.writeString(invalid, """
                {
                  "broken-condition": {"actions": [{"type": "start_build", "when": "payload.ref =="}]},
                  "reserved-queue": {"actions": [{"type": "log_evento", "queue": "amq.werken"}]}
                }
                """);

        Command result = validate(invalid);

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stderr())
                .contains("invalid, 2 problems")
                .contains("/broken-condition/actions/0/when: ")
                .contains("/reserved-queue/actions/0/queue: ");
    }

    /** A finished {@code java -jar werken.jar ...}: its exit code, standard output and standard error apart. */
    private record Command(int exitCode, String stdout, String stderr) {}

    /**
     * Runs {@code validate} as an operator does, with the JVM running the tests and the README's JVM options, as
     * {@link WerkenProcess} starts Werken; standard error is kept apart from standard output, which
     * {@link WerkenProcess#command} merges.
     */
    private static Command validate(Path file) throws Exception {
        if (!Files.isRegularFile(WerkenProcess.JAR)) {
            throw new IllegalStateException(
                    WerkenProcess.JAR.toAbsolutePath() + " is missing: run the ITs with ./mvnw verify");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path out = Files.createTempFile(dir, "validate", ".out");
        Path err = Files.createTempFile(dir, "validate", ".err");
        List<String> commandLine = new ArrayList<>(
                List.of(java, "@jvm.options", "-jar", WerkenProcess.JAR.toString(), "validate", file.toString()));
        Process process = new ProcessBuilder(commandLine)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "validate did not end within 60 s: " + Files.readString(out) + Files.readString(err));
        }
        return new Command(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
