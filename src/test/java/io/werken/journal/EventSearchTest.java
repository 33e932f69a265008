package io.werken.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.werken.expression.EvaluationLimits;
import io.werken.expression.Expression;
import io.werken.expression.ExpressionCompiler;
import io.werken.expression.ExpressionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The listing's {@code where=}: which stored events a CEL condition selects, within its bounds. */
class EventSearchTest {

    private final EventSearch search = new EventSearch(new ExpressionCompiler(1000), EvaluationLimits.DEFAULTS);

    /** An event of workflow {@code github} received {@code second} seconds after 10:00, kept in full. */
    private static JournalRecord full(String id, int second, String payload, Map<String, String> headers) {
        return new JournalRecord(
                id,
                "github",
                "rev-1",
                received(second),
                received(second),
                JournalRecord.DISPATCHED,
                null,
                null,
                null,
                JournalRecord.FULL,
                payload.getBytes(StandardCharsets.UTF_8),
                headers,
                List.of(new JournalAction(0, "notify", "required_actions", JournalAction.PUBLISHED, null, null)));
    }

    private static JournalRecord full(String id, int second, String payload) {
        return full(id, second, payload, Map.of());
    }

    /** The same, kept as metadata: no payload, no headers. */
    private static JournalRecord metadata(String id, int second) {
        return new JournalRecord(
                id,
                "github",
                "rev-1",
                received(second),
                received(second),
                JournalRecord.DISPATCHED,
                null,
                null,
                null,
                JournalRecord.METADATA,
                null,
                null,
                List.of(new JournalAction(0, "notify", "required_actions", JournalAction.PUBLISHED, null, null)));
    }

    private static String received(int second) {
        return String.format("2026-12-01T10:%02d:%02dZ", second / 60, second % 60);
    }

    private EventSearch.Result search(List<JournalRecord> records, String where) throws ExpressionException {
        return search.search(new InMemoryJournal(records), EventQuery.all(), search.compile(where), 10_000);
    }

    private static List<String> ids(EventSearch.Result result) {
        return result.events().stream().map(EventSummary::eventId).toList();
    }

    @Test
    void aConditionOnThePayloadSelectsTheEventsWhosePayloadMeetsIt() throws ExpressionException {
        List<JournalRecord> records = List.of(
                full("e1", 1, "{\"sender\": {\"login\": \"octocat\"}, \"size\": 3}"),
                full("e2", 2, "{\"sender\": {\"login\": \"hubot\"}, \"size\": 30}"),
                full("e3", 3, "{\"sender\": {\"login\": \"octocat\"}, \"size\": 12.50}"),
                full("e4", 4, "{\"zen\": \"no sender\"}"));

        EventSearch.Result octocat = search(records, "payload.sender.login == 'octocat'");
        EventSearch.Result big = search(records, "payload.size > 10");

        assertThat(ids(octocat)).as("newest first").containsExactly("e3", "e1");
        assertThat(octocat.events().get(0))
                .isEqualTo(new EventSummary("e3", "github", "2026-12-01T10:00:03Z", "dispatched", "rev-1", 1, null));
        assertThat(octocat.scanned()).isEqualTo(4);
        assertThat(octocat.nextCursor()).as("nothing follows").isNull();
        assertThat(octocat.stoppedAtScanLimit()).isFalse();
        assertThat(octocat.unevaluable()).as("a missing key is an ordinary no").isZero();
        assertThat(ids(big)).as("an exact decimal compares as a number").containsExactly("e3", "e2");
    }

    @Test
    void aSearchPastItsDeadlineStopsAsAtTheScanLimitAndGoesOnFromItsCursor() throws ExpressionException {
        EventSearch hurried =
                new EventSearch(new ExpressionCompiler(1000), EvaluationLimits.DEFAULTS, java.time.Duration.ZERO);
        InMemoryJournal journal =
                new InMemoryJournal(List.of(full("e1", 1, "{}"), full("e2", 2, "{}"), full("e3", 3, "{}")));
        var where = hurried.compile("true");

        EventSearch.Result first = hurried.search(journal, EventQuery.all(), where, 10_000);
        assertThat(first.stoppedAtScanLimit()).isTrue();
        assertThat(first.scanned()).isEqualTo(1);
        assertThat(ids(first)).containsExactly("e3");
        EventSearch.Result second =
                hurried.search(journal, EventQuery.all().withCursor(first.nextCursor()), where, 10_000);
        assertThat(ids(second)).containsExactly("e2");
    }

