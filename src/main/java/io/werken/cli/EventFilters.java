package io.werken.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The journal listing's filters ({@code GET /events}, {@code POST /events/replay}) as options of a command. */
final class EventFilters {

    @Option(names = "--workflow", paramLabel = "ID", description = "Only events of this workflow.")
    String workflow;

    @Option(
            names = "--outcome",
            paramLabel = "OUTCOME",
            description = "Only events with this outcome (e.g. dispatched, dead_lettered).")
    String outcome;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            description = "Only events received at or after TIME " + "(ISO-8601, e.g. 2026-12-01T00:00:00Z).")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "Only events received before TIME (ISO-8601).")
    String until;

    @Option(names = "--action-type", paramLabel = "TYPE", description = "Only events with an action of this type.")
    String actionType;

    @Option(names = "--queue", paramLabel = "QUEUE", description = "Only events with an action sent to this queue.")
    String queue;

    @Option(names = "--replay-of", paramLabel = "EVENT_ID", description = "Only the replays of this event.")
    String replayOf;

    @Option(
            names = "--where",
            paramLabel = "CEL",
            description = "Only events that meet this CEL condition over "
                    + "payload, headers and event, e.g. \"payload.repository.name == 'werken'\".")
    String where;

    /** The query parameters these options set. */
    Map<String, String> query() {
        Map<String, String> query = new LinkedHashMap<>();
        put(query, "workflow", workflow);
        put(query, "outcome", outcome);
        put(query, "since", since);
        put(query, "until", until);
        put(query, "action_type", actionType);
        put(query, "queue", queue);
        put(query, "replay_of", replayOf);
        put(query, "where", where);
        return query;
    }

    private static void put(Map<String, String> query, String name, String value) {
        if (value != null) {
            query.put(name, value);
        }
    }
}
