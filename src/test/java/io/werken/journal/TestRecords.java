package io.werken.journal;

import java.util.List;

/** Journal records for tests: an event of {@code mi-workflow} at revision rev-1, dispatched, journaled in full. */
final class TestRecords {

    private TestRecords() {}

    static JournalRecord dispatched(String eventId, byte[] payload, List<JournalAction> actions) {
        return new JournalRecord(
                eventId,
                "mi-workflow",
                "rev-1",
                "2026-12-06T10:00:00.000Z",
                "2026-12-06T10:00:00.010Z",
                JournalRecord.DISPATCHED,
                null,
                null,
                null,
                JournalRecord.FULL,
                payload,
                null,
                actions);
    }
}
