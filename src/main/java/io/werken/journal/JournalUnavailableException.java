package io.werken.journal;

/** The journal's database could not be reached, or refused a write or read; what was asked did not happen. */
public final class JournalUnavailableException extends RuntimeException {

    public JournalUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
