package io.werken.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
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
 * The journal's endpoints on the management port, on the real broker and a PostgreSQL database of the test's own:
 * the listing and its filters, search in CEL, an event's page, replays (one, on either revision, and in bulk), and the
 * impact of a workflow draft on stored events.
 */
class JournalEndpointsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static Postgres postgres;
    static RunningWerken werken;
    static Path workflows;
    static String bigOrders;

    static String file(String notifyParam) {
        return """
                {
                  "shop": {"actions": [
                    {"type": "notify", "params": {"to": "{{ payload.customer }}", "note": "%s"}},
                    {"type": "big_order", "when": "payload.total > 100", "queue": "%s",
                     "params": {"total": "{{ payload.total }}"}}
                  ]},
                  "private": {"journal": "metadata", "actions": [{"type": "keep", "params": {"a": "{{ payload.a }}"}}]},
                  "quiet": {"journal": "off", "actions": [{"type": "hush"}]}
                }
                """.formatted(notifyParam, bigOrders);
    }

    @BeforeAll
    static void start() throws Exception {
        bigOrders = "it-" + UUID.randomUUID().toString().substring(0, 8) + ".big_orders";
        workflows = dir.resolve("workflows.json");
        Files.writeString(workflows, file("v1"));
        postgres = Postgres.shared();
        werken = RunningWerken.start(Map.of(
                "werken.workflows",
                workflows.toString(),
                "werken.journal.url",
                postgres.createDatabase(),
                "werken.journal.user",
                Postgres.USER,
                "werken.journal.replay-rate",
                "200"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (werken != null) {
            werken.close();
        }
        try (Broker broker = new Broker()) {
            broker.delete(bigOrders);
        }
        postgres.close();
    }

    private static String accept(String workflow, String body) throws Exception {
        HttpResponse<String> response =
                werken.post(workflow, "application/json", body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return JSON.readTree(response.body()).get("event_id").asText();
    }

    private static HttpResponse<String> management(String method, String pathAndQuery, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + werken.managementPort + pathAndQuery))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        return werken.send(request);
    }

    private static JsonNode get(String pathAndQuery) throws Exception {
        HttpResponse<String> response = management("GET", pathAndQuery, null);
        assertThat(response.statusCode())
                .as(pathAndQuery + " " + response.body())
                .isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode journaled(String eventId) throws Exception {
        await().atMost(WAIT)
                .until(() -> management("GET", "/events/" + eventId, null).statusCode() == 200);
        return get("/events/" + eventId);
    }

    private static String q(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("events").forEach(e -> ids.add(e.get("event_id").asText()));
        return ids;
    }

    @Test
    void withTheJournalOffNothingIsRecordedAndItsEndpointsSaySo() throws Exception {
        try (RunningWerken off = RunningWerken.start(Map.of("werken.journal.mode", "off"));
                Broker broker = new Broker()) {
            HttpResponse<String> accepted =
                    off.post("mi-workflow", "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(accepted.statusCode()).isEqualTo(202);
            for (String path : List.of("/events", "/events/x", "/replays/x")) {
                HttpResponse<String> response =
                        off.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + off.managementPort + path))
                                .GET());
                assertThat(response.statusCode()).as(path).isEqualTo(404);
                assertThat(response.body())
                        .contains("urn:werken:problem:journal-off")
                        .contains("WERKEN_JOURNAL");
            }
            await().atMost(WAIT).until(() -> broker.depth(off.actionsQueue) == 2);
            assertThat(broker.queueExists(off.journalQueue))
                    .as("no journal queue is declared")
                    .isFalse();
        }
    }

    @Test
    void anEventsPageShowsWhatWasRecordedItsDefinitionAndItsActions() throws Exception {
        String body = "{ \"customer\" : \"ana\",\n  \"total\": 250.0 }";
        String id = accept("shop", body);

        JsonNode detail = journaled(id);
        JsonNode event = detail.get("event");
        assertThat(event.get("event_id").asText()).isEqualTo(id);
        assertThat(event.get("workflow_id").asText()).isEqualTo("shop");
        assertThat(event.get("outcome").asText()).isEqualTo("dispatched");
        assertThat(event.get("payload").get("customer").asText()).isEqualTo("ana");
        assertThat(event.get("actions")).hasSize(2);
        assertThat(event.get("actions").get(0).get("params").get("to").asText()).isEqualTo("ana");
        assertThat(event.get("actions").get(1).get("queue").asText()).isEqualTo(bigOrders);
        assertThat(event.get("actions_published").asInt()).isEqualTo(2);
        assertThat(detail.get("definition").get("actions")).hasSize(2);
        assertThat(detail.get("replays")).isEmpty();
    }

    @Test
    void eventsDispatchedTogetherShareAPackThatGoesStraightToPostgreSQLAndEachIsJournaledWithItsPayload()
            throws Exception {
        double[] before = recordsPerMessage();
        double straightBefore = metric("werken_journal_records_total{path=\"database\"}");
        double queuedBefore = metric("werken_journal_records_total{path=\"queue\"}");
        // Sixty events waiting when dispatch starts: dispatched together, their records go several to a pack.
        werken.stopDispatch();
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 60; i++) {
                ids.add(accept("shop", "{\"customer\":\"packed-" + i + "\",\"total\":1}"));
            }
        } finally {
            werken.startDispatch();
        }
        for (int i = 0; i < ids.size(); i++) {
            JsonNode event = journaled(ids.get(i)).get("event");
            assertThat(event.path("outcome").asText()).isEqualTo("dispatched");
            assertThat(event.path("payload").path("customer").asText()).isEqualTo("packed-" + i);
        }
        double[] after = recordsPerMessage();
        assertThat(after[1] - before[1])
                .as("records journaled, against %s packs", after[0] - before[0])
                .isGreaterThanOrEqualTo(60)
                .isGreaterThan(after[0] - before[0]);
        // PostgreSQL answering, none went through the journal queue (design record 13).
        assertThat(metric("werken_journal_records_total{path=\"database\"}") - straightBefore)
                .isGreaterThanOrEqualTo(60);
        assertThat(metric("werken_journal_records_total{path=\"queue\"}") - queuedBefore)
                .isZero();
    }

    /** {@code werken_journal_records_per_message}: its count (packs) and sum (records). */
    private static double[] recordsPerMessage() throws Exception {
        return new double[] {
            metric("werken_journal_records_per_message_count"), metric("werken_journal_records_per_message_sum")
        };
    }

    /** One series of the scrape, by its name and labels as the scrape writes them; 0 if absent. */
    private static double metric(String series) throws Exception {
        String scrape = management("GET", "/observe/metrics", null).body();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    @Test
    void anUnknownEventIsA404Problem() throws Exception {
        HttpResponse<String> response = management("GET", "/events/no-such-event", null);
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void theListingFiltersAndPagesNewestFirst() throws Exception {
        String small = accept("shop", "{\"customer\":\"bo\",\"total\":5}");
        String big = accept("shop", "{\"customer\":\"cy\",\"total\":500}");
        journaled(small);
        journaled(big);

        assertThat(ids(get("/events?workflow=shop&action_type=big_order&limit=500")))
                .contains(big)
                .doesNotContain(small);
        assertThat(ids(get("/events?queue=" + q(bigOrders) + "&limit=500")))
                .contains(big)
                .doesNotContain(small);

        // Keyset pages of one: the next page never repeats an event, and the order is newest first.
        JsonNode first = get("/events?workflow=shop&limit=1");
        JsonNode second = get("/events?workflow=shop&limit=1&cursor="
                + q(first.get("next_cursor").asText()));
        assertThat(ids(first)).hasSize(1);
        assertThat(ids(second)).hasSize(1).doesNotContainAnyElementsOf(ids(first));
        assertThat(first.get("events").get(0).get("received_at").asText())
                .isGreaterThanOrEqualTo(
                        second.get("events").get(0).get("received_at").asText());

        HttpResponse<String> bad = management("GET", "/events?since=yesterday", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("RFC 3339");
    }

    @Test
    void whereSearchesInTheWorkflowLanguage() throws Exception {
        String dee = accept("shop", "{\"customer\":\"dee\",\"total\":7}");
        journaled(dee);

        JsonNode found = get("/events?where=" + q("payload.customer == 'dee'"));
        assertThat(ids(found)).containsExactly(dee);

        HttpResponse<String> bad = management("GET", "/events?where=" + q("payload.customer =="), null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void metadataKeepsNoPayloadAndOffKeepsNothing() throws Exception {
        String kept = accept("private", "{\"a\":\"secret\"}");
        String hushed = accept("quiet", "{}");
        JsonNode detail = journaled(kept);
        assertThat(detail.get("event").has("payload")).isFalse();
        assertThat(detail.get("event").get("journal").asText()).isEqualTo("metadata");
        assertThat(detail.get("event").get("actions").get(0).has("params")).isFalse();
        assertThat(ids(get("/events?where=" + q("payload.a == 'secret'") + "&workflow=private")))
                .isEmpty();
        // The off workflow's event was dispatched (after the metadata one), but never journaled.
        assertThat(management("GET", "/events/" + hushed, null).statusCode()).isEqualTo(404);
    }

    @Test
    void theCommandLineSearchesTheJournalAndReplaysThroughTheManagementApi() throws Exception {
        String original = accept("shop", "{\"customer\":\"gus\",\"total\":3}");
        journaled(original);
        Map<String, String> env = Map.of("WERKEN_MANAGEMENT_PORT", Integer.toString(werken.managementPort));

        Map.Entry<Integer, String> events =
                WerkenProcess.command(env, "events", "--workflow", "shop", "--where", "payload.customer == 'gus'");

        assertThat(events.getKey()).as(events.getValue()).isZero();
        List<String> lines = events.getValue().lines().toList();
        assertThat(lines.get(0)).startsWith("EVENT_ID").contains("WORKFLOW", "OUTCOME", "ACTIONS");
        assertThat(lines.get(1)).startsWith(original + "  ").contains("  shop  ", "  dispatched  ");
        assertThat(lines.get(2)).startsWith("1 event, ");

        Map.Entry<Integer, String> replay = WerkenProcess.command(env, "replay", original);

        assertThat(replay.getKey()).as(replay.getValue()).isZero();
        assertThat(replay.getValue())
                .startsWith("Replaying event_id=" + original + " (workflow shop, current revision) " + "as event_id=");
        String replayId =
                replay.getValue().strip().substring(replay.getValue().strip().lastIndexOf('=') + 1);
        assertThat(journaled(replayId).get("event").get("replay_of").asText()).isEqualTo(original);

        Map.Entry<Integer, String> unknown = WerkenProcess.command(env, "replay", "no-such-event");
        assertThat(unknown.getKey()).as(unknown.getValue()).isEqualTo(1);
        assertThat(unknown.getValue())
                .startsWith("replay: POST http://127.0.0.1:" + werken.managementPort
                        + "/events/no-such-event/replay: 404 ");
    }

    @Test
    void aReplayIsANewEventThatNamesTheOriginalOnEveryAction() throws Exception {
        String original = accept("shop", "{\"customer\":\"eve\",\"total\":1}");
        journaled(original);

        HttpResponse<String> response = management("POST", "/events/" + original + "/replay", null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String replay = JSON.readTree(response.body()).get("event_id").asText();
        assertThat(replay).isNotEqualTo(original);

        JsonNode detail = journaled(replay);
        assertThat(detail.get("event").get("replay_of").asText()).isEqualTo(original);
        assertThat(detail.get("replay_of").get("event_id").asText()).isEqualTo(original);
        await().atMost(WAIT)
                .until(() -> get("/events/" + original).get("replays").size() == 1);
        assertThat(ids(get("/events?replay_of=" + original))).containsExactly(replay);
    }

    @Test
    void aReplayOnItsOriginalRevisionUsesTheDefinitionThatDispatchedIt() throws Exception {
        String original = accept("shop", "{\"customer\":\"fay\",\"total\":2}");
        JsonNode before = journaled(original);
        assertThat(before.get("event")
                        .get("actions")
                        .get(0)
                        .get("params")
                        .get("note")
                        .asText())
                .isEqualTo("v1");

        Files.writeString(workflows, file("v2"));
        assertThat(management("POST", "/workflows/reload", null).statusCode()).isEqualTo(200);

        String current = JSON.readTree(management("POST", "/events/" + original + "/replay?revision=current", null)
                        .body())
                .get("event_id")
                .asText();
        String pinned = JSON.readTree(management("POST", "/events/" + original + "/replay?revision=original", null)
                        .body())
                .get("event_id")
                .asText();
        assertThat(journaled(current)
                        .get("event")
                        .get("actions")
                        .get(0)
                        .get("params")
                        .get("note")
                        .asText())
                .isEqualTo("v2");
        JsonNode replayed = journaled(pinned).get("event");
        assertThat(replayed.get("actions").get(0).get("params").get("note").asText())
                .isEqualTo("v1");
        assertThat(replayed.get("workflow_revision").asText())
                .isEqualTo(before.get("event").get("workflow_revision").asText());

        Files.writeString(workflows, file("v1"));
        assertThat(management("POST", "/workflows/reload", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aBulkReplayRunsInTheBackgroundUpToItsMax() throws Exception {
        String marker = "bulk-" + UUID.randomUUID();
        List<String> originals = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            originals.add(accept("shop", "{\"customer\":\"" + marker + "\",\"total\":" + i + "}"));
        }
        for (String id : originals) {
            journaled(id);
        }
        String where = q("payload.customer == '" + marker + "'");

        JsonNode dry = JSON.readTree(
                management("POST", "/events/replay?workflow=shop&max=10&dry_run=true&where=" + where, null)
                        .body());
        assertThat(dry.get("would_replay").asInt()).isEqualTo(5);

        HttpResponse<String> missingMax = management("POST", "/events/replay?workflow=shop", null);
        assertThat(missingMax.statusCode()).isEqualTo(400);

        HttpResponse<String> started = management("POST", "/events/replay?workflow=shop&max=3&where=" + where, null);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String replayId = JSON.readTree(started.body()).get("replay_id").asText();
        await().atMost(WAIT)
                .until(() -> get("/replays/" + replayId).get("state").asText().equals("done"));
        assertThat(get("/replays/" + replayId).get("replayed").asInt()).isEqualTo(3);
        await().atMost(WAIT)
                .until(() -> originals.stream()
                                .filter(id -> {
                                    try {
                                        return get("/events/" + id)
                                                        .get("replays")
                                                        .size()
                                                == 1;
                                    } catch (Exception e) {
                                        return false;
                                    }
                                })
                                .count()
                        == 3);
    }

    @Test
    void theImpactOfADraftIsShownPerEventBeforeItIsLoaded() throws Exception {
        String small = accept("shop", "{\"customer\":\"gus\",\"total\":50}");
        String big = accept("shop", "{\"customer\":\"hal\",\"total\":150}");
        journaled(small);
        journaled(big);
        // The draft: big orders only above 100 becomes above 10, and notify's note changes.
        String draft = """
                {"actions": [
                  {"type": "notify", "params": {"to": "{{ payload.customer }}", "note": "draft"}},
                  {"type": "big_order", "when": "payload.total > 10", "queue": "%s",
                   "params": {"total": "{{ payload.total }}"}}
                ]}""".formatted(bigOrders);

        HttpResponse<String> response = management("POST", "/workflows/shop/impact?max=1000", draft);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode report = JSON.readTree(response.body());
        assertThat(report.get("events_compared").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(report.toString()).contains(small);
        assertThat(report.get("events_changed").asInt()).isGreaterThanOrEqualTo(2);

        HttpResponse<String> invalid = management(
                "POST", "/workflows/shop/impact", "{\"actions\": [{\"type\": \"x\", \"when\": \"payload.(\"}]}");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("/actions/0/when");
    }
}
