package io.werken.journal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the records the {@link JournalPacker} gathered straight to the journal's PostgreSQL, in one transaction per
 * pack, on a thread of its own, so that the broker never carries them (design record 13,
 * docs/design/0013-journal-records-straight-to-postgresql.md). A pack whose commit has not returned within the timeout
 * (250 ms), or failed, is the packer's to publish to the journal queue as before; the journal's writer takes it from
 * there once the database answers. Writing a record twice stores it once, so a commit that lands after its pack was
 * also published costs nothing but the second write.
 * <p>
 * After a failure or a timeout it refuses at once for a pause (5 s): while the database is down or slow, records go
 * to the broker without waiting for it. At most {@value #QUEUED} packs wait for its thread; more are refused, and go
 * to the broker too. The record is durable before its event is acknowledged either way: committed on PostgreSQL
 * (with {@code synchronous_commit} on, PostgreSQL's default), or confirmed by the broker.
 */
public final class JournalDirectWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalDirectWriter.class);

    /** How long a pack waits for its commit before it goes to the broker. */
    public static final Duration TIMEOUT = Duration.ofMillis(250);
    /** How long writes go to the broker after a failure or a timeout. */
    public static final Duration PAUSE = Duration.ofSeconds(5);
    /** Packs waiting for the thread, beyond the one it writes: the packer has at most two in flight. */
    static final int QUEUED = 4;

    private final Consumer<List<JournalRecord>> store;
    private final Duration timeout;
    private final Duration pause;
    private final LongSupplier nanoTime;
    private final ThreadPoolExecutor thread;
    private volatile long pausedUntil;
    private volatile boolean paused;

    /** Writes to {@code store} (in one transaction), with the 250 ms timeout and the 5 s pause. */
    public JournalDirectWriter(JournalStore store) {
        this(records -> store.write(records, List.of()), TIMEOUT, PAUSE, System::nanoTime);
    }

    JournalDirectWriter(Consumer<List<JournalRecord>> store, Duration timeout, Duration pause, LongSupplier nanoTime) {
        this.store = store;
        this.timeout = timeout;
        this.pause = pause;
        this.nanoTime = nanoTime;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUED), task -> {
            Thread writer = new Thread(task, "werken-journal-direct");
            writer.setDaemon(true);
            return writer;
        });
    }

    /**
     * Writes the records in one transaction: the future completes once they are committed, and fails if they were not
     * within the timeout, could not be, or were refused (paused, or too many waiting). It completes on the writer's
     * thread, or on the JDK's delay thread for a timeout.
     */
    public CompletableFuture<Void> write(List<JournalRecord> records) {
        if (paused()) {
            return CompletableFuture.failedFuture(new JournalUnavailableException("paused after a failure", null));
        }
        CompletableFuture<Void> committed = new CompletableFuture<>();
        try {
            thread.execute(() -> run(records, committed));
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(
                    new JournalUnavailableException("too many packs waiting for the database", e));
        }
        // The JDK's delay thread: paused first, so that the packer's next pack already finds the pause.
        CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS, Runnable::run)
                .execute(() -> {
                    if (!committed.isDone()) {
                        pause("no commit within " + timeout.toMillis() + " ms");
                        committed.completeExceptionally(
                                new TimeoutException("No commit within " + timeout.toMillis() + " ms"));
                    }
                });
        return committed;
    }

    /** Within a pause: every pack is refused, and goes to the broker. */
    public boolean paused() {
        return paused && nanoTime.getAsLong() - pausedUntil < 0;
    }

    private void run(List<JournalRecord> records, CompletableFuture<Void> committed) {
        if (committed.isDone()) {
            // Timed out while it waited: its records went to the broker.
            return;
        }
        try {
            store.accept(records);
            // Only a commit within the timeout ends a pause: a slow database stays paused.
            if (committed.complete(null) && paused) {
                paused = false;
                LOG.info("The journal's records go straight to its database again");
            }
        } catch (JournalUnavailableException e) {
            pause(e.getMessage());
            committed.completeExceptionally(e);
        } catch (RuntimeException e) {
            // A record this writer cannot store (it never should): the journal's writer deals with it on the queue.
            committed.completeExceptionally(e);
        }
    }

    private void pause(String why) {
        pausedUntil = nanoTime.getAsLong() + pause.toNanos();
        if (!paused) {
            paused = true;
            LOG.warn(
                    "The journal's records go through the broker for at least {} s: its database failed ({})",
                    pause.toSeconds(),
                    why);
        }
    }

    /** Stops the thread once the packs given to it are written (at most the timeout each). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(timeout.toMillis() * (QUEUED + 1), TimeUnit.MILLISECONDS)) {
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            thread.shutdownNow();
        }
    }
}
