package io.werken.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.NullNode;
import io.werken.core.WerkenJson;
import io.werken.expression.Bindings;
import io.werken.expression.EvaluationLimits;
import io.werken.expression.Expression;
import io.werken.expression.ExpressionCompiler;
import io.werken.expression.ExpressionException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The listing's {@code where=}: a CEL condition over {@code payload}, {@code headers} and {@code event}, compiled in
 * the workflow language's environment and evaluated within its {@link EvaluationLimits} for each event, applied to
 * the events the other filters select, and bounded by a scan limit per request.
 */
public final class EventSearch {

    /** The most entries read from the journal at once. */
    static final int PAGE = EventQuery.MAX_LIMIT;
    /**
     * The longest one search evaluates: each entry is bounded by the workflow language's limits, and the whole request
     * by this; past it the search stops as at the scan limit, with the cursor to go on.
     */
    public static final Duration DEADLINE = Duration.ofSeconds(10);

    /**
     * @param events             the matching events, newest first, at most the query's limit
     * @param nextCursor         where to go on (after the last event scanned), or null when nothing follows
     * @param scanned            how many stored events were looked at
     * @param stoppedAtScanLimit true if it stopped at the scan limit (or the search's {@link #DEADLINE}) before filling
     *                           the page
     * @param unevaluable        how many of those looked at could not be judged and were taken as not matching: their
     *                           evaluation hit a limit of the workflow language (comprehension iterations, steps,
     *                           bytes or time), or their stored payload could not be read
     * @param unevaluableReason  why the first of those could not be judged; null when none
     */
    public record Result(
            List<EventSummary> events,
            String nextCursor,
            int scanned,
            boolean stoppedAtScanLimit,
            int unevaluable,
            String unevaluableReason) {

        public Result {
            events = List.copyOf(events);
        }

        /** A result in which every event looked at could be judged. */
        public Result(List<EventSummary> events, String nextCursor, int scanned, boolean stoppedAtScanLimit) {
            this(events, nextCursor, scanned, stoppedAtScanLimit, 0, null);
        }
    }

    /** What a condition made of one entry; {@code reason} says why an unevaluable one could not be judged. */
    private record Verdict(boolean matches, String reason) {

        static final Verdict MATCH = new Verdict(true, null);
        static final Verdict NO_MATCH = new Verdict(false, null);
    }

    private final ExpressionCompiler compiler;
    private final EvaluationLimits limits;
    private final Duration deadline;
    /**
     * Stored payloads are read as ingest reads bodies (numbers exact, no duplicate keys), without ingest's depth limit:
     * each was accepted under the limit of its day, and a limit lowered since must not hide it from a search.
     */
    private final ObjectReader payloads =
            WerkenJson.strictReader(WerkenJson.strictFactory(StreamReadConstraints.DEFAULT_MAX_DEPTH));

    /**
     * @param compiler the workflow language's environment (its comprehension limit, WERKEN_CEL_MAX_ITERATIONS)
     * @param limits   what each event's evaluation may spend, as dispatch allows its expressions (WERKEN_CEL_MAX_*)
     */
    public EventSearch(ExpressionCompiler compiler, EvaluationLimits limits) {
        this(compiler, limits, DEADLINE);
    }

    /** With {@code deadline} for a whole search instead of {@link #DEADLINE}. */
    public EventSearch(ExpressionCompiler compiler, EvaluationLimits limits, Duration deadline) {
        this.compiler = compiler;
        this.limits = limits;
        this.deadline = deadline;
    }

    /** Compiles {@code where}; a bad one throws {@code ExpressionException} with CEL's message. */
    public Expression compile(String where) throws ExpressionException {
        return compiler.compileCondition(where == null ? "" : where);
    }

    /**
     * Does {@code record} meet {@code where}? An entry kept as metadata never meets a condition that names
     * {@code payload} or {@code headers}; one that names only {@code event} is evaluated. An evaluation that fails (a
     * missing key, the evaluation budget spent) does not meet it.
     */
    public boolean matches(Expression where, JournalRecord record) {
        return verdict(where, record).matches();
    }

    /**
     * One page of the events {@code query} selects that meet {@code where}, looking at {@code scanLimit} at most:
     * {@link JournalStore#scan} read page after page from the query's cursor.
     */
    public Result search(JournalStore store, EventQuery query, Expression where, int scanLimit) {
        return search(store::scan, query, where, scanLimit);
    }

