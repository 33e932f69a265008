package io.werken.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The listing's query: the events an {@link EventQuery} selects, newest first, after its keyset cursor (never an
 * OFFSET), one page at a time; and the actions of a page's events, read together.
 */
final class EventSelection {

    /** Reads the current row. */
    @FunctionalInterface
    interface Row<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private final StringBuilder where = new StringBuilder();
    private final List<Object> parameters = new ArrayList<>();
    private final int limit;
    private String leading = "";

    private EventSelection(int limit) {
        this.limit = limit;
    }

    /**
     * The selection {@code query} asks for.
     *
     * @throws IllegalArgumentException a limit outside 1..500, or a cursor this journal did not give
     */
    static EventSelection of(EventQuery query) {
        if (query.limit() < 1 || query.limit() > EventQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + EventQuery.MAX_LIMIT + ", not " + query.limit());
        }
        EventSelection selection = new EventSelection(query.limit());
        selection.and(query.workflow(), "e.workflow_id = ?");
        selection.and(query.outcome(), "e.outcome = ?");
        selection.and(query.replayOf(), "e.replay_of = ?");
        // The column of an index (column, received_at DESC, event_id DESC) that an equality selects: H2 reads that
        // index in order only when the ORDER BY names it too (PostgreSQL sees that it is constant either way).
        selection.leading = query.workflow() != null
                ? "e.workflow_id, "
                : query.outcome() != null ? "e.outcome, " : query.replayOf() != null ? "e.replay_of, " : "";
        selection.and(query.since(), "e.received_at >= ?");
        selection.and(query.until(), "e.received_at < ?");
        selection.and(
                query.actionType(),
                "EXISTS (SELECT 1 FROM journal_actions a WHERE a.event_id = e.event_id AND a.type = ? AND a.outcome <> 'skipped')");
        selection.and(
                query.queue(),
                "EXISTS (SELECT 1 FROM journal_actions a WHERE a.event_id = e.event_id AND a.queue = ? AND a.outcome <> 'skipped')");
        if (query.cursor() != null) {
            JournalCursor after = JournalCursor.decode(query.cursor());
            // A row comparison: both databases read it as a range of the (received_at DESC, event_id DESC) indexes.
            selection.and(after.receivedAt(), "(e.received_at, e.event_id) < (?, ?)");
            selection.parameters.add(after.eventId());
        }
        return selection;
    }

    /**
     * One page: {@code columns} of the selected events read by {@code row}, and the cursor after the last of them if
     * more follow (it reads one row more than the page to know).
     */
    <T> EventPage<T> page(Connection connection, String columns, Row<T> row, Function<T, String> idOf)
            throws SQLException {
        List<T> events = new ArrayList<>();
        Instant lastReceivedAt = null;
        try (PreparedStatement statement = prepare(connection, columns);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                if (events.size() == limit) {
                    return new EventPage<>(
                            events, JournalCursor.encode(lastReceivedAt, idOf.apply(events.get(events.size() - 1))));
                }
                events.add(row.read(rows));
                lastReceivedAt = JournalRows.time(rows, "received_at");
            }
        }
        return new EventPage<>(events, null);
    }

    /** {@code events} with their actions, read in one query for up to {@value JournalRows#IN_LIST} events. */
    static List<JournalRecord> withActions(Connection connection, List<JournalRecord> events) throws SQLException {
        if (events.isEmpty()) {
            return events;
        }
        Map<String, List<JournalAction>> actions = new HashMap<>();
        for (List<String> chunk :
                JournalRows.chunks(events.stream().map(JournalRecord::eventId).toList())) {
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + JournalRows.ACTION_COLUMNS
                    + " FROM journal_actions WHERE event_id IN (" + JournalRows.placeholders(chunk.size())
                    + ") ORDER BY event_id, idx")) {
                JournalRows.bind(statement, chunk);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        actions.computeIfAbsent(rows.getString("event_id"), id -> new ArrayList<>())
                                .add(JournalRows.action(rows));
                    }
                }
            }
        }
        List<JournalRecord> whole = new ArrayList<>(events.size());
        for (JournalRecord e : events) {
            whole.add(new JournalRecord(
                    e.eventId(),
                    e.workflowId(),
                    e.workflowRevision(),
                    e.receivedAt(),
                    e.dispatchedAt(),
                    e.outcome(),
                    e.reason(),
                    e.replayOf(),
                    e.traceparent(),
                    e.journal(),
                    e.payload(),
                    e.headers(),
                    actions.getOrDefault(e.eventId(), List.of())));
        }
        return whole;
    }

    private void and(Object value, String condition) {
        if (value != null) {
            where.append(where.length() == 0 ? " WHERE " : " AND ").append(condition);
            parameters.add(value);
        }
    }

    private PreparedStatement prepare(Connection connection, String columns) throws SQLException {
        PreparedStatement statement = connection.prepareStatement("SELECT " + columns + " FROM journal_events e" + where
                + " ORDER BY " + leading + "e.received_at DESC, e.event_id DESC LIMIT ?");
        try {
            int index = 1;
            for (Object parameter : parameters) {
                if (parameter instanceof Instant instant) {
                    JournalRows.setTime(statement, index++, instant);
                } else {
                    statement.setString(index++, (String) parameter);
                }
            }
            statement.setInt(index, limit + 1);
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }
}
