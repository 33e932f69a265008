package io.werken.journal;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A revision of the workflows file as the journal keeps it, so that any stored event's definition can be shown and
 * replayed against.
 *
 * @param revision the revision ({@code WorkflowCatalog.revisionOf} the file's bytes)
 * @param loadedAt when Werken first loaded it, ISO-8601 UTC
 * @param source   the file as written (secrets only as their {@code env:}/{@code file:} references), UTF-8
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonPropertyOrder({"revision", "loaded_at", "source"})
public record WorkflowRevision(String revision, String loadedAt, String source) {}
