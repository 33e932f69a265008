package io.werken.journal;

/**
 * The journal as the management endpoints use it: its store, search, impact, replays and limits; or, when
 * {@code WERKEN_JOURNAL=off}, nothing, every use throwing {@link JournalOffException}.
 */
public final class Journal {

    private final JournalStore store;
    private final EventSearch search;
    private final DraftImpact impact;
    private final Replayer replayer;
    private final ReplayJobs replays;
    private final int scanLimit;

    public Journal(
            JournalStore store,
            EventSearch search,
            DraftImpact impact,
            Replayer replayer,
            ReplayJobs replays,
            int scanLimit) {
        this.store = store;
        this.search = search;
        this.impact = impact;
        this.replayer = replayer;
        this.replays = replays;
        this.scanLimit = scanLimit;
    }

    public static Journal off() {
        return new Journal(null, null, null, null, null, 0);
    }

    public boolean on() {
        return store != null;
    }

    public JournalStore store() {
        return required(store);
    }

    public EventSearch search() {
        return required(search);
    }

    public DraftImpact impact() {
        return required(impact);
    }

    public Replayer replayer() {
        return required(replayer);
    }

    public ReplayJobs replays() {
        return required(replays);
    }

    /** Most stored entries one search looks at ({@code WERKEN_JOURNAL_SCAN_LIMIT}). */
    public int scanLimit() {
        required(store);
        return scanLimit;
    }

    private static <T> T required(T part) {
        if (part == null) {
            throw new JournalOffException();
        }
        return part;
    }
}
