package io.werken.journal;

import io.werken.core.StartupRefusedException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The journal's database (PostgreSQL, or H2 in PostgreSQL mode under the data directory), pooled by HikariCP, its
 * schema migrated by Flyway from {@code db/journal}; the same SQL serves both.
 *
 * <p>A database that is down must not keep Werken from starting and dispatching: the pool starts without a connection
 * (HikariCP's {@code initializationFailTimeout} -1), and {@link #open} tries to migrate. If PostgreSQL cannot be
 * reached, {@code open} logs one warning and returns the store all the same; every later call first migrates the schema
 * if that has not been done yet (each call tries again, bounded by the pool's connection timeout, and calls that waited
 * on an attempt in progress share its outcome), and until then throws {@link JournalUnavailableException}. A schema
 * newer than this jar's (migrated by a newer Werken) refuses {@code open} with a one-line
 * {@link StartupRefusedException}; found only later, when the database comes back, it makes every call throw
 * {@link JournalUnavailableException} with the same line. The embedded store is a local file, which does not come back
 * by waiting: if it cannot be opened, {@code open} refuses.
 *
 * <p>Every SQL failure throws {@link JournalUnavailableException}, in one line naming the database by
 * {@link #describe()}, never with the password. Times come back as Werken writes them: ISO-8601 UTC to the
 * millisecond ({@code DateTimeFormatter.ISO_INSTANT}), and are stored to the millisecond.
 *
 * <p>One class over 300 lines on purpose: it is the journal's one way into its database (the SQL itself is in
 * {@code JournalInserts}, {@code EventSelection} and {@code JournalRetention}), one short method per query.
 */
public final class JournalStore implements AutoCloseable {

    /** How long a call waits for a connection before the journal counts as unavailable. */
    static final long CONNECTION_TIMEOUT_MILLIS = 3000;

    /**
     * @param url          a {@code jdbc:postgresql://} URL, or null for the embedded store under {@code embeddedDir}
     * @param user         the database user (PostgreSQL), or null
     * @param password     its password, or null
     * @param embeddedDir  where the embedded store keeps its files when {@code url} is null
     * @param poolSize     the most connections the pool opens
     */
    public record Settings(String url, String user, String password, Path embeddedDir, int poolSize) {

        @Override
        public String toString() {
            return "Settings[url=" + JournalDatabase.withoutParameters(url) + ", user=" + user + ", embeddedDir="
                    + embeddedDir + ", poolSize=" + poolSize + "]";
        }
    }

    private final JournalDatabase database;

    private JournalStore(JournalDatabase database) {
        this.database = database;
    }

    /**
     * Opens the pool and migrates the schema. A schema newer than this jar's, or one Flyway refuses to migrate, refuses
     * in one line ({@link StartupRefusedException}); so does an embedded store that cannot be opened. An unreachable
     * PostgreSQL does not: the store migrates when the database answers (see the class comment).
     */
    public static JournalStore open(Settings settings) {
        return open(settings, CONNECTION_TIMEOUT_MILLIS);
    }

    /** As {@link #open(Settings)}, waiting at most {@code connectionTimeoutMillis} (250 or more) for a connection. */
    static JournalStore open(Settings settings, long connectionTimeoutMillis) {
        return new JournalStore(JournalDatabase.open(settings, connectionTimeoutMillis));
    }

    /** True for the embedded store. */
    public boolean embedded() {
        return database.embedded();
    }

    /** Where it is, for logs and health details, without credentials: its JDBC URL without parameters. */
    public String describe() {
        return database.description();
    }

    /**
     * Writes {@code events} (with their actions) and {@code revisions} in one transaction. An event or revision
     * already stored is kept as it is, so writing the same record twice stores it once (with its actions once). An
     * event journaled as {@code metadata} is stored without payload, headers and params whatever the record carries.
     *
     * @throws IllegalArgumentException    a record that can never be stored (a required field missing, a time that is
     *                                     not ISO-8601); nothing was written
     * @throws JournalUnavailableException the database failed: nothing was written, or (a commit cut off) perhaps all
     *                                     of it; writing the same records again is safe either way
     */
    public void write(List<JournalRecord> events, List<WorkflowRevision> revisions) {
        List<JournalInserts.Checked> checked = new ArrayList<>();
        for (JournalRecord record : events == null ? List.<JournalRecord>of() : events) {
            checked.add(JournalInserts.Checked.of(record));
        }
        List<WorkflowRevision> loaded = revisions == null ? List.of() : revisions;
        loaded.forEach(JournalInserts::check);
        if (checked.isEmpty() && loaded.isEmpty()) {
            return;
        }
        database.transaction(connection -> {
            JournalInserts.insertRevisions(connection, loaded);
            JournalInserts.insertEvents(connection, checked);
            return null;
        });
    }

    /**
     * One page of the listing.
     *
     * @throws IllegalArgumentException a limit outside 1..500, or a cursor this journal did not give
     */
    public EventPage<EventSummary> list(EventQuery query) {
        EventSelection selection = EventSelection.of(query);
        return database.read(connection ->
                selection.page(connection, JournalRows.SUMMARY_COLUMNS, JournalRows::summary, EventSummary::eventId));
    }

    /**
     * As {@link #list}, with each event whole (payload, headers, actions; the page's actions read in one query): for
     * search, impact and replay. Its cursors and {@link #list}'s are the same.
     *
     * @throws IllegalArgumentException a limit outside 1..500, or a cursor this journal did not give
     */
    public EventPage<JournalRecord> scan(EventQuery query) {
        EventSelection selection = EventSelection.of(query);
        return database.read(connection -> {
            EventPage<JournalRecord> page = selection.page(
                    connection,
                    JournalRows.RECORD_COLUMNS,
                    rows -> JournalRows.record(rows, List.of()),
                    JournalRecord::eventId);
            return new EventPage<>(EventSelection.withActions(connection, page.events()), page.nextCursor());
        });
    }

    /** Everything recorded of one event. */
    public Optional<JournalRecord> find(String eventId) {
        return database.read(connection -> {
            List<JournalRecord> found = new ArrayList<>(1);
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + JournalRows.RECORD_COLUMNS + " FROM journal_events e WHERE e.event_id = ?")) {
                statement.setString(1, eventId);
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        found.add(JournalRows.record(rows, List.of()));
                    }
                }
            }
            return EventSelection.withActions(connection, found).stream().findFirst();
        });
    }

    /** The events that replay {@code eventId}, newest first (at most 500). */
    public List<EventSummary> replaysOf(String eventId) {
        return database.read(connection -> {
            List<EventSummary> replays = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + JournalRows.SUMMARY_COLUMNS
                    + " FROM journal_events e WHERE e.replay_of = ?"
                    + " ORDER BY e.replay_of, e.received_at DESC, e.event_id DESC LIMIT " + EventQuery.MAX_LIMIT)) {
                statement.setString(1, eventId);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        replays.add(JournalRows.summary(rows));
                    }
                }
            }
            return replays;
        });
    }

    /** Most revisions {@link #revisions} lists. */
    public static final int MAX_REVISIONS = 500;

    /**
     * The stored revisions, newest first (by when Werken first loaded each, then by revision), at most {@code limit}.
     * The same SQL serves PostgreSQL and H2: the table holds one row per revision of the file, few enough to sort.
     *
     * @throws IllegalArgumentException a limit outside 1..{@value #MAX_REVISIONS}
     */
    public List<RevisionSummary> revisions(int limit) {
        if (limit < 1 || limit > MAX_REVISIONS) {
            throw new IllegalArgumentException(
                    "The revisions' limit must be from 1 to " + MAX_REVISIONS + ", not " + limit);
        }
        return database.read(connection -> {
            List<RevisionSummary> revisions = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT revision, loaded_at FROM"
                    + " journal_revisions ORDER BY loaded_at DESC, revision DESC LIMIT ?")) {
                statement.setInt(1, limit);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        revisions.add(JournalRows.revisionSummary(rows));
                    }
                }
            }
            return revisions;
        });
    }

    /** One stored revision, with the file as written. */
    public Optional<WorkflowRevision> revision(String revision) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT revision, loaded_at, source FROM journal_revisions WHERE revision = ?")) {
                statement.setString(1, revision);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(JournalRows.revision(rows)) : Optional.empty();
                }
            }
        });
    }

    /**
     * True if the database answers within the pool's connection timeout (3 s) and a couple of seconds more, and its
     * schema is this jar's (migrating it first if that is still to do).
     */
    public boolean reachable() {
        return database.reachable();
    }

    /** Removes at most {@code batch} of the events received before {@code cutoff}, oldest first; how many it removed. */
    public int removeOlderThan(Instant cutoff, int batch) {
        JournalRetention.requireBatch(batch);
        return database.transaction(connection -> JournalRetention.olderThan(connection, cutoff, batch));
    }

    /**
     * Removes at most {@code batch} of the oldest events beyond the newest {@code maxEvents}; how many it removed. Each
     * call counts the events (on a large journal, a scan of PostgreSQL's smallest index): call it with batches of
     * thousands rather than tens.
     */
    public int removeBeyond(long maxEvents, int batch) {
        JournalRetention.requireBatch(batch);
        return database.transaction(connection -> JournalRetention.beyond(connection, maxEvents, batch));
    }

    /**
     * Removes the revisions no stored event refers to, except those in {@code keep} (which should hold every revision
     * Werken has loaded and may still journal events with); how many it removed.
     */
    public int removeUnreferencedRevisions(Set<String> keep) {
        Set<String> kept = keep == null ? Set.of() : keep;
        return database.transaction(connection -> JournalRetention.unreferencedRevisions(connection, kept));
    }

    /** How many events it holds. */
    public long countEvents() {
        return database.read(JournalRetention::count);
    }

    /**
     * Inserts the replay, or updates it by id.
     *
     * @throws IllegalArgumentException a replay without id, state or times (ISO-8601)
     */
    public void saveReplay(ReplayJob job) {
        database.transaction(JournalInserts.saveReplay(job));
    }

    public Optional<ReplayJob> replay(String id) {
        return database.read(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT " + JournalRows.REPLAY_COLUMNS + " FROM journal_replays WHERE id = ?")) {
                statement.setString(1, id);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(JournalRows.replay(rows)) : Optional.empty();
                }
            }
        });
    }

    /** The replays in {@code state}, oldest first. */
    public List<ReplayJob> replaysInState(String state) {
        return database.read(connection -> {
            List<ReplayJob> jobs = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT " + JournalRows.REPLAY_COLUMNS
                    + " FROM journal_replays WHERE state = ? ORDER BY created_at, id")) {
                statement.setString(1, state);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        jobs.add(JournalRows.replay(rows));
                    }
                }
            }
            return jobs;
        });
    }

    /**
     * The listing cursor that continues after the event with id {@code eventId} received at {@code receivedAt} (as a
     * {@link JournalRecord} or {@link EventSummary} carries it): for a search that stops within a page.
     */
    public static String cursorAfter(String receivedAt, String eventId) {
        return JournalCursor.encode(
                JournalRows.parse(JournalRows.require(receivedAt, "received_at"), "received_at"),
                JournalRows.require(eventId, "event_id"));
    }

    @Override
    public void close() {
        database.close();
    }
}
