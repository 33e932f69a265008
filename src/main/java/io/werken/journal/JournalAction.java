package io.werken.journal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One action of an event's workflow definition, as the journal keeps it.
 *
 * @param index   its place in the definition, from 0
 * @param type    its {@code type}
 * @param queue   the queue it goes (or would have gone) to
 * @param outcome {@link #PUBLISHED}, {@link #SKIPPED} (its {@code when} was false) or {@link #FAILED}
 * @param reason  why it failed; null otherwise
 * @param params  the params exactly as published; null unless published and journaled in full
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"index", "type", "queue", "outcome", "reason", "params"})
public record JournalAction(int index, String type, String queue, String outcome, String reason, JsonNode params) {

    public static final String PUBLISHED = "published";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
}
