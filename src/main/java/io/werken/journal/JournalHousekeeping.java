package io.werken.journal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.werken.workflow.CurrentWorkflows;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * The journal's upkeep, run every few seconds on one thread: measures how far the journal trails (messages of records
 * waiting on its queue, one record each or under load up to 64: {@code werken_journal_lag_records}; past {@code WERKEN_JOURNAL_MAX_LAG} it reports itself behind in its
 * health details and logs a warning a minute), publishes workflows revisions the broker could not take when they were
 * loaded, and applies retention: entries older than {@code WERKEN_JOURNAL_RETENTION} and beyond
 * {@code WERKEN_JOURNAL_MAX_EVENTS} are removed in batches of {@value #BATCH}, each its own short transaction, so
 * writers and readers never wait long; then the revisions no stored entry refers to (except the one in use).
 */
public final class JournalHousekeeping implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalHousekeeping.class);
    static final int BATCH = 1000;
    /** Batches one round removes at most, so that one round never holds the thread for long. */
    private static final int MAX_BATCHES = 100;

    private static final Duration RETENTION_EVERY = Duration.ofMinutes(1);
    private static final Duration WARN_EVERY = Duration.ofMinutes(1);

    private final JournalStore store;
    private final RabbitAdmin admin;
    private final String queue;
    private final RevisionRecorder revisions;
    private final CurrentWorkflows workflows;
    private final Duration retention;
    private final long maxEvents;
    private final long maxLag;
    private final Clock clock;
    private final AtomicLong lag = new AtomicLong(-1);
    private volatile Instant lastRetention = Instant.EPOCH;
    private volatile Instant lastWarning = Instant.EPOCH;

    public JournalHousekeeping(
            JournalStore store,
            RabbitAdmin admin,
            String queue,
            RevisionRecorder revisions,
            CurrentWorkflows workflows,
            Duration retention,
            long maxEvents,
            long maxLag,
            MeterRegistry registry,
            Clock clock) {
        this.store = store;
        this.admin = admin;
        this.queue = queue;
        this.revisions = revisions;
        this.workflows = workflows;
        this.retention = retention;
        this.maxEvents = maxEvents;
        this.maxLag = maxLag;
        this.clock = clock;
        Gauge.builder("werken.journal.lag.records", lag, AtomicLong::get)
                .description("Journal records waiting on the journal queue to be written (-1: unknown)")
                .register(registry);
    }

    @Override
    public void run() {
        try {
            measureLag();
            revisions.retry();
            if (Duration.between(lastRetention, clock.instant()).compareTo(RETENTION_EVERY) >= 0) {
                lastRetention = clock.instant();
                applyRetention();
            }
        } catch (RuntimeException e) {
            // The next round tries again: a database or broker away now is no reason to stop the upkeep.
            LOG.debug("Journal upkeep: {}", e.getMessage());
        }
    }

    /** Records waiting on the journal queue, or -1 when unknown. */
    public long lag() {
        return lag.get();
    }

    public long maxLag() {
        return maxLag;
    }

    /** True when more records wait than {@code WERKEN_JOURNAL_MAX_LAG}. */
    public boolean behind() {
        return lag.get() > maxLag;
    }

    private void measureLag() {
        QueueInformation info;
        try {
            info = admin.getQueueInfo(queue);
        } catch (RuntimeException e) {
            lag.set(-1);
            return;
        }
        lag.set(info == null ? -1 : info.getMessageCount());
        if (behind() && Duration.between(lastWarning, clock.instant()).compareTo(WARN_EVERY) >= 0) {
            lastWarning = clock.instant();
            LOG.warn(
                    "The journal is behind: {} records wait on queue {} (WERKEN_JOURNAL_MAX_LAG {}); they are kept "
                            + "on the broker and written once the journal's database takes them",
                    lag.get(),
                    queue,
                    maxLag);
        }
    }

    /** Removes what retention no longer keeps, batch by batch; how many entries. */
    public long applyRetention() {
        long count = 0;
        Instant cutoff = clock.instant().minus(retention);
        for (int i = 0; i < MAX_BATCHES; i++) {
            int n = store.removeOlderThan(cutoff, BATCH);
            count += n;
            if (n < BATCH) {
                break;
            }
        }
        for (int i = 0; i < MAX_BATCHES; i++) {
            int n = store.removeBeyond(maxEvents, BATCH);
            count += n;
            if (n < BATCH) {
                break;
            }
        }
        if (count > 0) {
            Set<String> keep = new java.util.HashSet<>(revisions.loadedRevisions());
            keep.add(workflows.catalog().revision());
            store.removeUnreferencedRevisions(keep);
            LOG.info(
                    "Journal retention removed {} entries (older than {} or beyond the newest {})",
                    count,
                    retention,
                    maxEvents);
        }
        return count;
    }
}
