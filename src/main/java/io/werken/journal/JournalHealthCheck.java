package io.werken.journal;

import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * {@code werken/journal}: where the journal is, whether its database takes writes, and how far it trails. It stays UP
 * whatever the database does: a journal that is away or behind delays nothing and loses nothing (its records wait on
 * the broker), so it must not take Werken out of a load balancer. Its details say {@code state}: {@code writing},
 * {@code behind} (more than {@code WERKEN_JOURNAL_MAX_LAG} records wait) or {@code unavailable} (the database refuses
 * writes; since when, and why).
 */
public final class JournalHealthCheck extends AbstractHealthCheck {

    private final JournalStore store;
    private final JournalWriter writer;
    private final JournalHousekeeping housekeeping;

    public JournalHealthCheck(JournalStore store, JournalWriter writer, JournalHousekeeping housekeeping) {
        super("werken", "journal");
        this.store = store;
        this.writer = writer;
        this.housekeeping = housekeeping;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("database", store.describe());
        builder.detail("embedded", store.embedded());
        String problem = writer.problem();
        String state = problem != null ? "unavailable" : housekeeping.behind() ? "behind" : "writing";
        builder.detail("state", state);
        if (problem != null) {
            builder.detail("problem", problem);
            builder.detail("since", String.valueOf(writer.problemSince()));
        }
        builder.detail("lag_records", housekeeping.lag());
        builder.detail("max_lag_records", housekeeping.maxLag());
        if (writer.lastWrittenMillis() > 0) {
            builder.detail(
                    "last_written_at",
                    java.time.Instant.ofEpochMilli(writer.lastWrittenMillis()).toString());
        }
        builder.message("journal " + state);
        builder.up();
    }
}
