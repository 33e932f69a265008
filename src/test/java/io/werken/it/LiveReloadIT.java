package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;
import io.werken.workflow.WorkflowCatalog;
import io.werken.workflow.WorkflowReloader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The workflows file reloaded while Werken runs: edits written in place, by a rename and through symlink swaps (as a
 * Kubernetes ConfigMap volume does) under a stream of webhooks lose none of them and never mix two revisions in one
 * event; an invalid edit changes nothing and is reported everywhere; a reload's payload schema, headers, signature
 * check and removals apply to the very next webhook.
 */
class LiveReloadIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String RELOADER_MBEAN = "org.apache.camel:context=werken,type=services,name=WorkflowReloader";
    private static final Path GITHUB_SECRET =
            Path.of("src/test/resources/fixtures/secrets/github").toAbsolutePath();

    @TempDir
    Path dir;

    /** One revision of the "live" workflow: its action types in order, and the queue each names (null: the default). */
    private record Revision(String name, List<String> types, Map<String, String> queues, String json) {

        static Revision of(String name, Map<String, String> actions) {
            List<String> types = List.copyOf(actions.keySet());
            String json = actions.entrySet().stream()
                    .map(a -> a.getValue() == null
                            ? "{\"type\": \"%s\"}".formatted(a.getKey())
                            : "{\"type\": \"%s\", \"queue\": \"%s\"}".formatted(a.getKey(), a.getValue()))
                    .collect(Collectors.joining(
                            ", ", "{\"live\": {\"description\": \"revision " + name + "\", \"actions\": [", "]}}\n"));
            Map<String, String> queues = new HashMap<>();
            actions.forEach((type, queue) -> {
                if (queue != null) {
                    queues.put(type, queue);
                }
            });
            return new Revision(name, types, Map.copyOf(queues), json);
        }

        String revision() {
            return WorkflowCatalog.revisionOf(json.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Map<String, String> actions(String... typeAndQueue) {
        Map<String, String> actions = new LinkedHashMap<>();
        for (int i = 0; i < typeAndQueue.length; i += 2) {
            actions.put(typeAndQueue[i], typeAndQueue[i + 1]);
        }
        return actions;
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void editsInPlaceByRenameAndThroughSymlinksUnderAStreamOfWebhooksLoseNoneAndNeverMixRevisions() throws Exception {
        String auditQueue = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".live_audit";
        Revision a = Revision.of("A", actions("a_first", null, "a_second", null));
        Revision b = Revision.of("B", actions("b_first", null, "b_audit", auditQueue, "b_third", null));
        Revision c = Revision.of("C", actions("c_only", null));
        Revision d = Revision.of("D", actions("d_first", null, "d_second", null));
        Revision e = Revision.of("E", actions("e_first", null, "e_second", null, "e_third", null, "e_fourth", null));
        Map<String, Revision> byRevision = new HashMap<>();
        for (Revision r : List.of(a, b, c, d, e)) {
            byRevision.put(r.revision(), r);
        }
        assertThat(byRevision).as("five distinct revisions").hasSize(5);

        Path file = dir.resolve("workflows.json");
        Files.writeString(file, a.json());
        try (Broker broker = new Broker();
                RunningWerken werken = start(file, true)) {
            try {
                assertThat(reloader(werken).getRevision()).isEqualTo(a.revision());
                assertThat(reloader(werken).isWatching()).isTrue();

                try (LoadStream stream = new LoadStream(werken.webhookUri("live"), 600, 8)) {
                    stream.start(Duration.ofMillis(25));
                    awaitAccepted(stream, 30);

                    // (a) written in place, naming a queue that does not exist yet.
                    assertThat(broker.queueExists(auditQueue))
                            .as("the new queue before the edit")
                            .isFalse();
                    Files.writeString(file, b.json());
                    awaitInUse(werken, b, stream);
                    assertThat(broker.queueExists(auditQueue))
                            .as("the new queue is declared by the reload")
                            .isTrue();

                    // (b) replaced by a rename in the same directory.
                    Path temporary = dir.resolve(".workflows.json.tmp");
                    Files.writeString(temporary, c.json());
                    Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    awaitInUse(werken, c, stream);

                    // (c) the path becomes a symlink, Kubernetes-style: workflows.json -> ..data/workflows.json,
                    // ..data -> ..v4; the link is renamed over the regular file.
                    Files.createDirectory(dir.resolve("..v4"));
                    Files.writeString(dir.resolve("..v4/workflows.json"), d.json());
                    Files.createSymbolicLink(dir.resolve("..data"), Path.of("..v4"));
                    Files.createSymbolicLink(dir.resolve(".workflows.json.link"), Path.of("..data/workflows.json"));
                    Files.move(
                            dir.resolve(".workflows.json.link"),
                            file,
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                    assertThat(Files.isSymbolicLink(file)).isTrue();
                    awaitInUse(werken, d, stream);

                    // (d) the ConfigMap update: ..data swapped to ..v5 by a rename; the path itself is untouched.
                    Files.createDirectory(dir.resolve("..v5"));
                    Files.writeString(dir.resolve("..v5/workflows.json"), e.json());
                    Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..v5"));
                    Files.move(
                            dir.resolve("..data_tmp"),
                            dir.resolve("..data"),
                            StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                    awaitInUse(werken, e, stream);

                    assertThat(stream.sent())
                            .as("the stream still running after the last edit")
                            .isLessThan(600);
                    List<LoadStream.Outcome> outcomes = stream.awaitAll(Duration.ofSeconds(120));

                    assertThat(outcomes).hasSize(600);
                    assertThat(outcomes)
                            .as("every webhook of the stream accepted")
                            .allSatisfy(o -> assertThat(o.status())
                                    .as(String.valueOf(o.failure()))
                                    .isEqualTo(202));
                    Set<String> accepted =
                            outcomes.stream().map(LoadStream.Outcome::eventId).collect(Collectors.toSet());
                    assertThat(accepted).doesNotContainNull().hasSize(600);

                    // Every action of every accepted event, from both queues, with the queue it arrived on.
                    Map<String, List<Delivered>> byEvent = new HashMap<>();
                    await().atMost(Duration.ofSeconds(90))
                            .pollInterval(Duration.ofMillis(250))
                            .until(() -> {
                                collect(broker, werken.actionsQueue, byEvent);
                                collect(broker, auditQueue, byEvent);
                                return accepted.stream()
                                        .allMatch(id -> byEvent.containsKey(id)
                                                && byEvent.get(id).size()
                                                        == byEvent.get(id)
                                                                .get(0)
                                                                .message()
                                                                .get("count")
                                                                .asInt());
                            });
                    assertThat(byEvent.keySet())
                            .as("actions only for accepted events")
                            .isEqualTo(accepted);

                    Map<String, Integer> eventsPerRevision = new HashMap<>();
                    int auditActions = 0;
                    for (Map.Entry<String, List<Delivered>> event : byEvent.entrySet()) {
                        List<Delivered> delivered = event.getValue();
                        Set<String> revisions = delivered.stream()
                                .map(m -> m.message().get("workflow_revision").asText())
                                .collect(Collectors.toSet());
                        assertThat(revisions)
                                .as("revisions of event %s's actions", event.getKey())
                                .hasSize(1);
                        String revision = revisions.iterator().next();
                        assertThat(byRevision)
                                .as("event %s's revision", event.getKey())
                                .containsKey(revision);
                        Revision definition = byRevision.get(revision);
                        eventsPerRevision.merge(definition.name(), 1, Integer::sum);

                        List<Delivered> inOrder = delivered.stream()
                                .sorted(java.util.Comparator.comparingInt(
                                        m -> m.message().get("index").asInt()))
                                .toList();
                        assertThat(inOrder)
                                .extracting(m -> m.message().get("index").asInt())
                                .as("indexes of event %s (revision %s)", event.getKey(), definition.name())
                                .containsExactlyElementsOf(
                                        IntStream.range(0, definition.types().size())
                                                .boxed()
                                                .toList());
                        assertThat(inOrder)
                                .extracting(m -> m.message().get("type").asText())
                                .as("types of event %s (revision %s)", event.getKey(), definition.name())
                                .containsExactlyElementsOf(definition.types());
                        assertThat(inOrder)
                                .extracting(m -> m.message().get("count").asInt())
                                .containsOnly(definition.types().size());
                        for (Delivered m : inOrder) {
                            String type = m.message().get("type").asText();
                            assertThat(m.queue())
                                    .as("queue of %s", type)
                                    .isEqualTo(definition.queues().getOrDefault(type, werken.actionsQueue));
                            assertThat(m.message().get("action_id").asText())
                                    .isEqualTo(event.getKey() + ":"
                                            + m.message().get("index").asInt());
                            if (m.queue().equals(auditQueue)) {
                                auditActions++;
                            }
                        }
                    }
                    assertThat(eventsPerRevision)
                            .as("events per revision: every edit happened mid-stream")
                            .containsOnlyKeys("A", "B", "C", "D", "E")
                            .allSatisfy((name, count) -> assertThat(count).isPositive());
                    assertThat(auditActions)
                            .as("the new queue holds exactly the revision-B events' audit actions")
                            .isEqualTo(eventsPerRevision.get("B"));
                    assertThat(broker.depth(werken.deadLetterQueue))
                            .as("dead letters")
                            .isZero();
                    assertThat(broker.depth(werken.receivedQueue)).isZero();
                    assertThat(reloader(werken).getReloadsSucceeded()).isEqualTo(4);
                }
            } finally {
                broker.delete(auditQueue);
            }
        }
    }

    /** An action message and the queue it was taken from. */
    private record Delivered(String queue, JsonNode message) {}

    private static void collect(Broker broker, String queue, Map<String, List<Delivered>> byEvent) throws Exception {
        for (GetResponse m : broker.drain(queue)) {
            JsonNode message = JSON.readTree(m.getBody());
            byEvent.computeIfAbsent(message.get("event_id").asText(), k -> new ArrayList<>())
                    .add(new Delivered(queue, message));
        }
    }

    private static void awaitAccepted(LoadStream stream, long count) {
        await().atMost(WAIT).until(() -> stream.accepted() >= count);
    }

    /** Waits for the revision to be in use, then for enough webhooks to be accepted under it before the next edit. */
    private static void awaitInUse(RunningWerken werken, Revision revision, LoadStream stream) {
        await().atMost(WAIT).until(() -> reloader(werken).getRevision().equals(revision.revision()));
        long before = stream.accepted();
        // At most 8 in flight were validated before the swap: 20 more accepted leaves a dozen under this revision.
        awaitAccepted(stream, before + 20);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static final String VALID = """
            {
              "live": {"actions": [{"type": "a_first"}, {"type": "a_second", "params": {"n": "{{ payload.n }}"}}]},
              "other": {"actions": [{"type": "log_evento"}]}
            }
            """;

    private static final String INVALID = """
            {
              "live": {"actions": [
                {"type": "x_first", "when": "payload.n =="},
                {"type": "x_second", "wehn": "true"}
              ]},
              "other": {"payload_schema": {"type": 5}, "actions": [{"type": "log_evento"}]}
            }
            """;

    private static final Set<String> INVALID_POINTERS =
            Set.of("/live/actions/0/when", "/live/actions/1", "/other/payload_schema/type");

    private static final String FIXED = """
            {
              "live": {"actions": [{"type": "f_only"}]},
              "other": {"actions": [{"type": "log_evento"}]},
              "extra": {"actions": [{"type": "log_evento"}]}
            }
            """;

    @Test
    void anInvalidEditChangesNothingAndIsReportedEverywhere() throws Exception {
        Path file = dir.resolve("workflows.json");
        Files.writeString(file, VALID);
        String valid = revisionOf(VALID);
        String invalid = revisionOf(INVALID);
        try (Broker broker = new Broker();
                RunningWerken werken = start(file, true)) {
            WorkflowReloader reloader = reloader(werken);
            assertThat(reloader.getRevision()).isEqualTo(valid);
            assertThat(jmx("LastReloadOutcome")).isEqualTo("");

            Files.writeString(file, INVALID);
            await().atMost(WAIT)
                    .until(() -> reloader.lastResult() != null
                            && invalid.equals(reloader.lastResult().refused()));

            assertThat(reloader.lastResult().outcome()).isEqualTo(WorkflowReloader.Outcome.INVALID);
            assertThat(reloader.getRevision()).as("the revision in use").isEqualTo(valid);
            HttpResponse<String> webhook = werken.post("live", "application/json", "{\"n\": 7}".getBytes());
            assertThat(webhook.statusCode()).as(webhook.body()).isEqualTo(202);
            List<JsonNode> actions = messages(broker.take(werken.actionsQueue, 2, WAIT));
            assertThat(actions).extracting(m -> m.get("type").asText()).containsExactly("a_first", "a_second");
            assertThat(actions)
                    .extracting(m -> m.get("workflow_revision").asText())
                    .containsOnly(valid);
            assertThat(actions.get(1).get("params").get("n").asInt()).isEqualTo(7);

            JsonNode check = workflowsHealth(werken);
            assertThat(check.get("status").asText()).as(check.toString()).isEqualTo("UP");
            JsonNode details = check.get("data");
            assertThat(details).as(check.toString()).isNotNull();
            assertThat(details.get("revision").asText()).isEqualTo(valid);
            assertThat(details.get("last_reload").asText()).isEqualTo("invalid");
            assertThat(details.get("last_reload_problems").asText()).contains(INVALID_POINTERS);
            assertThat(overallHealth(werken)).isEqualTo("UP");

            assertThat(jmx("LastReloadOutcome")).isEqualTo("INVALID");
            assertThat(jmx("Revision")).isEqualTo(valid);
            assertThat((String) jmx("LastReloadProblems")).contains(INVALID_POINTERS);
            assertThat((Long) jmx("ReloadsFailed")).isPositive();
            assertThat((Long) jmx("ReloadsSucceeded")).isZero();

            double invalidBefore = metric(werken, "werken_workflow_reloads_total", "result=\"invalid\"");
            assertThat(invalidBefore).as("invalid reloads counted").isPositive();
            assertThat(metric(werken, "werken_workflow_revision", "revision=\"" + valid + "\""))
                    .isEqualTo(1.0);

            HttpResponse<String> refused = postReload(werken);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
            assertThat(refused.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
            JsonNode problem = JSON.readTree(refused.body());
            assertThat(problem.get("type").asText()).endsWith("workflows-invalid");
            assertThat(problem.get("detail").asText()).contains(valid);
            assertThat(StreamSupport.stream(problem.get("errors").spliterator(), false)
                            .map(error -> error.get("pointer").asText())
                            .collect(Collectors.toSet()))
                    .as(refused.body())
                    .isEqualTo(INVALID_POINTERS);
            assertThat(problem.get("errors"))
                    .allSatisfy(
                            error -> assertThat(error.get("message").asText()).isNotBlank());
            assertThat(metric(werken, "werken_workflow_reloads_total", "result=\"invalid\""))
                    .isEqualTo(invalidBefore + 1);
            assertThat(reloader.getRevision()).isEqualTo(valid);

            // Fixed by a rename: the watcher puts it in use; asked again, there is nothing to do.
            Path temporary = dir.resolve(".workflows.json.tmp");
            Files.writeString(temporary, FIXED);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            String fixed = revisionOf(FIXED);
            await().atMost(WAIT).until(() -> reloader.getRevision().equals(fixed));
            assertThat(reloader.lastResult().added()).containsExactly("extra");
            assertThat(reloader.lastResult().changed()).containsExactly("live");
            assertThat(reloader.lastResult().removed()).isEmpty();
            assertThat(jmx("LastReloadOutcome")).isEqualTo("RELOADED");
            assertThat(workflowsHealth(werken).get("data").has("last_reload_problems"))
                    .isFalse();

            Object answer = ManagementFactory.getPlatformMBeanServer()
                    .invoke(new ObjectName(RELOADER_MBEAN), "reload", new Object[0], new String[0]);
            assertThat((String) answer).isEqualTo("Unchanged: revision " + fixed);
            assertThat(jmx("LastReloadOutcome")).isEqualTo("UNCHANGED");
            assertThat(metric(werken, "werken_workflow_reloads_total", "result=\"unchanged\""))
                    .isEqualTo(1.0);
            assertThat(metric(werken, "werken_workflow_revision", "revision=\"" + fixed + "\""))
                    .isEqualTo(1.0);
            assertThat(metric(werken, "werken_workflow_revision", "revision=\"" + valid + "\""))
                    .as("the old revision's series is gone")
                    .isNaN();

            webhook = werken.post("live", "application/json", "{}".getBytes());
            assertThat(webhook.statusCode()).isEqualTo(202);
            JsonNode only = messages(broker.take(werken.actionsQueue, 1, WAIT)).get(0);
            assertThat(only.get("type").asText()).isEqualTo("f_only");
            assertThat(only.get("workflow_revision").asText()).isEqualTo(fixed);
            assertThat(broker.depth(werken.deadLetterQueue)).isZero();
        }
    }

    @Test
    void postWorkflowsReloadSaysWhatChangedWhenTheFileIsNotWatched() throws Exception {
        Path file = dir.resolve("workflows.json");
        Files.writeString(file, VALID);
        String valid = revisionOf(VALID);
        String next = """
                {
                  "live": {"actions": [{"type": "n_first"}, {"type": "n_second"}, {"type": "n_third"}]},
                  "extra": {"actions": [{"type": "log_evento"}]}
                }
                """;
        try (Broker broker = new Broker();
                RunningWerken werken = start(file, false)) {
            WorkflowReloader reloader = reloader(werken);
            assertThat(reloader.isWatching()).isFalse();
            Files.writeString(file, next);
            assertThat(werken.post("other", "application/json", "{}".getBytes()).statusCode())
                    .as("not watched: the old revision serves until asked")
                    .isEqualTo(202);
            assertThat(reloader.getRevision()).isEqualTo(valid);
            broker.take(werken.actionsQueue, 1, WAIT);

            HttpResponse<String> reloaded = postReload(werken);
            assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
            assertThat(JSON.readTree(reloaded.body())).isEqualTo(JSON.readTree("""
                    {"outcome": "reloaded", "revision": "%s", "previous_revision": "%s", "added": ["extra"],
                     "removed": ["other"], "changed": ["live"], "workflows": 2}""".formatted(revisionOf(next), valid)));
            assertThat(werken.post("other", "application/json", "{}".getBytes()).statusCode())
                    .isEqualTo(404);
            assertThat(werken.post("extra", "application/json", "{}".getBytes()).statusCode())
                    .isEqualTo(202);
            assertThat(werken.post("live", "application/json", "{}".getBytes()).statusCode())
                    .isEqualTo(202);
            List<JsonNode> actions = messages(broker.take(werken.actionsQueue, 4, WAIT));
            assertThat(actions)
                    .extracting(m -> m.get("workflow_revision").asText())
                    .containsOnly(revisionOf(next));
            assertThat(actions)
                    .extracting(m -> m.get("type").asText())
                    .containsExactlyInAnyOrder("log_evento", "n_first", "n_second", "n_third");

            HttpResponse<String> again = postReload(werken);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(again.body())).isEqualTo(JSON.readTree("""
                    {"outcome": "unchanged", "revision": "%1$s", "previous_revision": "%1$s", "added": [],
                     "removed": [], "changed": [], "workflows": 2}""".formatted(revisionOf(next))));
            assertThat(werken.send(HttpRequest.newBuilder(management(werken, "/workflows/reload"))
                                    .GET())
                            .statusCode())
                    .as("GET shows a workflow named reload: there is none")
                    .isEqualTo(404);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    @Test
    void aReloadsSchemaHeadersSignatureAndRemovalsApplyToTheVeryNextWebhook() throws Exception {
        Path file = dir.resolve("workflows.json");
        String plain = """
                {"orders": {"actions": [{"type": "log_order"}]},
                 "gone": {"actions": [{"type": "log_gone"}]}}
                """;
        Files.writeString(file, plain);
        try (Broker broker = new Broker();
                RunningWerken werken = start(file, true)) {
            assertThat(post(werken, "orders", "{}", Map.of()).statusCode()).isEqualTo(202);
            JsonNode before =
                    messages(broker.take(werken.actionsQueue, 1, WAIT)).get(0);
            assertThat(before.get("workflow_revision").asText()).isEqualTo(revisionOf(plain));

            // A payload schema: the next webhook without order_id is refused, one with it accepted.
            String schema = """
                    {"orders": {"payload_schema": {"type": "object", "required": ["order_id"]},
                                "actions": [{"type": "log_order"}]},
                     "gone": {"actions": [{"type": "log_gone"}]}}
                    """;
            reloadTo(werken, file, schema);
            HttpResponse<String> noId = post(werken, "orders", "{}", Map.of());
            assertThat(noId.statusCode()).as(noId.body()).isEqualTo(422);
            assertThat(noId.body()).contains("order_id");
            assertThat(post(werken, "orders", "{\"order_id\": 1}", Map.of()).statusCode())
                    .isEqualTo(202);
            JsonNode withId =
                    messages(broker.take(werken.actionsQueue, 1, WAIT)).get(0);
            assertThat(withId.get("workflow_revision").asText()).isEqualTo(revisionOf(schema));
            assertThat(withId.get("payload")).isEqualTo(JSON.readTree("{\"order_id\": 1}"));
            assertThat(withId.path("headers").size())
                    .as("no headers listed yet")
                    .isZero();

            // Headers: the next event carries x-tenant.
            String headers = """
                    {"orders": {"headers": ["x-tenant"], "payload_schema": {"type": "object", "required": ["order_id"]},
                                "actions": [{"type": "log_order", "params": {"tenant": "{{ headers['x-tenant'] }}"}}]},
                     "gone": {"actions": [{"type": "log_gone"}]}}
                    """;
            reloadTo(werken, file, headers);
            HttpResponse<String> tenant = post(werken, "orders", "{\"order_id\": 2}", Map.of("X-Tenant", "acme"));
            assertThat(tenant.statusCode()).as(tenant.body()).isEqualTo(202);
            JsonNode withTenant =
                    messages(broker.take(werken.actionsQueue, 1, WAIT)).get(0);
            assertThat(withTenant.get("workflow_revision").asText()).isEqualTo(revisionOf(headers));
            assertThat(withTenant.get("headers")).isEqualTo(JSON.readTree("{\"x-tenant\": \"acme\"}"));
            assertThat(withTenant.get("params")).isEqualTo(JSON.readTree("{\"tenant\": \"acme\"}"));

            // A signature check with a file secret: unsigned is 401, signed 202.
            String verified = """
                    {"orders": {"headers": ["x-tenant"], "payload_schema": {"type": "object", "required": ["order_id"]},
                                "verify": {"scheme": "github", "secrets": ["file:%s"]},
                                "actions": [{"type": "log_order", "params": {"tenant": "{{ headers['x-tenant'] }}"}}]},
                     "gone": {"actions": [{"type": "log_gone"}]}}
                    """.formatted(GITHUB_SECRET);
            reloadTo(werken, file, verified);
            String body = "{\"order_id\": 3}";
            HttpResponse<String> unsigned = post(werken, "orders", body, Map.of("X-Tenant", "acme"));
            assertThat(unsigned.statusCode()).as(unsigned.body()).isEqualTo(401);
            HttpResponse<String> signed = post(
                    werken,
                    "orders",
                    body,
                    Map.of("X-Tenant", "acme", "X-Hub-Signature-256", "sha256=" + githubSignature(body)));
            assertThat(signed.statusCode()).as(signed.body()).isEqualTo(202);
            JsonNode signedAction =
                    messages(broker.take(werken.actionsQueue, 1, WAIT)).get(0);
            assertThat(signedAction.get("workflow_revision").asText()).isEqualTo(revisionOf(verified));
            assertThat(signedAction.get("payload")).isEqualTo(JSON.readTree(body));

            // Removing a workflow: an event accepted before, dispatched after, is dead-lettered; webhooks get 404.
            werken.stopDispatch();
            HttpResponse<String> accepted = post(werken, "gone", "{}", Map.of());
            assertThat(accepted.statusCode()).isEqualTo(202);
            String eventId = JSON.readTree(accepted.body()).get("event_id").asText();
            String removed = """
                    {"orders": {"actions": [{"type": "log_order"}]}}
                    """;
            reloadTo(werken, file, removed);
            assertThat(reloader(werken).lastResult().removed()).containsExactly("gone");
            HttpResponse<String> unknown = post(werken, "gone", "{}", Map.of());
            assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);
            assertThat(post(werken, "orders", "{}", Map.of()).statusCode())
                    .as("no schema any more")
                    .isEqualTo(202);
            werken.startDispatch();

            GetResponse dead = broker.take(werken.deadLetterQueue, 1, WAIT).get(0);
            assertThat(JSON.readTree(dead.getBody()).get("event_id").asText()).isEqualTo(eventId);
            assertThat(String.valueOf(dead.getProps().getHeaders().get("x-werken-dead-letter-reason")))
                    .contains("'gone'")
                    .contains(revisionOf(removed));
            List<JsonNode> after = messages(broker.take(werken.actionsQueue, 1, WAIT));
            assertThat(after).extracting(m -> m.get("type").asText()).containsExactly("log_order");
            assertThat(after.get(0).get("workflow_revision").asText()).isEqualTo(revisionOf(removed));
            await().atMost(WAIT).until(() -> broker.depth(werken.receivedQueue) == 0);
            assertThat(broker.depth(werken.actionsQueue))
                    .as("no action for the dead-lettered event")
                    .isZero();
            assertThat(broker.depth(werken.deadLetterQueue)).isZero();
        }
    }

    private static void reloadTo(RunningWerken werken, Path file, String content) throws Exception {
        Files.writeString(file, content);
        String revision = revisionOf(content);
        await().atMost(WAIT).until(() -> reloader(werken).getRevision().equals(revision));
    }

    private static String githubSignature(String body) throws Exception {
        String secret = Files.readString(GITHUB_SECRET);
        if (secret.endsWith("\n")) {
            secret = secret.substring(0, secret.length() - 1);
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static RunningWerken start(Path file, boolean watch) throws Exception {
        return RunningWerken.start(Map.of(
                "werken.workflows",
                "file:" + file,
                "werken.workflows.watch",
                Boolean.toString(watch),
                "werken.workflows.poll-interval-ms",
                "300"));
    }

    private static WorkflowReloader reloader(RunningWerken werken) {
        return werken.context().getRegistry().lookupByNameAndType("workflowReloader", WorkflowReloader.class);
    }

    private static String revisionOf(String content) {
        return WorkflowCatalog.revisionOf(content.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> post(
            RunningWerken werken, String workflow, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(werken.webhookUri(workflow))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return werken.send(request);
    }

    private static List<JsonNode> messages(List<GetResponse> responses) throws Exception {
        List<JsonNode> messages = new ArrayList<>();
        for (GetResponse response : responses) {
            messages.add(JSON.readTree(response.getBody()));
        }
        return messages;
    }

    private static URI management(RunningWerken werken, String path) {
        return URI.create("http://127.0.0.1:" + werken.managementPort + path);
    }

    private static HttpResponse<String> postReload(RunningWerken werken) throws Exception {
        return werken.send(HttpRequest.newBuilder(management(werken, "/workflows/reload"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static JsonNode healthReport(RunningWerken werken) throws Exception {
        HttpResponse<String> health =
                werken.send(HttpRequest.newBuilder(management(werken, "/observe/health?exposureLevel=full&data=true"))
                        .GET());
        return JSON.readTree(health.body());
    }

    private static String overallHealth(RunningWerken werken) throws Exception {
        return healthReport(werken).get("status").asText();
    }

    /** The werken/workflows check of the full health report. */
    private static JsonNode workflowsHealth(RunningWerken werken) throws Exception {
        JsonNode report = healthReport(werken);
        for (JsonNode check : report.get("checks")) {
            if ("workflows".equals(check.path("name").asText())
                    || "werken/workflows".equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no werken/workflows check in " + report);
    }

    /** The value of the sample {@code name{...label...}} at /observe/metrics, or NaN when there is none. */
    private static double metric(RunningWerken werken, String name, String label) throws Exception {
        HttpResponse<String> metrics = werken.send(
                HttpRequest.newBuilder(management(werken, "/observe/metrics")).GET());
        return metrics.body()
                .lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(Double.NaN);
    }

    private static Object jmx(String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            return server.getAttribute(new ObjectName(RELOADER_MBEAN), attribute);
        } catch (javax.management.InstanceNotFoundException e) {
            throw new AssertionError(
                    "no " + RELOADER_MBEAN + " among " + server.queryNames(new ObjectName("org.apache.camel:*"), null),
                    e);
        }
    }
}
