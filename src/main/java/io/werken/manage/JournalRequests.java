package io.werken.manage;

import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.expression.ExpressionException;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.journal.EventQuery;
import io.werken.journal.JournalOffException;
import io.werken.journal.JournalRecord;
import io.werken.journal.JournalUnavailableException;
import io.werken.journal.ReplayRefusedException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * What the journal's endpoints share: the listing's filters from the query string, and the journal's failures as
 * problems (off: 404 {@code journal-off}; database away: 503 {@code journal-unavailable} with {@code Retry-After};
 * a replay that cannot be made: 409 {@code replay-refused}; a bad {@code where}: 400 with CEL's message).
 */
final class JournalRequests {

    /** The listing's filters. */
    static final Set<String> FILTERS =
            Set.of("workflow", "outcome", "since", "until", "action_type", "queue", "replay_of", "where");

    static final int RETRY_AFTER_SECONDS = 5;

    private JournalRequests() {}

    /** The listing's filters, less {@code without}, plus {@code more}. */
    static Set<String> parameters(Set<String> without, String... more) {
        Set<String> all = new java.util.TreeSet<>(FILTERS);
        all.removeAll(without);
        all.addAll(java.util.List.of(more));
        return Set.copyOf(all);
    }

    /** Answers {@code body} as JSON with {@code status}. */
    static void answer(
            org.apache.camel.Message in, com.fasterxml.jackson.databind.ObjectMapper json, Object body, int status)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        ManagementRequests.answer(in, json, body);
        in.setHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, status);
    }

    /** The filters of {@code query} (the listing's parameters), with {@code limit} and {@code cursor} if given. */
    static EventQuery query(Map<String, String> query) {
        String outcome = query.get("outcome");
        if (outcome != null
                && !outcome.equals(JournalRecord.DISPATCHED)
                && !outcome.equals(JournalRecord.DEAD_LETTERED)) {
            throw ManagementRequests.invalidQuery("Query parameter 'outcome' must be dispatched or dead_lettered, not '"
                    + WebhookRequestValidator.abbreviate(outcome) + "'.");
        }
        int limit = (int) ManagementRequests.wholeNumber(query, "limit", 1, EventQuery.MAX_LIMIT)
                .orElse(EventQuery.DEFAULT_LIMIT);
        return new EventQuery(
                blank(query.get("workflow")),
                outcome,
                time(query, "since"),
                time(query, "until"),
                blank(query.get("action_type")),
                blank(query.get("queue")),
                blank(query.get("replay_of")),
                limit,
                blank(query.get("cursor")));
    }

    private static Instant time(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw ManagementRequests.invalidQuery(
                    "Query parameter '" + name + "' must be an RFC 3339 date-time such as "
                            + "2026-12-01T10:00:00Z, not '" + WebhookRequestValidator.abbreviate(value) + "'.");
        }
    }

    private static String blank(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** Runs {@code step}, answering the journal's failures as problems. */
    static <T> T call(Callable<T> step) throws Exception {
        try {
            return step.call();
        } catch (JournalOffException e) {
            throw new ProblemException(ProblemType.JOURNAL_OFF, e.getMessage());
        } catch (JournalUnavailableException e) {
            throw new ProblemException(
                    ProblemType.JOURNAL_UNAVAILABLE,
                    e.getMessage() + ". Webhooks are still accepted and dispatched; their records wait on the broker.",
                    Map.of("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)));
        } catch (ReplayRefusedException e) {
            throw new ProblemException(ProblemType.REPLAY_REFUSED, e.getMessage());
        } catch (ExpressionException e) {
            throw ManagementRequests.invalidQuery(
                    "Query parameter 'where' is not a valid condition: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // The store's refusal of a cursor it did not give, checked before it touches the database.
            throw ManagementRequests.invalidQuery(e.getMessage());
        }
    }
}
