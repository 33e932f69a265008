package io.werken.journal;

import java.util.List;

/**
 * One page of the journal's listing, newest first; {@code nextCursor} continues after its last event, and is null
 * when no event follows.
 */
public record EventPage<T>(List<T> events, String nextCursor) {}
