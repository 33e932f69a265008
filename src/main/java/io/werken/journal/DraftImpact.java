package io.werken.journal;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.ReceivedWebhook;
import io.werken.core.WerkenJson;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.ActionPlanner.Outcome;
import io.werken.workflow.ActionPlanner.PlannedAction;
import io.werken.workflow.Workflow;
import java.io.IOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * What a draft of a workflow would do to stored events: the draft is dry-run against each event's stored payload and
 * headers, as dispatch would run it now, and compared, action by action (by index), with what the journal recorded.
 * Publishes nothing.
 *
 * <p>Per action index, comparing what was published with what the draft makes of it now:
 * <ul>
 * <li>{@code added}: published now, not before (skipped, failed, not in the definition, or the event was
 * dead-lettered);</li>
 * <li>{@code removed}: published before, and the draft has no action at that index;</li>
 * <li>{@code now_skipped}: published before, and the draft's action there has a {@code when} that is false now;</li>
 * <li>{@code now_failing}: the draft's action fails now (an expression that cannot be evaluated, the evaluation
 * budget, params too large), and it did not fail before for the same reason;</li>
 * <li>{@code params_changed}, {@code type_changed}, {@code queue_changed}: published before and now, with other params
 * (numbers compared by value), another {@code type} or another queue; one change each.</li>
 * </ul>
 * Each action is planned on its own, as the dry run plans them, so that every failure shows. Dispatch publishes none
 * of an event's actions when one fails: such an event says {@code outcome_after} {@code dead_lettered} and lists only
 * its {@code now_failing} actions, the cause; that nothing else of it would be published goes without a change each.
 * An event changes if its outcome does, even when no action's does. An event dead-lettered before published nothing:
 * against it, whatever the draft publishes is {@code added}, whatever fails is {@code now_failing} (unless it failed
 * for the same reason then).
 *
 * <p>The headers the draft sees are those stored with the event that the draft lists in its {@code headers}: one it
 * adds was not kept, and is missing. Entries kept as metadata (no payload) cannot be compared, and are counted as
 * {@code not_comparable}, as is a stored payload that cannot be read.
 *
 * <p>One class over 300 lines on purpose: the rules above are one comparison, event by event, and splitting them would
 * scatter one algorithm.
 */
public final class DraftImpact {

    public static final String ADDED = "added";
    public static final String REMOVED = "removed";
    public static final String NOW_SKIPPED = "now_skipped";
    public static final String NOW_FAILING = "now_failing";
    public static final String PARAMS_CHANGED = "params_changed";
    public static final String TYPE_CHANGED = "type_changed";
    public static final String QUEUE_CHANGED = "queue_changed";
    /** Every kind of change, in the order the report's totals list them. */
    public static final List<String> KINDS =
            List.of(ADDED, REMOVED, NOW_SKIPPED, NOW_FAILING, PARAMS_CHANGED, TYPE_CHANGED, QUEUE_CHANGED);
    /** The {@code max} of an impact request that gives none. */
    public static final int DEFAULT_MAX = 1000;

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    /** Equal JSON, numbers by value: params as the journal read them back ({@code 5}, {@code 1.50}) against new ones. */
    private static final Comparator<JsonNode> BY_VALUE = (a, b) -> {
        if (a.equals(b)) {
            return 0;
        }
        if (a.isNumber() && b.isNumber()) {
            try {
                return a.decimalValue().compareTo(b.decimalValue()) == 0 ? 0 : 1;
            } catch (NumberFormatException e) {
                return 1;
            }
        }
        return 1;
    };

    private final ActionPlanner planner;
    private final String actionsQueue;
    /** As {@link EventSearch} reads stored payloads. */
    private final ObjectReader payloads =
            WerkenJson.strictReader(WerkenJson.strictFactory(StreamReadConstraints.DEFAULT_MAX_DEPTH));

    /**
     * @param planner      the planner dispatch uses (its params limit and evaluation budget)
     * @param actionsQueue the queue of an action that names none (WERKEN_QUEUE_ACTIONS)
     */
    public DraftImpact(ActionPlanner planner, String actionsQueue) {
        this.planner = planner;
        this.actionsQueue = actionsQueue;
    }

