package io.werken.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Records straight to the journal's database: a pack is one write, its future completes on the commit; a failure or a
 * commit slower than the timeout fails it (the packer then publishes it) and sends the next packs to the broker at once
 * for the pause; a record that cannot be stored fails its pack without a pause; too many packs waiting are refused.
 */
class JournalDirectWriterTest {

    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final Duration PAUSE = Duration.ofSeconds(5);

    /** The writer's clock: moved by the test, so that the pause ends when the test says. */
    private final AtomicLong now = new AtomicLong();

    private final List<List<String>> written = Collections.synchronizedList(new ArrayList<>());
    private volatile Consumer<List<JournalRecord>> database =
            records -> written.add(records.stream().map(JournalRecord::eventId).toList());
    private final JournalDirectWriter writer =
            new JournalDirectWriter(records -> database.accept(records), TIMEOUT, PAUSE, now::get);

    @AfterEach
    void close() {
        writer.close();
    }

    private static JournalRecord record(String eventId) {
        return TestRecords.dispatched(eventId, "{}".getBytes(StandardCharsets.UTF_8), List.of());
    }

    private static Throwable failure(CompletableFuture<Void> future) {
        try {
            future.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the write neither completed nor failed", e);
        }
        throw new AssertionError("the write succeeded");
    }

    @Test
    void aPackIsOneWriteOfItsRecordsAndCompletesOnceCommitted() throws Exception {
        CompletableFuture<Void> committed = writer.write(List.of(record("e-1"), record("e-2"), record("e-3")));

        committed.get(5, TimeUnit.SECONDS);
        assertThat(written).containsExactly(List.of("e-1", "e-2", "e-3"));
    }

    @Test
    void aFailedDatabaseFailsThePackAndTheNextPacksAtOnceUntilThePauseIsOver() throws Exception {
        database = records -> {
            throw new JournalUnavailableException("connection refused", null);
        };
        assertThat(failure(writer.write(List.of(record("e-1"))))).isInstanceOf(JournalUnavailableException.class);

        database = records ->
                written.add(records.stream().map(JournalRecord::eventId).toList());
        CompletableFuture<Void> duringThePause = writer.write(List.of(record("e-2")));
        assertThat(duringThePause).as("refused without trying the database").isCompletedExceptionally();

        now.addAndGet(PAUSE.toNanos());
        writer.write(List.of(record("e-3"))).get(5, TimeUnit.SECONDS);
        assertThat(written).containsExactly(List.of("e-3"));
    }

    @Test
    void aCommitSlowerThanTheTimeoutFailsThePackAndPausesEvenWhenItLandsLater() throws Exception {
        CountDownLatch slow = new CountDownLatch(1);
        database = records -> {
            try {
                slow.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(records.stream().map(JournalRecord::eventId).toList());
        };
        CompletableFuture<Void> first = writer.write(List.of(record("e-1")));
        assertThat(failure(first)).isInstanceOf(TimeoutException.class);
        slow.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> written.size() == 1);

        // Stored after all (its records were published too: stored once, by key); the database is slow, so the pause
        // holds.
        assertThat(writer.write(List.of(record("e-2")))).isCompletedExceptionally();
        assertThat(written).containsExactly(List.of("e-1"));
    }

    @Test
    void aRecordTheDatabaseCannotStoreFailsItsPackWithoutAPause() throws Exception {
        database = records -> {
            if (records.get(0).eventId().equals("bad")) {
                throw new IllegalArgumentException("event bad's received_at is not ISO-8601");
            }
            written.add(records.stream().map(JournalRecord::eventId).toList());
        };
        assertThat(failure(writer.write(List.of(record("bad"))))).isInstanceOf(IllegalArgumentException.class);

        writer.write(List.of(record("e-1"))).get(5, TimeUnit.SECONDS);
        assertThat(written).containsExactly(List.of("e-1"));
    }

    @Test
    void packsBeyondTheOnesWaitingAreRefusedAtOnce() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch slow = new CountDownLatch(1);
        database = records -> {
            writing.countDown();
            try {
                slow.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        try (JournalDirectWriter patient =
                new JournalDirectWriter(records -> database.accept(records), Duration.ofMinutes(1), PAUSE, now::get)) {
            List<CompletableFuture<Void>> accepted = new ArrayList<>();
            accepted.add(patient.write(List.of(record("e-0"))));
            assertThat(writing.await(5, TimeUnit.SECONDS))
                    .as("the first pack is being written")
                    .isTrue();
            for (int i = 1; i <= JournalDirectWriter.QUEUED; i++) {
                accepted.add(patient.write(List.of(record("e-" + i))));
            }
            assertThat(accepted).noneMatch(CompletableFuture::isDone);

            assertThat(failure(patient.write(List.of(record("beyond")))))
                    .isInstanceOf(JournalUnavailableException.class)
                    .hasMessageContaining("too many packs waiting");
            slow.countDown();
            CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        }
    }
}
