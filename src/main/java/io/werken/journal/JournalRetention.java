package io.werken.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Removes what the journal no longer keeps, a small batch per transaction and by key: the batch's event ids first,
 * then their actions and the events, so that no statement holds locks beyond the rows it removes.
 */
final class JournalRetention {

    private JournalRetention() {}

    /** Removes at most {@code batch} of the events received before {@code cutoff}, oldest first. */
    static int olderThan(Connection connection, Instant cutoff, int batch) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT event_id FROM journal_events WHERE received_at < ? ORDER BY received_at, event_id LIMIT ?")) {
            JournalRows.setTime(statement, 1, cutoff);
            statement.setInt(2, batch);
            return remove(connection, JournalRows.strings(statement));
        }
    }

    /** Removes at most {@code batch} of the oldest events beyond the newest {@code maxEvents}. */
    static int beyond(Connection connection, long maxEvents, int batch) throws SQLException {
        long excess = count(connection) - Math.max(0, maxEvents);
        if (excess <= 0) {
            return 0;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT event_id FROM journal_events ORDER BY received_at, event_id LIMIT ?")) {
            statement.setInt(1, (int) Math.min(excess, batch));
            return remove(connection, JournalRows.strings(statement));
        }
    }

    /** Removes the revisions no stored event refers to, except those in {@code keep}. */
    static int unreferencedRevisions(Connection connection, Set<String> keep) throws SQLException {
        List<String> unreferenced;
        try (PreparedStatement statement = connection.prepareStatement("SELECT r.revision FROM journal_revisions r"
                + " WHERE NOT EXISTS (SELECT 1 FROM journal_events e WHERE e.workflow_revision = r.revision)")) {
            unreferenced = new ArrayList<>(JournalRows.strings(statement));
        }
        unreferenced.removeIf(keep::contains);
        if (unreferenced.isEmpty()) {
            return 0;
        }
        int removed = 0;
        // Checked again as it is removed: an event written meanwhile may refer to it.
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM journal_revisions r"
                + " WHERE r.revision = ? AND NOT EXISTS"
                + " (SELECT 1 FROM journal_events e WHERE e.workflow_revision = r.revision)")) {
            for (String revision : unreferenced) {
                delete.setString(1, revision);
                delete.addBatch();
            }
            for (int count : delete.executeBatch()) {
                removed += Math.max(0, count);
            }
        }
        return removed;
    }

    static long count(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM journal_events");
                ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Removes the events {@code ids} and their actions; how many events it removed. */
    private static int remove(Connection connection, List<String> ids) throws SQLException {
        int removed = 0;
        for (List<String> chunk : JournalRows.chunks(ids)) {
            String in = " WHERE event_id IN (" + JournalRows.placeholders(chunk.size()) + ")";
            try (PreparedStatement actions = connection.prepareStatement("DELETE FROM journal_actions" + in)) {
                JournalRows.bind(actions, chunk);
                actions.executeUpdate();
            }
            try (PreparedStatement events = connection.prepareStatement("DELETE FROM journal_events" + in)) {
                JournalRows.bind(events, chunk);
                removed += events.executeUpdate();
            }
        }
        return removed;
    }

    static void requireBatch(int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be at least 1, not " + batch);
        }
    }
}
