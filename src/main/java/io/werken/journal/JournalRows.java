package io.werken.journal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.IsoMillis;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal's rows as Java values and back: column lists, times (ISO-8601 UTC, milliseconds), JSON text, and lists
 * of event ids as {@code IN (...)} parameters.
 */
final class JournalRows {

    /** The most ids in one {@code IN (...)} list. */
    static final int IN_LIST = 500;

    static final String SUMMARY_COLUMNS =
            "e.event_id, e.workflow_id, e.received_at, e.outcome, e.workflow_revision, e.actions_published, e.replay_of";
    static final String RECORD_COLUMNS =
            SUMMARY_COLUMNS + ", e.dispatched_at, e.reason, e.traceparent, e.journal, e.payload, e.headers";
    static final String ACTION_COLUMNS = "event_id, idx, type, queue, outcome, reason, params";
    static final String REPLAY_COLUMNS =
            "id, created_at, updated_at, state, request, scanned, replayed, cursor, last_event_id, error";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> HEADERS = new TypeReference<>() {};

    private JournalRows() {}

    /** A time as Werken writes them: {@code 2026-12-01T10:00:00.123Z}. */
    static String format(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /** Parses {@code text} (null stays null), kept to the millisecond like every time the journal stores. */
    static Instant parse(String text, String what) {
        if (text == null) {
            return null;
        }
        try {
            return IsoMillis.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " is not an ISO-8601 UTC time: " + text);
        }
    }

    static void setTime(PreparedStatement statement, int index, Instant instant) throws SQLException {
        // Not OffsetDateTime.ofInstant: it asks the offset for its rules, a new object each time, per time written.
        statement.setObject(
                index,
                instant == null
                        ? null
                        : OffsetDateTime.of(
                                LocalDateTime.ofEpochSecond(
                                        instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC),
                                ZoneOffset.UTC));
    }

    static Instant time(ResultSet rows, String column) throws SQLException {
        OffsetDateTime time = rows.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    static EventSummary summary(ResultSet rows) throws SQLException {
        return new EventSummary(
                rows.getString("event_id"),
                rows.getString("workflow_id"),
                format(time(rows, "received_at")),
                rows.getString("outcome"),
                rows.getString("workflow_revision"),
                rows.getInt("actions_published"),
                rows.getString("replay_of"));
    }

    /** The event of the current row, with {@code actions} (read separately, by event). */
    static JournalRecord record(ResultSet rows, List<JournalAction> actions) throws SQLException {
        String headers = rows.getString("headers");
        return new JournalRecord(
                rows.getString("event_id"),
                rows.getString("workflow_id"),
                rows.getString("workflow_revision"),
                format(time(rows, "received_at")),
                format(time(rows, "dispatched_at")),
                rows.getString("outcome"),
                rows.getString("reason"),
                rows.getString("replay_of"),
                rows.getString("traceparent"),
                rows.getString("journal"),
                rows.getBytes("payload"),
                headers == null ? null : readHeaders(headers),
                actions);
    }

    static JournalAction action(ResultSet rows) throws SQLException {
        String params = rows.getString("params");
        return new JournalAction(
                rows.getInt("idx"),
                rows.getString("type"),
                rows.getString("queue"),
                rows.getString("outcome"),
                rows.getString("reason"),
                params == null ? null : readTree(params));
    }

    static ReplayJob replay(ResultSet rows) throws SQLException {
        return new ReplayJob(
                rows.getString("id"),
                format(time(rows, "created_at")),
                format(time(rows, "updated_at")),
                rows.getString("state"),
                rows.getString("request"),
                rows.getLong("scanned"),
                rows.getLong("replayed"),
                rows.getString("cursor"),
                rows.getString("last_event_id"),
                rows.getString("error"));
    }

    static WorkflowRevision revision(ResultSet rows) throws SQLException {
        return new WorkflowRevision(
                rows.getString("revision"), format(time(rows, "loaded_at")), rows.getString("source"));
    }

    static RevisionSummary revisionSummary(ResultSet rows) throws SQLException {
        return new RevisionSummary(rows.getString("revision"), format(time(rows, "loaded_at")));
    }

    /** The JSON text of an action's params: as the journal queue's record carried them when read from it. */
    static String paramsJson(JsonNode params) {
        try {
            return JournalRecordCodec.paramsJson(params, JSON);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String writeJson(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> readHeaders(String text) {
        try {
            return JSON.readValue(text, HEADERS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readTree(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code value}, which a stored row must have. */
    static String require(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        return value;
    }

    /** {@code ids} in lists of at most {@link #IN_LIST}. */
    static List<List<String>> chunks(List<String> ids) {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += IN_LIST) {
            chunks.add(ids.subList(from, Math.min(ids.size(), from + IN_LIST)));
        }
        return chunks;
    }

    static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    static void bind(PreparedStatement statement, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            statement.setString(i + 1, values.get(i));
        }
    }

    /** The first column of every row {@code statement} selects. */
    static List<String> strings(PreparedStatement statement) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
