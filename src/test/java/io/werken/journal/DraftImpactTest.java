package io.werken.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.WerkenJson;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a draft of a workflow would do to stored events, compared action by action with what was published. */
class DraftImpactTest {

    private static final ObjectMapper JSON = WerkenJson.mapper();
    /** How the journal might read stored params back: plain Jackson, 12.50 as a double. */
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private static final String ACTIONS = "required_actions";

    /**
     * The draft of {@code orders}. The stored events below were dispatched by a definition that differed from it
     * only as each event's name says.
     */
    private static final Workflow DRAFT = workflow("""
            {"orders": {"headers": ["x-source"], "actions": [
              {"type": "notify", "params": {"who": "{{ payload.user }}", "amount": "{{ payload.amount }}",
                                            "source": "{{ headers['x-source'] }}"}},
              {"type": "audit", "when": "payload.amount > 1000", "params": {"amount": "{{ payload.amount }}"}},
              {"type": "archive", "queue": "cold", "params": {"id": "{{ payload.id }}"}},
              {"type": "ship", "when": "has(payload.address)", "params": {"to": "{{ payload.address.city }}"}}
            ]}}""");

    private final DraftImpact impact = new DraftImpact(new ActionPlanner(JSON, 262_144), ACTIONS);

    private static Workflow workflow(String file) {
        return WorkflowCatalog.load(
                        "draft",
                        new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)),
                        WorkflowCatalog.Settings.defaults())
                .find("orders")
                .orElseThrow();
    }

    private static JournalRecord stored(
            String id, int second, String outcome, String payload, JournalAction... actions) {
        String at = String.format("2026-12-01T10:%02d:%02dZ", second / 60, second % 60);
        return new JournalRecord(
                id,
                "orders",
                "rev-1",
                at,
                at,
                outcome,
                null,
                null,
                null,
                JournalRecord.FULL,
                payload.getBytes(StandardCharsets.UTF_8),
                Map.of("x-source", "shop", "x-other", "1"),
                List.of(actions));
    }

    private static JournalRecord dispatched(String id, int second, String payload, JournalAction... actions) {
        return stored(id, second, JournalRecord.DISPATCHED, payload, actions);
    }

    private static JournalAction published(int index, String type, String queue, String params) {
        try {
            return new JournalAction(index, type, queue, JournalAction.PUBLISHED, null, PLAIN.readTree(params));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JournalAction skipped(int index, String type, String queue) {
        return new JournalAction(index, type, queue, JournalAction.SKIPPED, null, null);
    }

    private static JournalAction failed(int index, String type, String queue, String reason) {
        return new JournalAction(index, type, queue, JournalAction.FAILED, reason, null);
    }

    /** What the draft itself publishes for {"id": 1, "user": "ada", "amount": 50} (and the x-source header). */
    private static JournalAction[] asTheDraft(int id, String user, String amount) {
        return new JournalAction[] {
            published(
                    0,
                    "notify",
                    ACTIONS,
                    "{\"who\": \"" + user + "\", \"amount\": " + amount + ", \"source\": \"shop\"}"),
            skipped(1, "audit", ACTIONS),
            published(2, "archive", "cold", "{\"id\": " + id + "}"),
            skipped(3, "ship", ACTIONS),
        };
    }

    private static String payload(int id, String user, String amount) {
        return "{\"id\": " + id + ", \"user\": \"" + user + "\", \"amount\": " + amount + "}";
    }

    /** The same JSON, keys in the same order, numbers as written. */
    private static void assertJson(JsonNode actual, String expected) {
        try {
            assertThat(actual.toString()).isEqualTo(JSON.readTree(expected).toString());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The entry of {@code eventId} in the report's events. */
    private static JsonNode event(ObjectNode report, String eventId) {
        for (JsonNode event : report.get("events")) {
            if (event.get("event_id").asText().equals(eventId)) {
                return event;
            }
        }
        throw new AssertionError("no event " + eventId + " in " + report.toPrettyString());
    }

    @Test
    void eachKindOfChangeIsReportedPerEventWithTotals() throws Exception {
        List<JournalRecord> records = List.of(
                dispatched("unchanged", 1, payload(1, "ada", "12.50"), asTheDraft(1, "ada", "12.50")),
                dispatched(
                        "params",
                        2,
                        payload(2, "bob", "60"),
                        published(0, "notify", ACTIONS, "{\"who\": \"Bob\", \"amount\": 60, \"source\": \"shop\"}"),
                        skipped(1, "audit", ACTIONS),
                        published(2, "archive", "cold", "{\"id\": 2}"),
                        skipped(3, "ship", ACTIONS)),
                dispatched(
                        "skipped",
                        3,
                        payload(3, "cy", "500"),
                        published(0, "notify", ACTIONS, "{\"who\": \"cy\", \"amount\": 500, \"source\": \"shop\"}"),
                        published(1, "audit", ACTIONS, "{\"amount\": 500}"),
                        published(2, "archive", "cold", "{\"id\": 3}"),
                        skipped(3, "ship", ACTIONS)),
                dispatched(
                        "queue",
                        4,
                        payload(4, "di", "5"),
                        published(0, "notify", ACTIONS, "{\"who\": \"di\", \"amount\": 5, \"source\": \"shop\"}"),
                        skipped(1, "audit", ACTIONS),
                        published(2, "archive", "warm", "{\"id\": 4}"),
                        skipped(3, "ship", ACTIONS)),
                dispatched(
                        "type",
                        5,
                        payload(5, "ed", "5"),
                        published(0, "notify", ACTIONS, "{\"who\": \"ed\", \"amount\": 5, \"source\": \"shop\"}"),
                        skipped(1, "audit", ACTIONS),
                        published(2, "store", "cold", "{\"id\": 5}"),
                        skipped(3, "ship", ACTIONS)),
                dispatched(
                        "removed",
                        6,
                        payload(6, "fay", "5"),
                        append(asTheDraft(6, "fay", "5"), published(4, "legacy", "old_actions", "{\"v\": 1}"))),
                dispatched(
                        "added",
                        7,
                        "{\"id\": 7, \"user\": \"gus\", \"amount\": 5, \"address\": {\"city\": \"Paris\"}}",
                        asTheDraft(7, "gus", "5")),
                dispatched(
                        "failing",
                        8,
                        "{\"id\": 8, \"amount\": 5}",
                        published(0, "notify", ACTIONS, "{\"who\": null, \"amount\": 5, \"source\": \"shop\"}"),
                        skipped(1, "audit", ACTIONS),
                        published(2, "archive", "cold", "{\"id\": 8}"),
                        skipped(3, "ship", ACTIONS)));

        ObjectNode report = impact.run(DRAFT, new InMemoryJournal(records), EventQuery.all(), 100);

        assertThat(report.get("workflow_id").asText()).isEqualTo("orders");
        assertThat(report.get("events_compared").asInt()).isEqualTo(8);
        assertThat(report.get("events_changed").asInt()).isEqualTo(7);
        assertThat(report.get("events_unchanged").asInt()).isEqualTo(1);
        assertThat(report.get("not_comparable").asInt()).isZero();
        assertJson(report.get("totals"), """
                {"added": 1, "removed": 1, "now_skipped": 1, "now_failing": 1, "params_changed": 1,
                 "type_changed": 1, "queue_changed": 1}""");
        assertThat(report.get("events"))
                .extracting(e -> e.get("event_id").asText())
                .as("newest first, unchanged left out")
                .containsExactly("failing", "added", "removed", "type", "queue", "skipped", "params");
        assertThat(report.get("stopped_at_max").asBoolean()).isFalse();
        assertThat(report.get("next_cursor").isNull()).isTrue();

        assertJson(event(report, "params"), """
                {"event_id": "params", "received_at": "2026-12-01T10:00:02Z", "outcome_before": "dispatched",
                 "outcome_after": "dispatched", "changes": [
                   {"index": 0, "kind": "params_changed", "type": "notify", "queue": "required_actions",
                    "before": {"who": "Bob", "amount": 60, "source": "shop"},
                    "after": {"who": "bob", "amount": 60, "source": "shop"}}]}""");
        assertJson(event(report, "skipped").get("changes"), """
                [{"index": 1, "kind": "now_skipped", "type": "audit", "queue": "required_actions",
                  "before": {"amount": 500}, "reason": "when is false: payload.amount > 1000"}]""");
        assertJson(event(report, "queue").get("changes"), """
                [{"index": 2, "kind": "queue_changed", "type": "archive", "queue": "cold",
                  "before": "warm", "after": "cold"}]""");
        assertJson(event(report, "type").get("changes"), """
                [{"index": 2, "kind": "type_changed", "type": "archive", "queue": "cold",
                  "before": "store", "after": "archive"}]""");
        assertJson(event(report, "removed").get("changes"), """
                [{"index": 4, "kind": "removed", "type": "legacy", "queue": "old_actions", "before": {"v": 1}}]""");
        assertJson(event(report, "added").get("changes"), """
                [{"index": 3, "kind": "added", "type": "ship", "queue": "required_actions", "after": {"to": "Paris"}}]""");
        JsonNode failing = event(report, "failing");
        assertThat(failing.get("outcome_after").asText())
                .as("dispatch publishes none of its actions")
                .isEqualTo("dead_lettered");
        assertThat(failing.get("changes")).singleElement().satisfies(change -> {
            assertThat(change.get("kind").asText()).isEqualTo("now_failing");
            assertThat(change.get("index").asInt()).isZero();
            assertJson(change.get("before"), "{\"who\": null, \"amount\": 5, \"source\": \"shop\"}");
            assertThat(change.get("reason").asText())
                    .startsWith("workflow 'orders', action 0 (notify), params/who: ")
                    .contains("user");
        });
    }

    private static JournalAction[] append(JournalAction[] actions, JournalAction more) {
        List<JournalAction> all = new ArrayList<>(List.of(actions));
        all.add(more);
        return all.toArray(JournalAction[]::new);
    }

    @Test
    void anEventDeadLetteredBeforeIsComparedWithNothingPublished() throws Exception {
        String notPublished = "not published: the event was dead-lettered";
        String failure = "workflow 'orders', action 0 (notify), params/who: CEL: evaluation error at <input>:8: key"
                + " 'user' is not present in map.";
        List<JournalRecord> records = List.of(
                // Fixed by the draft: what it publishes now is added.
                stored(
                        "fixed",
                        1,
                        JournalRecord.DEAD_LETTERED,
                        payload(1, "ada", "5"),
                        failed(0, "notify", ACTIONS, "workflow 'orders', action 0 (notify), params/who: old mistake"),
                        skipped(1, "audit", ACTIONS),
                        failed(2, "archive", "cold", notPublished),
                        skipped(3, "ship", ACTIONS)),
                // Still failing as it did: nothing changes.
                stored(
                        "still",
                        2,
                        JournalRecord.DEAD_LETTERED,
                        "{\"id\": 2, \"amount\": 5}",
                        failed(0, "notify", ACTIONS, failure),
                        skipped(1, "audit", ACTIONS),
                        failed(2, "archive", "cold", notPublished),
                        skipped(3, "ship", ACTIONS)),
                // Failing for another reason than it did.
                stored(
                        "other",
                        3,
                        JournalRecord.DEAD_LETTERED,
                        "{\"id\": 3, \"amount\": 5}",
                        failed(0, "notify", ACTIONS, "workflow 'orders', action 0 (notify), params/who: old mistake"),
                        skipped(1, "audit", ACTIONS),
                        failed(2, "archive", "cold", notPublished),
                        skipped(3, "ship", ACTIONS)));

        ObjectNode report = impact.run(DRAFT, new InMemoryJournal(records), EventQuery.all(), 100);

        assertThat(report.get("events_changed").asInt())
                .as(report.toPrettyString())
                .isEqualTo(2);
        assertThat(report.get("events_unchanged").asInt())
                .as("still failing as it did")
                .isEqualTo(1);
        assertJson(event(report, "other"), """
                {"event_id": "other", "received_at": "2026-12-01T10:00:03Z", "outcome_before": "dead_lettered",
                 "outcome_after": "dead_lettered", "changes": [
                   {"index": 0, "kind": "now_failing", "type": "notify", "queue": "required_actions",
                    "reason": "workflow 'orders', action 0 (notify), params/who: CEL: evaluation error at <input>:8: key 'user' is not present in map."}]}""");
        assertJson(event(report, "fixed"), """
                {"event_id": "fixed", "received_at": "2026-12-01T10:00:01Z", "outcome_before": "dead_lettered",
                 "outcome_after": "dispatched", "changes": [
                   {"index": 0, "kind": "added", "type": "notify", "queue": "required_actions",
                    "after": {"who": "ada", "amount": 5, "source": "shop"}},
                   {"index": 2, "kind": "added", "type": "archive", "queue": "cold", "after": {"id": 1}}]}""");
        assertThat(report.get("totals").get("added").asInt()).isEqualTo(2);
    }

    @Test
    void theDraftSeesOnlyTheStoredHeadersItLists() throws Exception {
        Workflow draft = workflow("""
                {"orders": {"headers": ["x-other"], "actions": [
                  {"type": "notify", "when": "'x-source' in headers", "params": {}},
                  {"type": "other", "params": {"v": "{{ headers['x-other'] }}"}}]}}""");
        List<JournalRecord> records = List.of(dispatched(
                "e1",
                1,
                "{}",
                published(0, "notify", ACTIONS, "{}"),
                published(1, "other", ACTIONS, "{\"v\": \"1\"}")));

        ObjectNode report = impact.run(draft, new InMemoryJournal(records), EventQuery.all(), 100);

        assertThat(report.get("events")).hasSize(1);
        assertThat(report.get("events").get(0).get("changes"))
                .extracting(c -> c.get("kind").asText())
                .as("x-source is no longer read: the condition is false")
                .containsExactly("now_skipped");
    }

    @Test
    void entriesKeptAsMetadataAreNotComparable() {
        JournalRecord metadata = new JournalRecord(
                "m1",
                "orders",
                "rev-1",
                "2026-12-01T10:00:01Z",
                "2026-12-01T10:00:01Z",
                JournalRecord.DISPATCHED,
                null,
                null,
                null,
                JournalRecord.METADATA,
                null,
                null,
                List.of(new JournalAction(0, "notify", ACTIONS, JournalAction.PUBLISHED, null, null)));
        List<JournalRecord> records =
                List.of(metadata, dispatched("f2", 2, payload(2, "bo", "5"), asTheDraft(2, "bo", "5")));

        ObjectNode report = impact.run(DRAFT, new InMemoryJournal(records), EventQuery.all(), 100);

        assertThat(report.get("not_comparable").asInt()).isEqualTo(1);
        assertThat(report.get("events_compared").asInt()).isEqualTo(1);
        assertThat(report.get("events_unchanged").asInt()).isEqualTo(1);
        assertThat(report.get("events")).isEmpty();
    }

    @Test
    void maxBoundsTheEventsLookedAtAndItsCursorGoesOn() {
        List<JournalRecord> records = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            // Every event changes: the stored notify went to another queue.
            records.add(dispatched(
                    String.format("e%02d", i),
                    i,
                    payload(i, "u", "5"),
                    published(0, "notify", "old", "{\"who\": \"u\", \"amount\": 5, \"source\": \"shop\"}"),
                    skipped(1, "audit", ACTIONS),
                    published(2, "archive", "cold", "{\"id\": " + i + "}"),
                    skipped(3, "ship", ACTIONS)));
        }
        records.add(new JournalRecord(
                "other",
                "billing",
                "rev-1",
                "2026-12-01T10:00:30Z",
                "2026-12-01T10:00:30Z",
                JournalRecord.DISPATCHED,
                null,
                null,
                null,
                JournalRecord.FULL,
                "{}".getBytes(StandardCharsets.UTF_8),
                Map.of(),
                List.of()));
        InMemoryJournal journal = new InMemoryJournal(records);

        List<String> seen = new ArrayList<>();
        List<Boolean> stopped = new ArrayList<>();
        String cursor = null;
        do {
            ObjectNode report = impact.run(DRAFT, journal, EventQuery.all().withCursor(cursor), 10);
            report.get("events").forEach(e -> seen.add(e.get("event_id").asText()));
            stopped.add(report.get("stopped_at_max").asBoolean());
            cursor = report.get("next_cursor").isNull()
                    ? null
                    : report.get("next_cursor").asText();
        } while (cursor != null);

        assertThat(stopped).containsExactly(true, true, false);
        assertThat(seen)
                .as("each event of the draft's workflow once, newest first")
                .hasSize(25)
                .doesNotHaveDuplicates()
                .first()
                .isEqualTo("e25");
        assertThat(seen).last().isEqualTo("e01");
        assertThat(journal.asked).allSatisfy(query -> {
            assertThat(query.workflow()).isEqualTo("orders");
            assertThat(query.limit()).isLessThanOrEqualTo(10);
        });
    }

    @Test
    void aQueryOfAnotherWorkflowIsRefused() {
        EventQuery billing = new EventQuery("billing", null, null, null, null, null, null, 50, null);

        assertThatThrownBy(() -> impact.run(DRAFT, new InMemoryJournal(List.of()), billing, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The draft is of workflow 'orders', the query selects 'billing'");
    }
}