    /**
     * The report, as the endpoint answers it: totals and, per event, how its actions would differ. In snake_case:
     * {@code workflow_id}; {@code events_compared} (= {@code events_changed} + {@code events_unchanged}) and
     * {@code not_comparable}; {@code totals}, the number of changes of each of {@link #KINDS}; {@code events}, the
     * changed ones newest first, each {@code {event_id, received_at, outcome_before, outcome_after, changes: [{index,
     * kind, type, queue, before?, after?, reason?}]}} ({@code type} and {@code queue} are the draft's, or for
     * {@code removed} the stored ones; {@code before}/{@code after} the params, or for {@code type_changed} and
     * {@code queue_changed} the type or queue); {@code stopped_at_max} and {@code next_cursor}. {@code query}
     * selects the events (its limit is not used: {@code max} is); its {@code workflow} is the draft's, or null for
     * the draft's.
     */
    public ObjectNode run(Workflow draft, JournalStore store, EventQuery query, int max) {
        return run(draft, store::scan, query, max);
    }

    /**
     * As {@link #run(Workflow, JournalStore, EventQuery, int)}, over {@code journal} (pages of whole entries, as
     * {@link JournalStore#scan} gives them): at most {@code max} entries are looked at; if more follow,
     * {@code stopped_at_max} is true and {@code next_cursor} goes on after the last one.
     */
    public ObjectNode run(
            Workflow draft, Function<EventQuery, EventPage<JournalRecord>> journal, EventQuery query, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, not " + max);
        }
        if (query.workflow() != null && !query.workflow().equals(draft.id())) {
            throw new IllegalArgumentException(
                    "The draft is of workflow '" + draft.id() + "', the query selects '" + query.workflow() + "'");
        }
        EventQuery selected = new EventQuery(
                draft.id(),
                query.outcome(),
                query.since(),
                query.until(),
                query.actionType(),
                query.queue(),
                query.replayOf(),
                query.limit(),
                query.cursor());

        Map<String, Integer> totals = new LinkedHashMap<>();
        KINDS.forEach(kind -> totals.put(kind, 0));
        ArrayNode events = NODES.arrayNode();
        int changed = 0;
        int unchanged = 0;
        int notComparable = 0;
        int looked = 0;
        String cursor = query.cursor();
        String next = null;
        while (looked < max) {
            // Never more than max has left: a stop at max falls at a page's end, whose cursor the journal gives.
            EventPage<JournalRecord> page =
                    journal.apply(selected.withCursor(cursor).withLimit(Math.min(EventSearch.PAGE, max - looked)));
            for (JournalRecord entry : page.events()) {
                looked++;
                ObjectNode difference = compare(draft, entry);
                if (difference == null) {
                    notComparable++;
                } else if (difference.isEmpty()) {
                    unchanged++;
                } else {
                    changed++;
                    for (JsonNode change : difference.get("changes")) {
                        totals.merge(change.get("kind").textValue(), 1, Integer::sum);
                    }
                    events.add(difference);
                }
            }
            cursor = page.nextCursor();
            if (cursor == null || page.events().isEmpty()) {
                break;
            }
            if (looked >= max) {
                next = cursor;
            }
        }

