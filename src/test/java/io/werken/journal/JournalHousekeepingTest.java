package io.werken.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.werken.broker.MessagePublisher;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention as the journal's upkeep applies it, on the embedded store: by age and by count, in batches. */
class JournalHousekeepingTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

    @TempDir
    Path dir;

    private static JournalRecord event(String id, Instant receivedAt, String revision) {
        return new JournalRecord(
                id,
                "mi-workflow",
                revision,
                receivedAt.toString(),
                receivedAt.toString(),
                JournalRecord.DISPATCHED,
                null,
                null,
                null,
                JournalRecord.FULL,
                "{}".getBytes(StandardCharsets.UTF_8),
                java.util.Map.of(),
                List.of(new JournalAction(0, "a", "q", JournalAction.PUBLISHED, null, null)));
    }

    private JournalHousekeeping housekeeping(JournalStore store, Duration retention, long maxEvents) {
        WorkflowCatalog catalog = WorkflowCatalog.load(
                "test",
                "{\"mi-workflow\":{\"actions\":[{\"type\":\"a\"}]}}".getBytes(StandardCharsets.UTF_8),
                WorkflowCatalog.Settings.defaults());
        MessagePublisher nowhere = messages -> {};
        return new JournalHousekeeping(
                store,
                null,
                "werken.journal",
                new RevisionRecorder(JournalRecords.off(), nowhere),
                new CurrentWorkflows(catalog),
                retention,
                maxEvents,
                100,
                new SimpleMeterRegistry(),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void entriesOlderThanTheRetentionGoInBatchesAndTheirRevisionWithThem() {
        try (JournalStore store = JournalStore.open(new JournalStore.Settings(null, null, null, dir, 2))) {
            List<JournalRecord> events = new ArrayList<>();
            for (int i = 0; i < 2_500; i++) {
                events.add(event("old-" + i, NOW.minus(Duration.ofDays(8)).plusMillis(i), "old-revision"));
            }
            events.add(event("recent", NOW.minus(Duration.ofDays(1)), "new-revision"));
            store.write(
                    events,
                    List.of(
                            new WorkflowRevision(
                                    "old-revision",
                                    NOW.minus(Duration.ofDays(9)).toString(),
                                    "{}"),
                            new WorkflowRevision(
                                    "new-revision",
                                    NOW.minus(Duration.ofDays(2)).toString(),
                                    "{}")));

            long removed = housekeeping(store, Duration.ofDays(7), 10_000_000).applyRetention();

            assertThat(removed)
                    .as("more than one batch of %s", JournalHousekeeping.BATCH)
                    .isEqualTo(2_500);
            assertThat(store.countEvents()).isEqualTo(1);
            assertThat(store.find("recent")).isPresent();
            assertThat(store.revision("old-revision"))
                    .as("no entry refers to it any more")
                    .isEmpty();
            assertThat(store.revision("new-revision")).isPresent();
        }
    }

    @Test
    void theOldestEntriesBeyondTheMostKeptGo() {
        try (JournalStore store = JournalStore.open(new JournalStore.Settings(null, null, null, dir, 2))) {
            List<JournalRecord> events = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                events.add(event("e" + i, NOW.minus(Duration.ofMinutes(10 - i)), "r"));
            }
            store.write(events, List.of());

            assertThat(housekeeping(store, Duration.ofDays(7), 4).applyRetention())
                    .isEqualTo(6);

            assertThat(store.list(EventQuery.all()).events())
                    .extracting(EventSummary::eventId)
                    .containsExactly("e9", "e8", "e7", "e6");
        }
    }
}