    @Test
    void aConditionOnTheHeadersSelectsTheEventsThatCarriedThem() throws ExpressionException {
        List<JournalRecord> records = List.of(
                full("e1", 1, "{}", Map.of("x-github-event", "push")),
                full("e2", 2, "{}", Map.of("x-github-event", "issues")),
                full("e3", 3, "{}", Map.of()));

        assertThat(ids(search(records, "headers['x-github-event'] == 'push'"))).containsExactly("e1");
        assertThat(ids(search(records, "!('x-github-event' in headers)"))).containsExactly("e3");
    }

    @Test
    void aConditionOnTheEventSeesItsIdWorkflowAndReceivedAtAsWorkflowsDo() throws ExpressionException {
        List<JournalRecord> records = List.of(full("e1", 1, "{}"), full("e2", 2, "{}"), full("e3", 3, "{}"));

        assertThat(ids(search(records, "event.id == 'e2'"))).containsExactly("e2");
        assertThat(ids(search(records, "event.received_at >= '2026-12-01T10:00:02Z'")))
                .containsExactly("e3", "e2");
        assertThat(ids(search(records, "event.workflow_id == 'github' && event.id != 'e1'")))
                .containsExactly("e3", "e2");
    }

    @Test
    void anEntryKeptAsMetadataNeverMeetsAConditionOnThePayloadOrHeadersButMayMeetOneOnTheEvent()
            throws ExpressionException {
        List<JournalRecord> records = List.of(metadata("m1", 1), full("f2", 2, "{\"a\": 1}", Map.of("x-a", "1")));

        // Each of these would hold for an event with no payload (null) and no headers (an empty map).
        for (String where : List.of(
                "payload == null",
                "!has(payload.a)",
                "!('x-a' in headers)",
                "size(headers) == 0",
                "event.id == 'm1' || payload.a == 1",
                "event.id == 'm1' || headers['x-a'] == '1'")) {
            assertThat(ids(search(records, where))).as(where).doesNotContain("m1");
        }
        assertThat(ids(search(records, "event.id == 'm1' || payload.a == 1"))).containsExactly("f2");
        assertThat(ids(search(records, "event.id == 'm1'"))).containsExactly("m1");
        assertThat(search.matches(search.compile("event.workflow_id == 'github'"), metadata("m3", 3)))
                .isTrue();
        assertThat(search.matches(search.compile("payload == null"), metadata("m3", 3)))
                .isFalse();
    }

    @Test
    void aRunawayConditionIsStoppedByTheWorkflowLanguagesBoundsAndDoesNotMatch() throws ExpressionException {
        // A 300,000-character note and 400 items: the map below would build 240 MB of strings, and the nested all()
        // would take 160,000 iterations; the same conditions hold on a small payload.
        String items = "[" + "{\"n\": 1},".repeat(399) + "{\"n\": 1}]";
        List<JournalRecord> records = List.of(
                full("small", 1, "{\"note\": \"x\", \"items\": [{\"n\": 1}, {\"n\": 2}]}"),
                full("huge", 2, "{\"note\": \"" + "x".repeat(300_000) + "\", \"items\": " + items + "}"),
                full("plain", 3, "{\"note\": \"y\", \"items\": []}"));

        EventSearch.Result bytes = search(records, "size(payload.items.map(i, payload.note + payload.note)) > 0");
        EventSearch.Result iterations = search(
                records, "payload.items.all(x, payload.items.all(y, x.n + y.n > 0))" + " && size(payload.items) > 0");

        assertThat(ids(bytes)).containsExactly("small");
        assertThat(bytes.unevaluable()).isEqualTo(1);
        assertThat(bytes.unevaluableReason())
                .isEqualTo("event huge: the event's expressions built more than 2097152"
                        + " bytes of strings, lists and maps (WERKEN_CEL_MAX_BYTES)");
        assertThat(ids(iterations)).containsExactly("small");
        assertThat(iterations.unevaluable()).isEqualTo(1);
        assertThat(iterations.unevaluableReason())
                .startsWith("event huge: CEL: ")
                .containsIgnoringCase("iteration");
        assertThat(iterations.scanned()).isEqualTo(3);
    }

