package io.werken.journal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Stored entries read page by page as {@link JournalStore#scan} reads them (newest first, keyset cursor, filtered by
 * {@code workflow} and {@code outcome}), without a database; it remembers what it was asked.
 */
final class InMemoryJournal implements Function<EventQuery, EventPage<JournalRecord>> {

    /** Newest first: {@code received_at}, then {@code event_id}, both descending. */
    private static final Comparator<JournalRecord> ORDER = Comparator.comparing(
                    (JournalRecord r) -> Instant.parse(r.receivedAt()))
            .thenComparing(JournalRecord::eventId)
            .reversed();

    private final List<JournalRecord> entries = new ArrayList<>();
    /** Every query it answered, in order. */
    final List<EventQuery> asked = new ArrayList<>();
    /** Written into the journal just before the query of that number (from 1) is answered; null for none. */
    private JournalRecord lateEntry;

    private int lateBeforeQuery;

    InMemoryJournal(List<JournalRecord> records) {
        entries.addAll(records);
        entries.sort(ORDER);
    }

    /** Writes {@code entry} (received earlier, written late) just before answering query number {@code query}. */
    void writeLate(JournalRecord entry, int query) {
        this.lateEntry = entry;
        this.lateBeforeQuery = query;
    }

    @Override
    public EventPage<JournalRecord> apply(EventQuery query) {
        asked.add(query);
        if (lateEntry != null && asked.size() == lateBeforeQuery) {
            entries.add(lateEntry);
            entries.sort(ORDER);
        }
        List<JournalRecord> selected = entries.stream()
                .filter(r -> query.workflow() == null || query.workflow().equals(r.workflowId()))
                .filter(r -> query.outcome() == null || query.outcome().equals(r.outcome()))
                .filter(r -> query.cursor() == null || ORDER.compare(r, decode(query.cursor())) > 0)
                .toList();
        List<JournalRecord> page = selected.subList(0, Math.min(query.limit(), selected.size()));
        String next = selected.size() > page.size() ? encode(page.get(page.size() - 1)) : null;
        return new EventPage<>(page, next);
    }

    /** The journal's own cursor, as JournalStore gives it. */
    private static String encode(JournalRecord last) {
        return JournalStore.cursorAfter(last.receivedAt(), last.eventId());
    }

    private static JournalRecord decode(String cursor) {
        JournalCursor after = JournalCursor.decode(cursor);
        return new JournalRecord(
                after.eventId(),
                null,
                null,
                after.receivedAt().toString(),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }
}
