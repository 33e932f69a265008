package io.werken.journal;

/** The journal is off ({@code WERKEN_JOURNAL=off}): nothing is written or read. */
public final class JournalOffException extends RuntimeException {

    public JournalOffException() {
        super("The event journal is off (WERKEN_JOURNAL=off): nothing is recorded, so there is nothing to list, show, "
                + "search or replay. Set WERKEN_JOURNAL=on to keep a journal.");
    }
}