    @Test
    void theScanLimitStopsEarlyWithACursorThatGoesOnWithoutSkippingOrRepeating() throws ExpressionException {
        List<JournalRecord> records = new ArrayList<>();
        for (int i = 1; i <= 25; i++) {
            records.add(full(String.format("e%02d", i), i, "{\"n\": " + i + "}"));
        }
        InMemoryJournal journal = new InMemoryJournal(records);
        List<String> everyThird = List.of("e24", "e21", "e18", "e15", "e12", "e09", "e06", "e03");
        List<String> all = records.stream()
                .map(JournalRecord::eventId)
                .sorted((a, b) -> b.compareTo(a))
                .toList();

        EventSearch.Result first = search.search(journal, EventQuery.all(), search.compile("payload.n % 3 == 0"), 10);

        assertThat(first.stoppedAtScanLimit()).isTrue();
        assertThat(first.scanned()).isEqualTo(10);
        assertThat(ids(first)).containsExactly("e24", "e21", "e18");
        assertThat(first.nextCursor()).isNotNull();
        assertThat(journal.asked)
                .extracting(EventQuery::limit)
                .as("never more than the scan limit")
                .containsOnly(10);

        // Going on, whatever stops each page (the scan limit, the page's limit mid-page, or the journal's end).
        for (int limit : new int[] {1, 2, 3, 50}) {
            for (int scanLimit : new int[] {1, 4, 7, 10_000}) {
                assertThat(searchToTheEnd(journal, "payload.n % 3 == 0", limit, scanLimit))
                        .as("limit %d, scan limit %d", limit, scanLimit)
                        .containsExactlyElementsOf(everyThird);
                assertThat(searchToTheEnd(journal, "true", limit, scanLimit))
                        .as("all, limit %d, scan limit %d", limit, scanLimit)
                        .containsExactlyElementsOf(all);
            }
        }
    }

    /** Every match, page after page from the first, checking that the pages looked at every entry once. */
    private List<String> searchToTheEnd(InMemoryJournal journal, String where, int limit, int scanLimit)
            throws ExpressionException {
        Expression condition = search.compile(where);
        List<String> found = new ArrayList<>();
        int scanned = 0;
        String cursor = null;
        do {
            EventSearch.Result page =
                    search.search(journal, EventQuery.all().withLimit(limit).withCursor(cursor), condition, scanLimit);
            assertThat(page.events()).hasSizeLessThanOrEqualTo(limit);
            assertThat(page.scanned()).isLessThanOrEqualTo(scanLimit);
            found.addAll(ids(page));
            scanned += page.scanned();
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(scanned).as("entries looked at").isEqualTo(25);
        return found;
    }

    @Test
    void anEntryWrittenLateWhileTheCursorIsMadeIsNotSkippedOver() throws ExpressionException {
        List<JournalRecord> records = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            records.add(full("e" + i, 10 + i, "{}"));
        }
        InMemoryJournal journal = new InMemoryJournal(records);
        // Written (received at 10:00:20, newest of all) between the page and the query the cursor is made from.
        journal.writeLate(full("late", 20, "{}"), 2);

        EventSearch.Result first = search.search(journal, EventQuery.all().withLimit(2), search.compile("true"), 100);
        EventSearch.Result second = search.search(
                journal, EventQuery.all().withLimit(10).withCursor(first.nextCursor()), search.compile("true"), 100);

        assertThat(ids(first)).containsExactly("e5", "e4");
        assertThat(ids(second)).containsExactly("e3", "e2", "e1");
    }

    @Test
    void aBadExpressionIsRefusedWithCelsMessage() {
        assertThatThrownBy(() -> search.compile("payload.sender.login =="))
                .isInstanceOf(ExpressionException.class)
                .hasMessageStartingWith("CEL: ")
                .hasMessageContaining("at column");
        assertThatThrownBy(() -> search.compile("payload.a == undefined_thing"))
                .isInstanceOf(ExpressionException.class)
                .hasMessageContaining("undeclared reference to 'undefined_thing'");
        assertThatThrownBy(() -> search.compile("'a string'"))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("a condition must be a boolean expression, but ''a string'' is of type string");
        assertThatThrownBy(() -> search.compile(" "))
                .isInstanceOf(ExpressionException.class)
                .hasMessage("the expression is empty");
    }
}
