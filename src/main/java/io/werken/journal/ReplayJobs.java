package io.werken.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.RandomIds;
import io.werken.expression.Expression;
import io.werken.journal.Replayer.Revision;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk replays: the events a listing's filters and {@code where} select, at most {@code max}, replayed in the
 * background at {@code WERKEN_REPLAY_RATE} events per second so that live webhooks keep their latency. Each replay's
 * progress is kept in the journal's database after every event: the listing cursor right after the last event it
 * looked at. A Werken that stops midway leaves the replay {@code interrupted} at the event where it stopped;
 * resumed, it goes on after that event, so no event is replayed twice. (An event whose replay was confirmed just before
 * a kill, before its progress was saved, is published once more with the same replay event id, so that dispatch,
 * the journal and the workers recognise it: the at-least-once of every other event.)
 */
public final class ReplayJobs extends org.apache.camel.support.service.ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayJobs.class);
    private static final int PAGE = 100;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration LAST_BACKOFF = Duration.ofSeconds(10);
    private static final int ATTEMPTS = 12;

    /** What a bulk replay was asked for. */
    public record Request(EventQuery query, String where, long max, Revision revision) {}

    private final JournalStore store;
    private final Replayer replayer;
    private final EventSearch search;
    private final ObjectMapper json;
    private final Clock clock;
    private final ExecutorService executor;
    private final double rate;
    private final Map<String, Boolean> cancelled = new ConcurrentHashMap<>();
    private final Map<String, Boolean> running = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    public ReplayJobs(
            JournalStore store,
            Replayer replayer,
            EventSearch search,
            ObjectMapper json,
            Clock clock,
            ExecutorService executor,
            double rate) {
        this.store = store;
        this.replayer = replayer;
        this.search = search;
        this.json = json;
        this.clock = clock;
        this.executor = executor;
        this.rate = rate;
    }

    /** Werken is stopping: each running replay stops before its next event and is saved as {@code interrupted}. */
    @Override
    protected void doStop() {
        stopping = true;
    }

    /** Marks the replays that were running when Werken last stopped as {@code interrupted}; how many. */
    public int interruptedAtLastStop() {
        List<ReplayJob> stopped = store.replaysInState(ReplayJob.RUNNING);
        for (ReplayJob job : stopped) {
            save(
                    job,
                    ReplayJob.INTERRUPTED,
                    job.scanned(),
                    job.replayed(),
                    job.cursor(),
                    job.lastEventId(),
                    "Werken stopped while it ran; resume it with POST /replays/" + job.id() + "/resume");
        }
        return stopped.size();
    }

    /** Starts a bulk replay; answers it as saved. */
    public ReplayJob start(Request request) {
        String now = now();
        ReplayJob job =
                new ReplayJob(RandomIds.uuid(), now, now, ReplayJob.RUNNING, write(request), 0, 0, null, null, null);
        store.saveReplay(job);
        submit(job, request);
        return job;
    }

    /** Resumes an interrupted or failed replay where it stopped; empty if there is none by that id. */
    public Optional<ReplayJob> resume(String id) {
        Optional<ReplayJob> found = store.replay(id);
        if (found.isEmpty()) {
            return found;
        }
        ReplayJob job = found.get();
        if (!job.state().equals(ReplayJob.INTERRUPTED) && !job.state().equals(ReplayJob.FAILED)) {
            throw new ReplayRefusedException(
                    "Replay " + id + " is " + job.state() + ": only an interrupted or failed replay can be resumed.");
        }
        ReplayJob resumed =
                save(job, ReplayJob.RUNNING, job.scanned(), job.replayed(), job.cursor(), job.lastEventId(), null);
        submit(resumed, read(job.request()));
        return Optional.of(resumed);
    }

    /** Cancels a replay: it stops before its next event. Empty if there is none by that id. */
    public Optional<ReplayJob> cancel(String id) {
        Optional<ReplayJob> found = store.replay(id);
        if (found.isEmpty()) {
            return found;
        }
        ReplayJob job = found.get();
        if (running.containsKey(id)) {
            cancelled.put(id, true);
            return Optional.of(job);
        }
        if (job.state().equals(ReplayJob.DONE) || job.state().equals(ReplayJob.CANCELLED)) {
            return Optional.of(job);
        }
        return Optional.of(
                save(job, ReplayJob.CANCELLED, job.scanned(), job.replayed(), job.cursor(), job.lastEventId(), null));
    }

    public Optional<ReplayJob> find(String id) {
        return store.replay(id);
    }

    private void submit(ReplayJob job, Request request) {
        running.put(job.id(), true);
        try {
            executor.execute(() -> run(job, request));
        } catch (RejectedExecutionException e) {
            running.remove(job.id());
            save(
                    job,
                    ReplayJob.INTERRUPTED,
                    job.scanned(),
                    job.replayed(),
                    job.cursor(),
                    job.lastEventId(),
                    "Werken is stopping; resume it with POST /replays/" + job.id() + "/resume");
        }
    }

    private void run(ReplayJob job, Request request) {
        long scanned = job.scanned();
        long replayed = job.replayed();
        String cursor = job.cursor();
        String last = job.lastEventId();
        long intervalNanos = rate > 0 ? (long) (1_000_000_000L / rate) : 0;
        long next = System.nanoTime();
        Expression where;
        try {
            where = request.where() == null ? null : search.compile(request.where());
        } catch (io.werken.expression.ExpressionException e) {
            saveQuietly(job, ReplayJob.FAILED, scanned, replayed, cursor, last, "where: " + e.getMessage());
            running.remove(job.id());
            return;
        }
        try {
            boolean more = true;
            while (more && replayed < request.max()) {
                String pageAt = cursor;
                EventPage<JournalRecord> page = attempt(
                        job, () -> store.scan(request.query().withCursor(pageAt).withLimit(PAGE)));
                List<JournalRecord> events = page.events();
                for (int i = 0; i < events.size() && replayed < request.max(); i++) {
                    if (cancelled.remove(job.id()) != null) {
                        save(job, ReplayJob.CANCELLED, scanned, replayed, cursor, last, null);
                        return;
                    }
                    if (stopping) {
                        throw new InterruptedException("Werken is stopping");
                    }
                    JournalRecord event = events.get(i);
                    scanned++;
                    if (event.payload() != null && (where == null || search.matches(where, event))) {
                        if (intervalNanos > 0) {
                            long wait = next - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                            next = Math.max(next, System.nanoTime() - intervalNanos) + intervalNanos;
                        }
                        String replayId = Replayer.replayId(job.id(), event.eventId());
                        attempt(job, () -> replayer.replay(event, request.revision(), replayId));
                        replayed++;
                    }
                    // Progress after every event: resumed, the replay goes on right after it.
                    last = event.eventId();
                    cursor = JournalStore.cursorAfter(event.receivedAt(), event.eventId());
                    long s = scanned;
                    long r = replayed;
                    String c = cursor;
                    String l = last;
                    attempt(job, () -> save(job, ReplayJob.RUNNING, s, r, c, l, null));
                }
                more = page.nextCursor() != null && !events.isEmpty();
            }
            save(job, ReplayJob.DONE, scanned, replayed, cursor, last, null);
            LOG.info("Replay {} done: {} events replayed of {} looked at", job.id(), replayed, scanned);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            saveQuietly(
                    job,
                    ReplayJob.INTERRUPTED,
                    scanned,
                    replayed,
                    cursor,
                    last,
                    "Werken stopped while it ran; resume it with POST /replays/" + job.id() + "/resume");
        } catch (RuntimeException e) {
            LOG.warn("Replay {} failed after {} events: {}", job.id(), replayed, e.getMessage());
            saveQuietly(
                    job,
                    ReplayJob.FAILED,
                    scanned,
                    replayed,
                    cursor,
                    last,
                    e.getMessage() + "; resume it with POST /replays/" + job.id() + "/resume");
        } finally {
            running.remove(job.id());
            cancelled.remove(job.id());
        }
    }

    /** Runs {@code step}, retried with a backoff while the database or the broker is away. */
    private <T> T attempt(ReplayJob job, java.util.function.Supplier<T> step) throws InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                return step.get();
            } catch (ReplayRefusedException e) {
                throw e;
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || cancelled.containsKey(job.id())) {
                    throw e;
                }
                LOG.warn("Replay {}: {} (trying again in {} ms)", job.id(), e.getMessage(), backoff.toMillis());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(LAST_BACKOFF) > 0 ? LAST_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private ReplayJob save(
            ReplayJob job, String state, long scanned, long replayed, String cursor, String last, String error) {
        ReplayJob saved = new ReplayJob(
                job.id(), job.createdAt(), now(), state, job.request(), scanned, replayed, cursor, last, error);
        store.saveReplay(saved);
        return saved;
    }

    private void saveQuietly(
            ReplayJob job, String state, long scanned, long replayed, String cursor, String last, String error) {
        try {
            save(job, state, scanned, replayed, cursor, last, error);
        } catch (RuntimeException e) {
            LOG.warn("Could not save replay {} as {}: {}", job.id(), state, e.getMessage());
        }
    }

    private String now() {
        return DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.MILLIS));
    }

    private String write(Request request) {
        try {
            return json.writeValueAsString(new StoredRequest(
                    request.query().workflow(),
                    request.query().outcome(),
                    request.query().since() == null
                            ? null
                            : request.query().since().toString(),
                    request.query().until() == null
                            ? null
                            : request.query().until().toString(),
                    request.query().actionType(),
                    request.query().queue(),
                    request.query().replayOf(),
                    request.where(),
                    request.max(),
                    request.revision().name().toLowerCase(java.util.Locale.ROOT)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Request read(String text) {
        try {
            StoredRequest stored = json.readValue(text, StoredRequest.class);
            EventQuery query = new EventQuery(
                    stored.workflow(),
                    stored.outcome(),
                    stored.since() == null ? null : java.time.Instant.parse(stored.since()),
                    stored.until() == null ? null : java.time.Instant.parse(stored.until()),
                    stored.actionType(),
                    stored.queue(),
                    stored.replayOf(),
                    PAGE,
                    null);
            return new Request(query, stored.where(), stored.max(), Revision.parse(stored.revision()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Replay request is not readable: " + e.getMessage(), e);
        }
    }

    /** What a replay was asked for, as kept with it (and shown by GET /replays/{id}). */
    @com.fasterxml.jackson.databind.annotation.JsonNaming(
            com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy.class)
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record StoredRequest(
            String workflow,
            String outcome,
            String since,
            String until,
            String actionType,
            String queue,
            String replayOf,
            String where,
            long max,
            String revision) {}
}
