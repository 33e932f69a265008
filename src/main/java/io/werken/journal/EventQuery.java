package io.werken.journal;

import java.time.Instant;

/**
 * The listing's filters, all optional (null): events newest first ({@code received_at}, then {@code event_id}, both
 * descending), after {@code cursor} (the {@code next_cursor} of the page before), at most {@code limit} of them.
 *
 * @param workflow   {@code workflow_id} equal to it
 * @param outcome    {@code dispatched} or {@code dead_lettered}
 * @param since      {@code received_at} at or after it
 * @param until      {@code received_at} before it
 * @param actionType an action of the event has this {@code type} and was published or failed (not skipped by its
 *                   {@code when})
 * @param queue      an action of the event went (or, failing, would have gone) to this queue, not skipped by its
 *                   {@code when}
 * @param replayOf   the event replays this one
 * @param limit      1..500
 * @param cursor     an opaque keyset cursor from {@link EventPage#nextCursor()}, or null for the first page
 */
public record EventQuery(
        String workflow,
        String outcome,
        Instant since,
        Instant until,
        String actionType,
        String queue,
        String replayOf,
        int limit,
        String cursor) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /** Every event, first page, default limit. */
    public static EventQuery all() {
        return new EventQuery(null, null, null, null, null, null, null, DEFAULT_LIMIT, null);
    }

    public EventQuery withCursor(String next) {
        return new EventQuery(workflow, outcome, since, until, actionType, queue, replayOf, limit, next);
    }

    public EventQuery withLimit(int n) {
        return new EventQuery(workflow, outcome, since, until, actionType, queue, replayOf, n, cursor);
    }
}
