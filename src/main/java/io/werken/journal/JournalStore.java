package io.werken.journal;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * STUB, to be replaced by the storage work: the journal's database (PostgreSQL, or H2 in PostgreSQL mode under the
 * data directory), pooled by HikariCP, its schema migrated by Flyway at {@link #open}.
 */
public final class JournalStore implements AutoCloseable {

    /**
     * @param url          a {@code jdbc:postgresql://} URL, or null for the embedded store under {@code embeddedDir}
     * @param user         the database user (PostgreSQL), or null
     * @param password     its password, or null
     * @param embeddedDir  where the embedded store keeps its files when {@code url} is null
     * @param poolSize     the most connections the pool opens
     */
    public record Settings(String url, String user, String password, Path embeddedDir, int poolSize) {
    }

    /** Opens the pool and migrates the schema; a refusal (unreachable, schema newer than this jar) is one line. */
    public static JournalStore open(Settings settings) {
        throw new UnsupportedOperationException("stub");
    }

    /** True for the embedded store. */
    public boolean embedded() {
        throw new UnsupportedOperationException("stub");
    }

    /** Where it is, for logs and health details, without credentials. */
    public String describe() {
        throw new UnsupportedOperationException("stub");
    }

    /**
     * Writes {@code events} (with their actions) and {@code revisions} in one transaction. An event or revision
     * already stored is kept as it is, so writing the same record twice stores it once.
     */
    public void write(List<JournalRecord> events, List<WorkflowRevision> revisions) {
        throw new UnsupportedOperationException("stub");
    }

    /** One page of the listing. */
    public EventPage<EventSummary> list(EventQuery query) {
        throw new UnsupportedOperationException("stub");
    }

    /** As {@link #list}, with each event whole (payload, headers, actions): for search, impact and replay. */
    public EventPage<JournalRecord> scan(EventQuery query) {
        throw new UnsupportedOperationException("stub");
    }

    /** Everything recorded of one event. */
    public Optional<JournalRecord> find(String eventId) {
        throw new UnsupportedOperationException("stub");
    }

    /** The events that replay {@code eventId}, newest first (at most 500). */
    public List<EventSummary> replaysOf(String eventId) {
        throw new UnsupportedOperationException("stub");
    }

    public Optional<WorkflowRevision> revision(String revision) {
        throw new UnsupportedOperationException("stub");
    }

    /** True if the database answers within a couple of seconds. */
    public boolean reachable() {
        throw new UnsupportedOperationException("stub");
    }

    /** Removes at most {@code batch} of the events received before {@code cutoff}, oldest first; how many it removed. */
    public int removeOlderThan(Instant cutoff, int batch) {
        throw new UnsupportedOperationException("stub");
    }

    /** Removes at most {@code batch} of the oldest events beyond the newest {@code maxEvents}; how many it removed. */
    public int removeBeyond(long maxEvents, int batch) {
        throw new UnsupportedOperationException("stub");
    }

    /** Removes the revisions no stored event refers to, except those in {@code keep}; how many it removed. */
    public int removeUnreferencedRevisions(Set<String> keep) {
        throw new UnsupportedOperationException("stub");
    }

    /** How many events it holds. */
    public long countEvents() {
        throw new UnsupportedOperationException("stub");
    }

    /** Inserts the replay, or updates it by id. */
    public void saveReplay(ReplayJob job) {
        throw new UnsupportedOperationException("stub");
    }

    public Optional<ReplayJob> replay(String id) {
        throw new UnsupportedOperationException("stub");
    }

    public List<ReplayJob> replaysInState(String state) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public void close() {
    }
}
