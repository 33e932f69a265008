package io.werken.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code events [EVENT_ID] [filters]}: the journal of a running Werken through its management API: one event in full
 * ({@code GET /events/{id}}), or the events newest first, filtered and searched ({@code GET /events}), as a table.
 */
@Command(
        name = "events",
        header = "List or search the event journal of the running Werken.",
        description = {
            "List or search the event journal of the running Werken (its management API, GET /events), "
                    + "newest first; with EVENT_ID, show that event in full (GET /events/EVENT_ID) as JSON."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:answered",
            "1:the server refused or could not be reached (the reason on stderr)",
            "2:a wrong command line"
        })
final class EventsCommand implements Callable<Integer> {

    static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "EVENT_ID", arity = "0..1", description = "Show this event in full.")
    String eventId;

    @Mixin
    EventFilters filters;

    @Option(
            names = "--limit",
            paramLabel = "N",
            converter = WholeNumber.class,
            description = "At most N events (1 to 500; default 50).")
    Long limit;

    @Option(names = "--cursor", paramLabel = "CURSOR", description = "Go on from where the previous page ended.")
    String cursor;

    @Option(names = "--json", description = "Print the API's JSON answer instead of a table.")
    boolean json;

    @Mixin
    ManagementOptions management;

    @Spec
    CommandSpec spec;

    private final CliSettings settings;

    EventsCommand(CliSettings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ManagementClient client = management.client(settings);
        try {
            if (eventId != null) {
                JsonNode event = client.get("/events/" + ManagementClient.segment(eventId), Map.of());
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(event));
                out.flush();
                return 0;
            }
            Map<String, String> query = filters.query();
            if (limit != null) {
                query.put("limit", limit.toString());
            }
            if (cursor != null) {
                query.put("cursor", cursor);
            }
            JsonNode page = client.get("/events", query);
            if (json) {
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(page));
            } else {
                table(page, out);
            }
            out.flush();
            return 0;
        } catch (ManagementClient.Failure e) {
            err.println("events: " + e.getMessage());
            err.flush();
            return 1;
        }
    }

    private static void table(JsonNode page, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"EVENT_ID", "RECEIVED_AT", "WORKFLOW", "OUTCOME", "ACTIONS", "REPLAY_OF"});
        for (JsonNode event : page.path("events")) {
            rows.add(new String[] {
                text(event, "event_id"),
                text(event, "received_at"),
                text(event, "workflow_id"),
                text(event, "outcome"),
                text(event, "actions_published"),
                text(event, "replay_of")
            });
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        int count = rows.size() - 1;
        StringBuilder summary = new StringBuilder(count + (count == 1 ? " event" : " events"));
        if (page.hasNonNull("scanned")) {
            summary.append(", ").append(page.get("scanned").asLong()).append(" journal entries looked at");
            if (page.path("stopped_at_scan_limit").asBoolean()) {
                summary.append(" (stopped at WERKEN_JOURNAL_SCAN_LIMIT)");
            }
            if (page.path("unevaluable").asLong() > 0) {
                summary.append(", ").append(page.get("unevaluable").asLong()).append(" where= could not evaluate");
                if (page.hasNonNull("unevaluable_reason")) {
                    summary.append(" (")
                            .append(page.get("unevaluable_reason").asText())
                            .append(')');
                }
            }
        }
        if (page.hasNonNull("next_cursor")) {
            summary.append("; more with --cursor ")
                    .append(page.get("next_cursor").asText());
        }
        out.println(summary);
    }

    private static String text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        return value == null || value.isNull() ? "-" : value.asText();
    }
}
