package io.werken.journal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * The listing's keyset cursor: the {@code (received_at, event_id)} of the last event of a page, as an opaque
 * URL-safe string (base64url of {@code <received_at> <event_id>}).
 */
record JournalCursor(Instant receivedAt, String eventId) {

    static String encode(Instant receivedAt, String eventId) {
        String plain = receivedAt.toString() + ' ' + eventId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a cursor this journal gave; anything else throws {@link IllegalArgumentException} in one line. */
    static JournalCursor decode(String cursor) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int space = plain.indexOf(' ');
            if (space > 0 && space < plain.length() - 1) {
                return new JournalCursor(Instant.parse(plain.substring(0, space)), plain.substring(space + 1));
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            // not one of ours: answered below
        }
        throw new IllegalArgumentException("cursor is not one this journal gave: use the next_cursor of a listing");
    }
}
