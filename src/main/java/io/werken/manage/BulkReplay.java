package io.werken.manage;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.expression.Expression;
import io.werken.journal.EventQuery;
import io.werken.journal.EventSearch;
import io.werken.journal.EventSummary;
import io.werken.journal.Journal;
import io.werken.journal.ReplayJob;
import io.werken.journal.ReplayJobs;
import io.werken.journal.Replayer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code POST /events/replay}: replays the events the listing's filters and {@code where} select, at most the required
 * {@code max}, in the background (202 with the replay's id; {@code GET /replays/{id}} shows its progress). With
 * {@code dry_run=true} it replays nothing and answers how many events it would replay (looking at
 * {@code WERKEN_JOURNAL_SCAN_LIMIT} entries at most) and the first ten.
 *
 * <p>Called by the route {@code show-event} (its path {@code /events/{event_id}} with the fixed name {@code replay}),
 * whose own processor is {@link ShowEvent}: named for the endpoint it serves, not for a route of its own.
 */
public final class BulkReplay implements Processor {

    /** Most events one bulk replay may take. */
    static final long MAX = 1_000_000;

    private static final int SAMPLE = 10;
    private static final Set<String> PARAMETERS = JournalRequests.parameters(Set.of(), "max", "dry_run", "revision");

    private final Journal journal;
    private final ObjectMapper json;

    public BulkReplay(Journal journal, ObjectMapper json) {
        this.journal = journal;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message in = exchange.getMessage();
        ManagementRequests.requireMethod(in, "POST");
        Map<String, String> parameters = ManagementRequests.query(in, PARAMETERS);
        if (!parameters.containsKey("max")) {
            throw ManagementRequests.invalidQuery(
                    "Query parameter 'max' is required: the most events to replay " + "(1 to " + MAX + ").");
        }
        long max = ManagementRequests.wholeNumber(parameters, "max", 1, MAX).getAsLong();
        String dryRun = parameters.getOrDefault("dry_run", "false");
        if (!dryRun.equals("true") && !dryRun.equals("false")) {
            throw ManagementRequests.invalidQuery("Query parameter 'dry_run' must be true or false.");
        }
        Replayer.Revision revision = ReplayEvent.revision(parameters.get("revision"));
        EventQuery query = JournalRequests.query(parameters).withLimit(EventQuery.MAX_LIMIT);
        String where =
                parameters.get("where") == null || parameters.get("where").isBlank() ? null : parameters.get("where");
        Map<String, Object> answer = JournalRequests.call(
                () -> dryRun.equals("true") ? dryRun(query, where, max) : start(query, where, max, revision));
        JournalRequests.answer(in, json, answer, dryRun.equals("true") ? 200 : 202);
    }

    private Map<String, Object> start(EventQuery query, String where, long max, Replayer.Revision revision)
            throws Exception {
        if (where != null) {
            journal.search().compile(where);
        }
        ReplayJob job = journal.replays().start(new ReplayJobs.Request(query, where, max, revision));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("replay_id", job.id());
        body.put("state", job.state());
        body.put("status", "/replays/" + job.id());
        return body;
    }

    /** Counts what a replay would take: pages of matches, at most {@code max}, looking at the scan limit at most. */
    private Map<String, Object> dryRun(EventQuery query, String where, long max) throws Exception {
        EventSearch search = journal.search();
        Expression condition = search.compile(where == null ? "true" : where);
        List<EventSummary> sample = new ArrayList<>();
        long matched = 0;
        long scanned = 0;
        boolean stopped = false;
        String cursor = null;
        while (matched < max) {
            int left = (int) Math.min(EventQuery.MAX_LIMIT, max - matched);
            long budget = journal.scanLimit() - scanned;
            if (budget <= 0) {
                stopped = true;
                break;
            }
            EventSearch.Result page =
                    search.search(journal.store(), query.withCursor(cursor).withLimit(left), condition, (int) budget);
            matched += page.events().size();
            scanned += page.scanned();
            for (EventSummary event : page.events()) {
                if (sample.size() < SAMPLE) {
                    sample.add(event);
                }
            }
            cursor = page.nextCursor();
            if (page.stoppedAtScanLimit()) {
                stopped = true;
                break;
            }
            if (cursor == null) {
                break;
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dry_run", true);
        body.put("would_replay", Math.min(matched, max));
        body.put("scanned", scanned);
        body.put("stopped_at_scan_limit", stopped);
        body.put("sample", sample);
        return body;
    }
}
