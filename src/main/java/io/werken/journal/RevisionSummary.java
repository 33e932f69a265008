package io.werken.journal;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A stored revision of the workflows file as the revisions' listing shows it: without its source. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"revision", "loaded_at"})
public record RevisionSummary(String revision, String loadedAt) {}
