package io.werken.journal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A bulk replay and how far it has gone, as kept in the journal's database (so that it survives a restart).
 *
 * @param id          its id
 * @param createdAt   when it was asked for, ISO-8601 UTC
 * @param updatedAt   when it last moved, ISO-8601 UTC
 * @param state       {@code running}, {@code done}, {@code cancelled}, {@code interrupted} (Werken stopped while it
 *                    ran; resume it) or {@code failed}
 * @param request     what was asked: the filters, {@code where}, {@code max} and {@code revision}, as JSON text
 * @param scanned     stored events looked at so far
 * @param replayed    events replayed so far (at most the request's {@code max})
 * @param cursor      the listing cursor after the last event looked at; null before the first
 * @param lastEventId the last event replayed; null before the first
 * @param error       why it failed; null otherwise
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
    "id",
    "created_at",
    "updated_at",
    "state",
    "request",
    "scanned",
    "replayed",
    "cursor",
    "last_event_id",
    "error"
})
public record ReplayJob(
        String id,
        String createdAt,
        String updatedAt,
        String state,
        String request,
        long scanned,
        long replayed,
        String cursor,
        String lastEventId,
        String error) {

    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String CANCELLED = "cancelled";
    public static final String INTERRUPTED = "interrupted";
    public static final String FAILED = "failed";
}
