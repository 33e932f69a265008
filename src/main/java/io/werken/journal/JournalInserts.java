package io.werken.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the journal's records, revisions and replays: records and revisions idempotently in JDBC batches
 * ({@code INSERT ... ON CONFLICT DO NOTHING}, which PostgreSQL and H2's PostgreSQL mode both accept), and a record's
 * actions only with the record itself, so that a redelivered record adds nothing.
 */
final class JournalInserts {

    private static final String INSERT_EVENT = "INSERT INTO journal_events (event_id, workflow_id, received_at,"
            + " dispatched_at, workflow_revision, outcome, reason, replay_of, traceparent, journal, payload, headers,"
            + " actions_published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String INSERT_ACTION = "INSERT INTO journal_actions (event_id, idx, type, queue, outcome,"
            + " reason, params) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String INSERT_REVISION =
            "INSERT INTO journal_revisions (revision, loaded_at, source)" + " VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String UPDATE_REPLAY = "UPDATE journal_replays SET created_at = ?, updated_at = ?, state = ?,"
            + " request = ?, scanned = ?, replayed = ?, cursor = ?, last_event_id = ?, error = ? WHERE id = ?";
    private static final String INSERT_REPLAY = "INSERT INTO journal_replays (created_at, updated_at, state, request,"
            + " scanned, replayed, cursor, last_event_id, error, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING";

    /** A record checked and ready to bind: its times parsed, and nothing of a {@code metadata} one it must not keep. */
    record Checked(JournalRecord record, Instant receivedAt, Instant dispatchedAt, boolean metadata) {

        /** @throws IllegalArgumentException a record that can never be stored */
        static Checked of(JournalRecord record) {
            String id = JournalRows.require(record.eventId(), "an event's event_id");
            JournalRows.require(record.workflowId(), "event " + id + "'s workflow_id");
            JournalRows.require(record.outcome(), "event " + id + "'s outcome");
            for (JournalAction action : record.actions()) {
                JournalRows.require(action.type(), "event " + id + "'s action " + action.index() + " type");
                JournalRows.require(action.outcome(), "event " + id + "'s action " + action.index() + " outcome");
            }
            return new Checked(
                    record,
                    JournalRows.parse(
                            JournalRows.require(record.receivedAt(), "event " + id + "'s received_at"),
                            "event " + id + "'s received_at"),
                    JournalRows.parse(record.dispatchedAt(), "event " + id + "'s dispatched_at"),
                    JournalRecord.METADATA.equals(record.journal()));
        }

        String journal() {
            return record.journal() == null ? JournalRecord.FULL : record.journal();
        }
    }

    private JournalInserts() {}

    /** @throws IllegalArgumentException a revision that can never be stored */
    static void check(WorkflowRevision revision) {
        String id = JournalRows.require(revision.revision(), "a revision's revision");
        JournalRows.require(revision.source(), "revision " + id + "'s source");
        JournalRows.parse(
                JournalRows.require(revision.loadedAt(), "revision " + id + "'s loaded_at"),
                "revision " + id + "'s loaded_at");
    }

    static void insertRevisions(Connection connection, List<WorkflowRevision> revisions) throws SQLException {
        if (revisions.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT_REVISION)) {
            for (WorkflowRevision revision : revisions) {
                insert.setString(1, revision.revision());
                JournalRows.setTime(insert, 2, JournalRows.parse(revision.loadedAt(), "loaded_at"));
                insert.setString(3, revision.source());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    static void insertEvents(Connection connection, List<Checked> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        int[] inserted;
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
            for (Checked event : events) {
                JournalRecord record = event.record();
                insert.setString(1, record.eventId());
                insert.setString(2, record.workflowId());
                JournalRows.setTime(insert, 3, event.receivedAt());
                JournalRows.setTime(insert, 4, event.dispatchedAt());
                insert.setString(5, record.workflowRevision());
                insert.setString(6, record.outcome());
                insert.setString(7, record.reason());
                insert.setString(8, record.replayOf());
                insert.setString(9, record.traceparent());
                insert.setString(10, event.journal());
                insert.setBytes(11, event.metadata() ? null : record.payload());
                insert.setString(12, event.metadata() ? null : JournalRows.writeJson(record.headers()));
                insert.setInt(13, record.actionsPublished());
                insert.addBatch();
            }
            inserted = insert.executeBatch();
        }
        List<Checked> stored = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            // 0: the event was stored already (a redelivery, or twice in this batch), and its actions with it. A driver
            // that does not count (SUCCESS_NO_INFO, as PostgreSQL's with reWriteBatchedInserts) leaves it to the
            // actions' own ON CONFLICT DO NOTHING.
            if (inserted[i] != 0) {
                stored.add(events.get(i));
            }
        }
        insertActions(connection, stored);
    }

    private static void insertActions(Connection connection, List<Checked> events) throws SQLException {
        boolean any = false;
        try (PreparedStatement insert = connection.prepareStatement(INSERT_ACTION)) {
            for (Checked event : events) {
                for (JournalAction action : event.record().actions()) {
                    insert.setString(1, event.record().eventId());
                    insert.setInt(2, action.index());
                    insert.setString(3, action.type());
                    insert.setString(4, action.queue());
                    insert.setString(5, action.outcome());
                    insert.setString(6, action.reason());
                    insert.setString(7, event.metadata() ? null : JournalRows.paramsJson(action.params()));
                    insert.addBatch();
                    any = true;
                }
            }
            if (any) {
                insert.executeBatch();
            }
        }
    }

    /**
     * Saves {@code job}: updated by id, or inserted (and updated after all if another writer inserted it meanwhile).
     *
     * @throws IllegalArgumentException a replay without id, state or times
     */
    static JournalDatabase.Work<Void> saveReplay(ReplayJob job) {
        String id = JournalRows.require(job.id(), "a replay's id");
        JournalRows.require(job.state(), "replay " + id + "'s state");
        Instant created = JournalRows.parse(
                JournalRows.require(job.createdAt(), "replay " + id + "'s created_at"),
                "replay " + id + "'s created_at");
        Instant updated = JournalRows.parse(
                JournalRows.require(job.updatedAt(), "replay " + id + "'s updated_at"),
                "replay " + id + "'s updated_at");
        return connection -> {
            if (saveReplay(connection, UPDATE_REPLAY, job, created, updated) == 0
                    && saveReplay(connection, INSERT_REPLAY, job, created, updated) == 0) {
                saveReplay(connection, UPDATE_REPLAY, job, created, updated);
            }
            return null;
        };
    }

    private static int saveReplay(Connection connection, String sql, ReplayJob job, Instant created, Instant updated)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            JournalRows.setTime(statement, 1, created);
            JournalRows.setTime(statement, 2, updated);
            statement.setString(3, job.state());
            statement.setString(4, job.request());
            statement.setLong(5, job.scanned());
            statement.setLong(6, job.replayed());
            statement.setString(7, job.cursor());
            statement.setString(8, job.lastEventId());
            statement.setString(9, job.error());
            statement.setString(10, job.id());
            return statement.executeUpdate();
        }
    }
}
