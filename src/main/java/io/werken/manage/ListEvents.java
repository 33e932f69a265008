package io.werken.manage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.expression.Expression;
import io.werken.journal.EventPage;
import io.werken.journal.EventQuery;
import io.werken.journal.EventSearch;
import io.werken.journal.EventSummary;
import io.werken.journal.Journal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /events}: the journal's events newest first, with the listing's filters, {@code limit} and
 * {@code cursor}; with {@code where}, only those that meet that CEL condition, looking at
 * {@code WERKEN_JOURNAL_SCAN_LIMIT} entries at most (an answer that stopped there says so and carries the cursor to go
 * on).
 */
public final class ListEvents implements Processor {

    private static final Set<String> PARAMETERS = JournalRequests.parameters(Set.of(), "limit", "cursor");

    private final Journal journal;
    private final ObjectMapper json;

    public ListEvents(Journal journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "GET");
        Map<String, String> parameters = ManagementRequests.query(in, PARAMETERS);
        EventQuery query = JournalRequests.query(parameters);
        String where = parameters.get("where");
        Map<String, Object> answer = JournalRequests.call(() -> {
            Map<String, Object> body = new LinkedHashMap<>();
            if (where == null || where.isBlank()) {
                EventPage<EventSummary> page = journal.store().list(query);
                body.put("events", page.events());
                body.put("next_cursor", page.nextCursor());
                return body;
            }
            EventSearch search = journal.search();
            Expression condition = search.compile(where);
            EventSearch.Result result = search.search(journal.store(), query, condition, journal.scanLimit());
            body.put("events", result.events());
            body.put("next_cursor", result.nextCursor());
            body.put("scanned", result.scanned());
            body.put("stopped_at_scan_limit", result.stoppedAtScanLimit());
            body.put("unevaluable", result.unevaluable());
            if (result.unevaluableReason() != null) {
                body.put("unevaluable_reason", result.unevaluableReason());
            }
            return body;
        });
        ManagementRequests.answer(in, json, answer);
    }
}
