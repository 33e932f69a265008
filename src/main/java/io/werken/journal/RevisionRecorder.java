package io.werken.journal;

import io.werken.broker.MessagePublisher;
import io.werken.workflow.WorkflowCatalog;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts each workflows revision Werken loads (at startup and at every reload) on the journal queue, confirmed, so that
 * the journal keeps the file as written for every event dispatched with it. A revision the broker could not take then
 * (it was away) is kept and published again by {@link #retry()}, which the journal's housekeeping calls.
 */
public final class RevisionRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(RevisionRecorder.class);

    private final JournalRecords records;
    private final MessagePublisher publisher;
    private final Map<String, WorkflowCatalog> pending = new LinkedHashMap<>();
    private final java.util.Set<String> loaded = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public RevisionRecorder(JournalRecords records, MessagePublisher publisher) {
        this.records = records;
        this.publisher = publisher;
    }

    /** Records {@code catalog}'s revision now, or later if the broker cannot take it now. */
    public void loaded(WorkflowCatalog catalog) {
        loaded.add(catalog.revision());
        synchronized (pending) {
            pending.put(catalog.revision(), catalog);
        }
        retry();
    }

    /** Every revision loaded since Werken started: events in flight may refer to any of them. */
    public java.util.Set<String> loadedRevisions() {
        return java.util.Set.copyOf(loaded);
    }

    /** Publishes the revisions still waiting; true when none waits. */
    public boolean retry() {
        List<WorkflowCatalog> waiting;
        synchronized (pending) {
            waiting = List.copyOf(pending.values());
        }
        for (WorkflowCatalog catalog : waiting) {
            try {
                publisher.publishAll(List.of(records.revision(catalog)));
                synchronized (pending) {
                    pending.remove(catalog.revision(), catalog);
                }
            } catch (RuntimeException e) {
                LOG.warn(
                        "Could not put workflows revision {} on the journal queue ({}); trying again later",
                        catalog.revision(),
                        e.getMessage());
                return false;
            }
        }
        return true;
    }
}