    /**
     * As {@link #search(JournalStore, EventQuery, Expression, int)}, over {@code journal} (pages of whole entries, as
     * {@link JournalStore#scan} gives them). It stops once it has {@code query.limit()} matches, or has looked at
     * {@code scanLimit} entries, or at the journal's end; the result's cursor is then the one after the last entry
     * looked at, so that going on with it neither skips nor repeats an entry.
     */
    public Result search(
            Function<EventQuery, EventPage<JournalRecord>> journal, EventQuery query, Expression where, int scanLimit) {
        if (scanLimit < 1) {
            throw new IllegalArgumentException("The scan limit must be at least 1, not " + scanLimit);
        }
        if (query.limit() < 1) {
            throw new IllegalArgumentException("The limit must be at least 1, not " + query.limit());
        }
        List<EventSummary> found = new ArrayList<>();
        int scanned = 0;
        int unevaluable = 0;
        String unevaluableReason = null;
        String cursor = query.cursor();
        long stopAt = System.nanoTime() + deadline.toNanos();
        while (true) {
            // Never more than the scan limit has left: a stop at the scan limit then falls at a page's end, whose
            // cursor the journal gives.
            EventQuery pageQuery = query.withCursor(cursor).withLimit(Math.min(PAGE, scanLimit - scanned));
            EventPage<JournalRecord> page = journal.apply(pageQuery);
            List<JournalRecord> entries = page.events();
            for (int i = 0; i < entries.size(); i++) {
                JournalRecord entry = entries.get(i);
                scanned++;
                Verdict verdict = verdict(where, entry);
                if (verdict.reason() != null) {
                    unevaluable++;
                    if (unevaluableReason == null) {
                        unevaluableReason = "event " + entry.eventId() + ": " + verdict.reason();
                    }
                }
                if (verdict.matches()) {
                    found.add(entry.summary());
                    if (found.size() == query.limit()) {
                        String next = i == entries.size() - 1 ? page.nextCursor() : cursorAfter(entry);
                        return new Result(found, next, scanned, false, unevaluable, unevaluableReason);
                    }
                }
                if (System.nanoTime() - stopAt > 0) {
                    // The whole search's time is up: stop as at the scan limit, going on after this entry.
                    String next = i == entries.size() - 1 ? page.nextCursor() : cursorAfter(entry);
                    return new Result(found, next, scanned, next != null, unevaluable, unevaluableReason);
                }
            }
            cursor = page.nextCursor();
            if (cursor == null || entries.isEmpty()) {
                return new Result(found, null, scanned, false, unevaluable, unevaluableReason);
            }
            if (scanned >= scanLimit) {
                return new Result(found, cursor, scanned, true, unevaluable, unevaluableReason);
            }
        }
    }

    private Verdict verdict(Expression where, JournalRecord record) {
        boolean readsPayload = where.reads(ExpressionCompiler.PAYLOAD);
        if (record.payload() == null && (readsPayload || where.reads(ExpressionCompiler.HEADERS))) {
            return Verdict.NO_MATCH;
        }
        JsonNode payload = NullNode.getInstance();
        if (readsPayload) {
            try {
                payload = payloads.readTree(record.payload());
            } catch (JsonProcessingException e) {
                return new Verdict(false, "the stored payload is not JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                return new Verdict(false, "the stored payload could not be read: " + e.getMessage());
            }
        }
        Bindings bindings = new Bindings(
                payload,
                record.headers() == null ? Map.of() : record.headers(),
                Bindings.event(record.eventId(), record.workflowId(), record.receivedAt()),
                limits);
        try {
            return where.test(bindings) ? Verdict.MATCH : Verdict.NO_MATCH;
        } catch (ExpressionException e) {
            // A missing key or a wrong type is an ordinary "no" (payload.x == 1 on events without x); a limit hit is
            // the event's size, and the caller is told how many were not judged.
            return e.limitExceeded() ? new Verdict(false, e.getMessage()) : Verdict.NO_MATCH;
        }
    }

    /** The listing cursor right after {@code entry}: a search that stops there goes on with the next entry. */
    private static String cursorAfter(JournalRecord entry) {
        return JournalStore.cursorAfter(entry.receivedAt(), entry.eventId());
    }
}