        ObjectNode report = NODES.objectNode();
        report.put("workflow_id", draft.id());
        report.put("events_compared", changed + unchanged);
        report.put("events_changed", changed);
        report.put("events_unchanged", unchanged);
        report.put("not_comparable", notComparable);
        ObjectNode totalsNode = report.putObject("totals");
        totals.forEach(totalsNode::put);
        report.set("events", events);
        report.put("stopped_at_max", next != null);
        report.put("next_cursor", next);
        return report;
    }

    /**
     * How the draft's actions for {@code entry} differ from those recorded: an empty object if in nothing, null if it
     * cannot be compared.
     */
    private ObjectNode compare(Workflow draft, JournalRecord entry) {
        if (entry.payload() == null) {
            return null;
        }
        JsonNode payload;
        try {
            payload = payloads.readTree(entry.payload());
        } catch (IOException e) {
            return null;
        }
        ReceivedWebhook event = new ReceivedWebhook(
                entry.eventId(),
                entry.workflowId(),
                entry.workflowRevision(),
                entry.receivedAt(),
                headersFor(draft, entry.headers()),
                payload,
                entry.replayOf(),
                null,
                null);
        List<PlannedAction> planned = planner.plan(draft, event, false);

        Map<Integer, JournalAction> before = new HashMap<>();
        // An event dead-lettered before published nothing, whatever its actions say.
        if (JournalRecord.DISPATCHED.equals(entry.outcome())) {
            entry.actions().forEach(action -> before.put(action.index(), action));
        } else {
            entry.actions().stream()
                    .filter(action -> !JournalAction.PUBLISHED.equals(action.outcome()))
                    .forEach(action -> before.put(action.index(), action));
        }
        boolean failsNow = planned.stream().anyMatch(action -> action.outcome() == Outcome.FAILED);
        ArrayNode changes = failsNow ? failures(planned, before) : differences(planned, before);
        String outcomeAfter = failsNow ? JournalRecord.DEAD_LETTERED : JournalRecord.DISPATCHED;
        ObjectNode difference = NODES.objectNode();
        if (changes.isEmpty() && outcomeAfter.equals(entry.outcome())) {
            return difference;
        }
        difference.put("event_id", entry.eventId());
        difference.put("received_at", entry.receivedAt());
        difference.put("outcome_before", entry.outcome());
        difference.put("outcome_after", outcomeAfter);
        difference.set("changes", changes);
        return difference;
    }

    /** The actions that fail now and did not fail so before: dispatch would publish none of the event's. */
    private ArrayNode failures(List<PlannedAction> planned, Map<Integer, JournalAction> before) {
        ArrayNode changes = NODES.arrayNode();
        for (PlannedAction now : planned) {
            if (now.outcome() != Outcome.FAILED) {
                continue;
            }
            JournalAction was = before.get(now.action().index());
            boolean sameFailure = was != null
                    && JournalAction.FAILED.equals(was.outcome())
                    && Objects.equals(was.reason(), now.reason());
            if (!sameFailure) {
                change(
                        changes,
                        now.action().index(),
                        NOW_FAILING,
                        now.action().type(),
                        now.action().queueOr(actionsQueue),
                        published(was) ? was.params() : null,
                        null,
                        now.reason());
            }
        }
        return changes;
    }

    /** Index by index, what the draft publishes (none of its actions fails) against what was published. */
    private ArrayNode differences(List<PlannedAction> planned, Map<Integer, JournalAction> before) {
        ArrayNode changes = NODES.arrayNode();
        int count = Math.max(
                planned.size(),
                before.keySet().stream().mapToInt(i -> i + 1).max().orElse(0));
        for (int index = 0; index < count; index++) {
            JournalAction was = before.get(index);
            PlannedAction now = index < planned.size() ? planned.get(index) : null;
            if (now == null) {
                if (published(was)) {
                    change(changes, index, REMOVED, was.type(), was.queue(), was.params(), null, null);
                }
                continue;
            }
            String type = now.action().type();
            String queue = now.action().queueOr(actionsQueue);
            if (now.outcome() == Outcome.SKIPPED) {
                if (published(was)) {
                    change(changes, index, NOW_SKIPPED, type, queue, was.params(), null, now.reason());
                }
            } else if (!published(was)) {
                change(changes, index, ADDED, type, queue, null, now.params(), null);
            } else {
                if (!type.equals(was.type())) {
                    change(
                            changes,
                            index,
                            TYPE_CHANGED,
                            type,
                            queue,
                            NODES.textNode(was.type()),
                            NODES.textNode(type),
                            null);
                }
                if (!queue.equals(was.queue())) {
                    change(
                            changes,
                            index,
                            QUEUE_CHANGED,
                            type,
                            queue,
                            NODES.textNode(was.queue()),
                            NODES.textNode(queue),
                            null);
                }
                // Params not kept (the workflow was journaled as metadata then) cannot be compared.
                if (was.params() != null && !was.params().equals(BY_VALUE, now.params())) {
                    change(changes, index, PARAMS_CHANGED, type, queue, was.params(), now.params(), null);
                }
            }
        }
        return changes;
    }

    private static boolean published(JournalAction action) {
        return action != null && JournalAction.PUBLISHED.equals(action.outcome());
    }

    /** The stored headers the draft reads: a header it no longer lists is not seen, one it adds was never kept. */
    private static Map<String, String> headersFor(Workflow draft, Map<String, String> stored) {
        if (stored == null || stored.isEmpty() || draft.headers().isEmpty()) {
            return Map.of();
        }
        Map<String, String> headers = new TreeMap<>();
        for (String name : draft.headers()) {
            String value = stored.get(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        return headers;
    }

    private static void change(
            ArrayNode changes,
            int index,
            String kind,
            String type,
            String queue,
            JsonNode before,
            JsonNode after,
            String reason) {
        ObjectNode change = changes.addObject();
        change.put("index", index);
        change.put("kind", kind);
        change.put("type", type);
        change.put("queue", queue);
        if (before != null) {
            change.set("before", before);
        }
        if (after != null) {
            change.set("after", after);
        }
        if (reason != null) {
            change.put("reason", reason);
        }
    }
}
