package io.werken.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.StartupRefusedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The journal's storage on real databases: the embedded store (H2 in PostgreSQL mode, in a temporary directory) and
 * PostgreSQL on 127.0.0.1:5432 (a database of this class's own, dropped after).
 */
class JournalStoreTest {

    enum Backend {
        H2,
        POSTGRESQL
    }

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    /** PostgreSQL here trusts every local connection: the password is only there to be kept out of messages. */
    private static final String PASSWORD = "pw-never-shown-7f3a";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00.123Z");

    private static String database;

    @TempDir
    Path dir;

    private final List<JournalStore> opened = new ArrayList<>();

    @BeforeAll
    static void createDatabase() throws SQLException {
        database = newDatabase("store");
    }

    @AfterAll
    static void dropDatabase() throws SQLException {
        dropDatabase(database);
    }

    @AfterEach
    void closeStores() {
        opened.forEach(JournalStore::close);
    }

    // --- writing and reading back

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anEventIsFoundWholeWithItsActionsAndItsRevision(Backend backend) throws Exception {
        JournalStore store = open(backend);
        JournalRecord written = new JournalRecord(
                "e1",
                "orders",
                "rev-1",
                "2026-12-01T10:00:00.123Z",
                "2026-12-01T10:00:00.456Z",
                JournalRecord.DISPATCHED,
                null,
                null,
                "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                JournalRecord.FULL,
                "{\"order\": {\"id\": 7}}".getBytes(StandardCharsets.UTF_8),
                Map.of("x-github-event", "push", "content-type", "application/json"),
                List.of(
                        new JournalAction(
                                0,
                                "http",
                                "actions.http",
                                JournalAction.PUBLISHED,
                                null,
                                JSON.readTree("{\"url\":\"https://example.com/o/7\",\"n\":[1,2.50,null]}")),
                        new JournalAction(1, "email", "actions.email", JournalAction.SKIPPED, null, null),
                        new JournalAction(
                                2,
                                "slack",
                                "actions.slack",
                                JournalAction.FAILED,
                                "expression: no such key 'x'",
                                null)));
        // Times read back as Werken writes them: ISO-8601 UTC to the millisecond, without a fraction of zero.
        WorkflowRevision revision =
                new WorkflowRevision("rev-1", "2026-12-01T09:00:00Z", "{\"workflows\": [{\"id\": \"orders\"}]}");

        store.write(List.of(written), List.of(revision));

        JournalRecord found = store.find("e1").orElseThrow();
        assertThat(found).usingRecursiveComparison().isEqualTo(written);
        assertThat(found.actionsPublished()).isEqualTo(1);
        assertThat(store.revision("rev-1")).contains(revision);
        assertThat(store.find("unknown")).isEmpty();
        assertThat(store.revision("unknown")).isEmpty();
        assertThat(store.list(EventQuery.all()).events())
                .containsExactly(new EventSummary(
                        "e1", "orders", "2026-12-01T10:00:00.123Z", JournalRecord.DISPATCHED, "rev-1", 1, null));
        assertThat(store.countEvents()).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theRevisionsAreListedNewestFirstWithoutTheirSource(Backend backend) {
        JournalStore store = open(backend);
        assertThat(store.revisions(10)).isEmpty();
        store.write(
                List.of(),
                List.of(
                        new WorkflowRevision("rev-a", "2026-12-01T09:00:00Z", "{\"a\": {}}"),
                        new WorkflowRevision("rev-c", "2026-12-01T11:00:00.500Z", "{\"c\": {}}"),
                        new WorkflowRevision("rev-b", "2026-12-01T10:00:00Z", "{\"b\": {}}")));

        assertThat(store.revisions(10))
                .containsExactly(
                        new RevisionSummary("rev-c", "2026-12-01T11:00:00.500Z"),
                        new RevisionSummary("rev-b", "2026-12-01T10:00:00Z"),
                        new RevisionSummary("rev-a", "2026-12-01T09:00:00Z"));
        assertThat(store.revisions(2)).extracting(RevisionSummary::revision).containsExactly("rev-c", "rev-b");
        assertThatThrownBy(() -> store.revisions(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.revisions(JournalStore.MAX_REVISIONS + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void writingTheSameRecordAgainStoresItOnceWithItsActionsOnce(Backend backend) throws Exception {
        JournalStore store = open(backend);
        JournalRecord first = event(
                "e1",
                "orders",
                T0,
                JournalRecord.DISPATCHED,
                null,
                action(0, "http", "q.http", JournalAction.PUBLISHED),
                action(1, "email", "q.mail", JournalAction.SKIPPED));
        WorkflowRevision revision = new WorkflowRevision("rev-1", "2026-12-01T09:00:00.000Z", "first");

        store.write(List.of(first), List.of(revision));
        // A redelivery, twice in one batch, beside a new event; a revision written again with other text.
        store.write(
                List.of(
                        first,
                        event(
                                "e2",
                                "orders",
                                T0.plusSeconds(1),
                                JournalRecord.DISPATCHED,
                                null,
                                action(0, "http", "q.http", JournalAction.PUBLISHED)),
                        first),
                List.of(revision, new WorkflowRevision("rev-1", "2026-12-01T09:30:00.000Z", "second")));
        // The same event id with other actions (it cannot happen, but were it to, the first record stands).
        store.write(
                List.of(event(
                        "e1",
                        "orders",
                        T0,
                        JournalRecord.DEAD_LETTERED,
                        null,
                        action(5, "other", "q.other", JournalAction.FAILED))),
                List.of());

        assertThat(store.countEvents()).isEqualTo(2);
        assertThat(store.find("e1").orElseThrow()).usingRecursiveComparison().isEqualTo(first);
        assertThat(count(store, "SELECT count(*) FROM journal_actions")).isEqualTo(3);
        assertThat(store.revision("rev-1").orElseThrow().source()).isEqualTo("first");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void valuesWithTabsNewlinesBackslashesAndAnyBytesAreStoredExactly(Backend backend) throws Exception {
        // Values a writer that escapes or encodes could get wrong: control characters, backslashes, \N, multi-byte
        // text, every byte value in the payload.
        JournalStore store = open(backend);
        byte[] payload = new byte[256];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        String awkward = "tab\there\nnewline\r\n back\\slash \\N \\x00 ¡ñ 日本 🎉 \"quoted\" \\.";
        JournalRecord written = new JournalRecord(
                "e\\1\t",
                "orders\nEU",
                "rev\\1",
                "2026-12-01T10:00:00.123Z",
                "2026-12-01T10:00:00.456Z",
                JournalRecord.DEAD_LETTERED,
                awkward,
                "\\N",
                null,
                JournalRecord.FULL,
                payload,
                Map.of("x-awkward", awkward, "x-empty", ""),
                List.of(new JournalAction(
                        0,
                        "http\ttab",
                        "q\\n",
                        JournalAction.FAILED,
                        awkward,
                        JSON.readTree("{\"text\":" + JSON.writeValueAsString(awkward) + ",\"empty\":\"\"}"))));

        store.write(List.of(written), List.of());

        JournalRecord found = store.find("e\\1\t").orElseThrow();
        assertThat(found).usingRecursiveComparison().ignoringFields("actions").isEqualTo(written);
        assertThat(found.actions()).hasSize(1);
        JournalAction action = found.actions().get(0);
        assertThat(action.type()).isEqualTo("http\ttab");
        assertThat(action.queue()).isEqualTo("q\\n");
        assertThat(action.reason()).isEqualTo(awkward);
        assertThat(JSON.readTree(JournalRows.paramsJson(action.params()))
                        .get("text")
                        .asText())
                .isEqualTo(awkward);
        assertThat(found.replayOf()).isEqualTo("\\N");
        assertThat(found.traceparent()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void anEventJournaledAsMetadataKeepsNoPayloadHeadersOrParams(Backend backend) throws Exception {
        JournalStore store = open(backend);
        JournalRecord carried = new JournalRecord(
                "e1",
                "people",
                "rev-1",
                "2026-12-01T10:00:00.123Z",
                "2026-12-01T10:00:00.200Z",
                JournalRecord.DISPATCHED,
                null,
                null,
                null,
                JournalRecord.METADATA,
                "{\"email\":\"a@example.com\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("x-user", "alice"),
                List.of(new JournalAction(
                        0,
                        "crm",
                        "q.crm",
                        JournalAction.PUBLISHED,
                        null,
                        JSON.readTree("{\"email\":\"a@example.com\"}"))));

        store.write(List.of(carried), List.of());

        JournalRecord found = store.find("e1").orElseThrow();
        assertThat(found.journal()).isEqualTo(JournalRecord.METADATA);
        assertThat(found.payload()).isNull();
        assertThat(found.headers()).isNull();
        assertThat(found.actions())
                .containsExactly(new JournalAction(0, "crm", "q.crm", JournalAction.PUBLISHED, null, null));
        assertThat(store.list(EventQuery.all()).events().get(0).actionsPublished())
                .isEqualTo(1);
        assertThat(store.scan(EventQuery.all()).events().get(0).payload()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aRecordThatCanNeverBeStoredIsRefusedAndNothingOfItsBatchIsWritten(Backend backend) {
        JournalStore store = open(backend);
        JournalRecord good = event("e1", "orders", T0, JournalRecord.DISPATCHED, null);
        JournalRecord noWorkflow = new JournalRecord(
                "e2",
                null,
                null,
                T0.toString(),
                null,
                JournalRecord.DISPATCHED,
                null,
                null,
                null,
                JournalRecord.FULL,
                null,
                null,
                List.of());
        JournalRecord badTime = new JournalRecord(
                "e3",
                "orders",
                null,
                "yesterday",
                null,
                JournalRecord.DISPATCHED,
                null,
                null,
                null,
                JournalRecord.FULL,
                null,
                null,
                List.of());

        assertThatThrownBy(() -> store.write(List.of(good, noWorkflow), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event e2's workflow_id is missing");
        assertThatThrownBy(() -> store.write(List.of(good, badTime), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event e3's received_at is not an ISO-8601 UTC time: yesterday");
        assertThat(store.countEvents()).isZero();
    }

    // --- the listing

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eachFilterSelectsItsEventsNewestFirst(Backend backend) {
        JournalStore store = open(backend);
        store.write(
                List.of(
                        event(
                                "e1",
                                "orders",
                                T0,
                                JournalRecord.DISPATCHED,
                                null,
                                action(0, "http", "q.http", JournalAction.PUBLISHED),
                                action(1, "email", "q.mail", JournalAction.SKIPPED)),
                        event(
                                "e2",
                                "orders",
                                T0.plusSeconds(1),
                                JournalRecord.DEAD_LETTERED,
                                null,
                                action(0, "http", "q.http", JournalAction.FAILED)),
                        event(
                                "e3",
                                "github",
                                T0.plusSeconds(2),
                                JournalRecord.DISPATCHED,
                                null,
                                action(0, "slack", "q.slack", JournalAction.PUBLISHED)),
                        event(
                                "e4",
                                "github",
                                T0.plusSeconds(3),
                                JournalRecord.DISPATCHED,
                                "e3",
                                action(0, "slack", "q.slack", JournalAction.PUBLISHED)),
                        event("e5", "orders", T0.plusSeconds(4), JournalRecord.DISPATCHED, null)),
                List.of());

        assertThat(ids(store, EventQuery.all())).containsExactly("e5", "e4", "e3", "e2", "e1");
        assertThat(ids(store, query("orders", null, null, null, null, null, null)))
                .containsExactly("e5", "e2", "e1");
        assertThat(ids(store, query(null, JournalRecord.DEAD_LETTERED, null, null, null, null, null)))
                .containsExactly("e2");
        assertThat(ids(store, query(null, null, T0.plusSeconds(1), null, null, null, null)))
                .as("since is inclusive")
                .containsExactly("e5", "e4", "e3", "e2");
        assertThat(ids(store, query(null, null, null, T0.plusSeconds(3), null, null, null)))
                .as("until is exclusive")
                .containsExactly("e3", "e2", "e1");
        assertThat(ids(store, query(null, null, T0.plusSeconds(1), T0.plusSeconds(3), null, null, null)))
                .containsExactly("e3", "e2");
        assertThat(ids(store, query(null, null, null, null, "email", null, null)))
                .as("an action its when skipped is not what the event produced")
                .isEmpty();
        assertThat(ids(store, query(null, null, null, null, null, "q.mail", null)))
                .as("nor is its queue")
                .isEmpty();
        assertThat(ids(store, query(null, null, null, null, "http", null, null)))
                .containsExactly("e2", "e1");
        assertThat(ids(store, query(null, null, null, null, null, "q.slack", null)))
                .containsExactly("e4", "e3");
        assertThat(ids(store, query(null, null, null, null, null, null, "e3"))).containsExactly("e4");
        assertThat(ids(store, query("orders", JournalRecord.DISPATCHED, null, null, "http", "q.http", null)))
                .containsExactly("e1");
        assertThat(ids(store, query("nobody", null, null, null, null, null, null)))
                .isEmpty();

        EventPage<JournalRecord> scanned = store.scan(query(null, null, null, null, "http", null, null));
        assertThat(scanned.events()).extracting(JournalRecord::eventId).containsExactly("e2", "e1");
        assertThat(scanned.events().get(1).actions())
                .extracting(JournalAction::type)
                .containsExactly("http", "email");
        assertThat(scanned.events().get(0).reason()).isEqualTo("schema: e2 is refused");
        assertThat(scanned.nextCursor()).isNull();
        assertThat(store.replaysOf("e3")).extracting(EventSummary::eventId).containsExactly("e4");
        assertThat(store.replaysOf("e4")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void theCursorGoesThroughEveryEventOnceAcrossPagesEvenWhenTheyWereReceivedAtTheSameTime(Backend backend) {
        JournalStore store = open(backend);
        Instant tie = T0;
        Instant nextMilli = T0.plusMillis(1);
        store.write(
                List.of(
                        event(
                                "c",
                                "w",
                                tie,
                                JournalRecord.DISPATCHED,
                                null,
                                action(0, "t", "q", JournalAction.PUBLISHED)),
                        event(
                                "a",
                                "w",
                                tie,
                                JournalRecord.DISPATCHED,
                                null,
                                action(0, "t", "q", JournalAction.PUBLISHED)),
                        event("e", "w", nextMilli, JournalRecord.DISPATCHED, null),
                        event(
                                "b",
                                "w",
                                tie,
                                JournalRecord.DISPATCHED,
                                null,
                                action(0, "t", "q", JournalAction.PUBLISHED)),
                        event("g", "v", T0.plusSeconds(1), JournalRecord.DISPATCHED, null),
                        event("d", "w", nextMilli, JournalRecord.DISPATCHED, null),
                        event("f", "w", T0.plusSeconds(1), JournalRecord.DISPATCHED, null)),
                List.of());
        List<String> newestFirst = List.of("g", "f", "e", "d", "c", "b", "a");

        for (int limit = 1; limit <= 8; limit++) {
            List<List<String>> listed = pages(store, EventQuery.all().withLimit(limit), false);
            List<List<String>> scanned = pages(store, EventQuery.all().withLimit(limit), true);
            assertThat(listed.stream().flatMap(List::stream).toList())
                    .as("limit " + limit)
                    .isEqualTo(newestFirst);
            assertThat(listed).as("pages of " + limit).hasSize((newestFirst.size() + limit - 1) / limit);
            assertThat(scanned).isEqualTo(listed);
        }
        assertThat(pages(store, query("w", null, null, null, null, null, null).withLimit(2), false))
                .containsExactly(List.of("f", "e"), List.of("d", "c"), List.of("b", "a"));
        assertThat(pages(store, query(null, null, null, null, "t", "q", null).withLimit(2), true))
                .containsExactly(List.of("c", "b"), List.of("a"));
        assertThat(ids(
                        store,
                        EventQuery.all()
                                .withLimit(3)
                                .withCursor(JournalStore.cursorAfter("2026-12-01T10:00:00.124Z", "e"))))
                .as("a cursor after a given event")
                .containsExactly("d", "c", "b");
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aCursorThisJournalDidNotGiveOrALimitOutOfRangeIsRefused(Backend backend) {
        JournalStore store = open(backend);

        assertThatThrownBy(() -> store.list(EventQuery.all().withCursor("not-a-cursor")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cursor is not one this journal gave: use the next_cursor of a listing");
        assertThatThrownBy(() -> store.scan(EventQuery.all().withLimit(0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be 1 to 500, not 0");
        assertThatThrownBy(() -> store.list(EventQuery.all().withLimit(501)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be 1 to 500, not 501");
    }

    // --- retention

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eventsOlderThanTheCutoffAreRemovedOldestFirstInBatchesWithTheirActions(Backend backend) throws Exception {
        JournalStore store = open(backend);
        List<JournalRecord> events = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            events.add(event(
                    "old" + i,
                    "w",
                    T0.plusSeconds(i),
                    JournalRecord.DISPATCHED,
                    null,
                    action(0, "t", "q", JournalAction.PUBLISHED),
                    action(1, "t", "q", JournalAction.PUBLISHED)));
        }
        events.add(event(
                "new1",
                "w",
                T0.plus(Duration.ofDays(1)),
                JournalRecord.DISPATCHED,
                null,
                action(0, "t", "q", JournalAction.PUBLISHED)));
        store.write(events, List.of());
        Instant cutoff = T0.plus(Duration.ofHours(1));

        assertThat(store.removeOlderThan(cutoff, 2)).isEqualTo(2);
        assertThat(ids(store, EventQuery.all())).containsExactly("new1", "old5", "old4", "old3");
        assertThat(store.removeOlderThan(cutoff, 2)).isEqualTo(2);
        assertThat(store.removeOlderThan(cutoff, 2)).isEqualTo(1);
        assertThat(store.removeOlderThan(cutoff, 2)).isZero();

        assertThat(ids(store, EventQuery.all())).containsExactly("new1");
        assertThat(count(store, "SELECT count(*) FROM journal_actions")).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void eventsBeyondTheMostKeptAreRemovedOldestFirstInBatchesWithTheirActions(Backend backend) throws Exception {
        JournalStore store = open(backend);
        List<JournalRecord> events = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            events.add(event(
                    "e" + i,
                    "w",
                    T0.plusSeconds(i),
                    JournalRecord.DISPATCHED,
                    null,
                    action(0, "t", "q", JournalAction.PUBLISHED)));
        }
        store.write(events, List.of());

        assertThat(store.removeBeyond(3, 3)).isEqualTo(3);
        assertThat(ids(store, EventQuery.all())).containsExactly("e7", "e6", "e5", "e4");
        assertThat(store.removeBeyond(3, 3)).isEqualTo(1);
        assertThat(store.removeBeyond(3, 3)).isZero();

        assertThat(ids(store, EventQuery.all())).containsExactly("e7", "e6", "e5");
        assertThat(count(store, "SELECT count(*) FROM journal_actions")).isEqualTo(3);
        assertThat(store.countEvents()).isEqualTo(3);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void revisionsNoEventRefersToAreRemovedExceptThoseKept(Backend backend) {
        JournalStore store = open(backend);
        store.write(
                List.of(event("e1", "w", T0, JournalRecord.DISPATCHED, null)),
                List.of(
                        new WorkflowRevision("rev-1", T0.toString(), "one"),
                        new WorkflowRevision("rev-2", T0.toString(), "two"),
                        new WorkflowRevision("rev-3", T0.toString(), "three")));

        assertThat(store.removeUnreferencedRevisions(Set.of("rev-3"))).isEqualTo(1);
        assertThat(store.revision("rev-1")).as("e1 refers to it").isPresent();
        assertThat(store.revision("rev-2")).isEmpty();
        assertThat(store.revision("rev-3")).as("kept").isPresent();

        assertThat(store.removeOlderThan(T0.plusSeconds(1), 10)).isEqualTo(1);
        assertThat(store.removeUnreferencedRevisions(Set.of())).isEqualTo(2);
        assertThat(store.revision("rev-1")).isEmpty();
    }

    // --- replays

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aReplayIsSavedUpdatedAndFoundByIdAndByState(Backend backend) {
        JournalStore store = open(backend);
        ReplayJob started = new ReplayJob(
                "r1",
                "2026-12-01T10:00:00Z",
                "2026-12-01T10:00:00Z",
                ReplayJob.RUNNING,
                "{\"workflow\":\"orders\",\"max\":100}",
                0,
                0,
                null,
                null,
                null);
        ReplayJob other = new ReplayJob(
                "r2",
                "2026-12-01T11:00:00Z",
                "2026-12-01T11:00:01.500Z",
                ReplayJob.RUNNING,
                "{\"max\":1}",
                1,
                1,
                "Y3Vyc29y",
                "e9",
                null);

        store.saveReplay(started);
        store.saveReplay(other);
        ReplayJob moved = new ReplayJob(
                "r1",
                "2026-12-01T10:00:00Z",
                "2026-12-01T10:05:00.250Z",
                ReplayJob.INTERRUPTED,
                started.request(),
                40,
                12,
                "Y3Vyc29yMg",
                "e12",
                null);
        store.saveReplay(moved);

        assertThat(store.replay("r1")).contains(moved);
        assertThat(store.replay("r2")).contains(other);
        assertThat(store.replay("r3")).isEmpty();
        assertThat(store.replaysInState(ReplayJob.INTERRUPTED)).containsExactly(moved);
        assertThat(store.replaysInState(ReplayJob.RUNNING)).containsExactly(other);
        assertThat(store.replaysInState(ReplayJob.DONE)).isEmpty();
    }

    // --- the database

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aDatabaseMigratedByANewerWerkenRefusesToOpenInOneLine(Backend backend) throws Exception {
        String own = backend == Backend.POSTGRESQL ? newDatabase("newer") : null;
        try {
            JournalStore.Settings settings = backend == Backend.H2
                    ? new JournalStore.Settings(null, null, null, dir.resolve("journal"), 2)
                    : new JournalStore.Settings(SERVER + own, "postgres", PASSWORD, null, 2);
            String where;
            try (JournalStore store = JournalStore.open(settings)) {
                store.write(List.of(event("e1", "w", T0, JournalRecord.DISPATCHED, null)), List.of());
                where = store.describe();
            }
            Flyway.configure()
                    .dataSource(
                            backend == Backend.H2 ? where + JournalDatabase.H2_SETTINGS : where,
                            backend == Backend.H2 ? "" : "postgres",
                            "")
                    .locations(JournalSchema.LOCATION, "classpath:db/journal-future")
                    .load()
                    .migrate();

            String remedy = backend == Backend.H2
                    ? "move " + dir.resolve("journal").toAbsolutePath() + " aside"
                    : "point WERKEN_JOURNAL_URL at another database";
            assertThatThrownBy(() -> JournalStore.open(settings))
                    .isInstanceOf(StartupRefusedException.class)
                    .hasMessage("Journal database " + where + " has schema version 99, newer than this Werken's 1: "
                            + "run a newer Werken, or " + remedy);
        } finally {
            if (own != null) {
                dropDatabase(own);
            }
        }
    }

    @Test
    void aPostgresqlThatCannotBeReachedDoesNotStopOpeningAndItsCallsFailInOneLineWithoutThePassword()
            throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        JournalStore store = JournalStore.open(
                new JournalStore.Settings(
                        "jdbc:postgresql://127.0.0.1:" + closedPort + "/werken?password=" + PASSWORD,
                        "postgres",
                        PASSWORD,
                        null,
                        2),
                500);
        opened.add(store);

        assertThat(store.describe()).isEqualTo("jdbc:postgresql://127.0.0.1:" + closedPort + "/werken");
        assertThat(store.reachable()).isFalse();
        assertThatThrownBy(() -> store.write(List.of(event("e1", "w", T0, JournalRecord.DISPATCHED, null)), List.of()))
                .isInstanceOf(JournalUnavailableException.class)
                .hasMessageStartingWith("Journal database " + store.describe() + " is unavailable: ")
                .satisfies(
                        e -> assertThat(e.getMessage()).doesNotContain(PASSWORD).doesNotContain("\n"));
        assertThatThrownBy(() -> store.list(EventQuery.all())).isInstanceOf(JournalUnavailableException.class);
    }

    @Test
    void aPostgresqlThatWasDownAtOpeningIsMigratedAndWrittenToOnceItAnswers() throws Exception {
        String own = newDatabase("late");
        try (Gate gate = new Gate(5432)) {
            JournalStore store = JournalStore.open(
                    new JournalStore.Settings(
                            "jdbc:postgresql://127.0.0.1:" + gate.port() + "/" + own, "postgres", PASSWORD, null, 2),
                    500);
            opened.add(store);
            JournalRecord record =
                    event("e1", "w", T0, JournalRecord.DISPATCHED, null, action(0, "t", "q", JournalAction.PUBLISHED));

            assertThatThrownBy(() -> store.write(List.of(record), List.of()))
                    .isInstanceOf(JournalUnavailableException.class);
            gate.open();
            store.write(List.of(record), List.of());

            assertThat(store.reachable()).isTrue();
            assertThat(store.find("e1").orElseThrow())
                    .usingRecursiveComparison()
                    .isEqualTo(record);
            store.close();
        } finally {
            dropDatabase(own);
        }
    }

    // --- helpers

    private JournalStore open(Backend backend) {
        JournalStore store = switch (backend) {
            case H2 -> JournalStore.open(new JournalStore.Settings(null, null, null, dir.resolve("journal"), 4));
            case POSTGRESQL ->
                JournalStore.open(new JournalStore.Settings(SERVER + database, "postgres", PASSWORD, null, 4));
        };
        opened.add(store);
        assertThat(store.embedded()).isEqualTo(backend == Backend.H2);
        if (backend == Backend.POSTGRESQL) {
            execute(store, "TRUNCATE journal_events, journal_actions, journal_revisions, journal_replays");
        }
        return store;
    }

    private static JournalRecord event(
            String id, String workflow, Instant receivedAt, String outcome, String replayOf, JournalAction... actions) {
        return new JournalRecord(
                id,
                workflow,
                "rev-1",
                JournalRows.format(receivedAt),
                JournalRows.format(receivedAt.plusMillis(5)),
                outcome,
                JournalRecord.DEAD_LETTERED.equals(outcome) ? "schema: " + id + " is refused" : null,
                replayOf,
                null,
                JournalRecord.FULL,
                ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8),
                Map.of("x-id", id),
                Arrays.asList(actions));
    }

    private static JournalAction action(int index, String type, String queue, String outcome) {
        return new JournalAction(
                index,
                type,
                queue,
                outcome,
                JournalAction.FAILED.equals(outcome) ? "broken" : null,
                JournalAction.PUBLISHED.equals(outcome)
                        ? JSON.createObjectNode().put("index", index)
                        : null);
    }

    private static EventQuery query(
            String workflow,
            String outcome,
            Instant since,
            Instant until,
            String actionType,
            String queue,
            String replayOf) {
        return new EventQuery(
                workflow, outcome, since, until, actionType, queue, replayOf, EventQuery.DEFAULT_LIMIT, null);
    }

    private static List<String> ids(JournalStore store, EventQuery query) {
        return store.list(query).events().stream().map(EventSummary::eventId).toList();
    }

    /** Every page of {@code query}, following the cursor until there is none. */
    private static List<List<String>> pages(JournalStore store, EventQuery query, boolean scan) {
        List<List<String>> pages = new ArrayList<>();
        EventQuery next = query;
        while (pages.size() < 20) {
            String cursor;
            if (scan) {
                EventPage<JournalRecord> page = store.scan(next);
                pages.add(page.events().stream().map(JournalRecord::eventId).toList());
                cursor = page.nextCursor();
            } else {
                EventPage<EventSummary> page = store.list(next);
                pages.add(page.events().stream().map(EventSummary::eventId).toList());
                cursor = page.nextCursor();
            }
            if (cursor == null) {
                return pages;
            }
            next = next.withCursor(cursor);
        }
        throw new AssertionError("the cursor never ends: " + pages);
    }

    private static Connection connect(JournalStore store) throws SQLException {
        return store.embedded()
                ? DriverManager.getConnection(store.describe() + JournalDatabase.H2_SETTINGS, "", "")
                : DriverManager.getConnection(store.describe(), "postgres", "");
    }

    private static long count(JournalStore store, String sql) throws SQLException {
        try (Connection connection = connect(store);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void execute(JournalStore store, String sql) {
        try (Connection connection = connect(store);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String newDatabase(String purpose) throws SQLException {
        String name = "werken_journalstoretest_" + purpose + "_"
                + UUID.randomUUID().toString().substring(0, 8);
        admin("CREATE DATABASE " + name);
        return name;
    }

    private static void dropDatabase(String name) throws SQLException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static void admin(String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /**
     * A TCP port in front of PostgreSQL that is down (it closes every connection at once) until {@link #open}ed, and
     * from then on passes connections through.
     */
    private static final class Gate implements AutoCloseable {

        private final ServerSocket server;
        private final int target;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile boolean open;

        Gate(int target) throws IOException {
            this.target = target;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::accept, "journal-gate");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void open() {
            open = true;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    if (!open) {
                        client.close();
                        continue;
                    }
                    Socket database = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(database);
                    pump(client, database);
                    pump(database, client);
                } catch (IOException e) {
                    // closed
                }
            }
        }

        private static void pump(Socket from, Socket to) {
            Thread thread = new Thread(
                    () -> {
                        try (InputStream in = from.getInputStream();
                                OutputStream out = to.getOutputStream()) {
                            in.transferTo(out);
                        } catch (IOException e) {
                            // one side closed
                        } finally {
                            try {
                                to.close();
                            } catch (IOException e) {
                                // already
                            }
                        }
                    },
                    "journal-gate-pump");
            thread.setDaemon(true);
            thread.start();
        }
    }
}
