package io.werken.journal;

import java.util.List;

import io.werken.expression.Expression;

/**
 * STUB, to be replaced by the search work: the listing's {@code where=}, a CEL condition over {@code payload},
 * {@code headers} and {@code event}, applied to the events the other filters select, bounded like the workflow
 * language and by a scan limit per request.
 */
public final class EventSearch {

    /**
     * @param events             the matching events, newest first, at most the query's limit
     * @param nextCursor         where to go on (after the last event scanned), or null when nothing follows
     * @param scanned            how many stored events were looked at
     * @param stoppedAtScanLimit true if it stopped at the scan limit before filling the page
     */
    public record Result(List<EventSummary> events, String nextCursor, int scanned, boolean stoppedAtScanLimit) {
    }

    /** Compiles {@code where}; a bad one throws {@code ExpressionException} with CEL's message. */
    public Expression compile(String where) {
        throw new UnsupportedOperationException("stub");
    }

    /** Does {@code record} meet {@code where}? An entry kept as metadata never meets a payload condition. */
    public boolean matches(Expression where, JournalRecord record) {
        throw new UnsupportedOperationException("stub");
    }

    /** One page of the events {@code query} selects that meet {@code where}, looking at {@code scanLimit} at most. */
    public Result search(JournalStore store, EventQuery query, Expression where, int scanLimit) {
        throw new UnsupportedOperationException("stub");
    }
}
