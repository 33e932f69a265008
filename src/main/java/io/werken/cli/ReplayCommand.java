package io.werken.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replay EVENT_ID} ({@code POST /events/{id}/replay}) or {@code replay --max N [filters]} (a bulk replay in the
 * background, {@code POST /events/replay}; {@code --dry-run} counts only) on a running Werken's management API.
 */
@Command(
        name = "replay",
        header = "Replay journaled events on the running Werken.",
        description = {
            "Replay journaled events on the running Werken (its management API): with EVENT_ID, that "
                    + "event, as a new event whose replay_of names it (POST /events/EVENT_ID/replay); without, the events "
                    + "the filters select, at most --max, in the background (POST /events/replay). A replay is not "
                    + "deduplicated and its signature is not checked again."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the replay was accepted (or, with --dry-run, counted)",
            "1:the server refused or could not be reached (the reason on stderr)",
            "2:a wrong command line"
        })
final class ReplayCommand implements Callable<Integer> {

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help and exit.")
    boolean help;

    @Parameters(paramLabel = "EVENT_ID", arity = "0..1", description = "The event to replay.")
    String eventId;

    @Option(
            names = "--revision",
            paramLabel = "current|original",
            description = "Dispatch with the workflows in "
                    + "use (current, the default) or with the revision that dispatched the original.")
    String revision;

    @Option(
            names = "--max",
            paramLabel = "N",
            converter = WholeNumber.class,
            description = "Bulk: replay at most N of the events the filters select " + "(required without EVENT_ID).")
    Long max;

    @Option(
            names = "--dry-run",
            description = "Bulk: replay nothing; say how many events would be replayed and show " + "the first ten.")
    boolean dryRun;

    @Mixin
    EventFilters filters;

    @Mixin
    ManagementOptions management;

    @Spec
    CommandSpec spec;

    private final CliSettings settings;

    ReplayCommand(CliSettings settings) {
        this.settings = settings;
    }

    @Override
    public Integer call() throws JsonProcessingException {
        Map<String, String> filterQuery = filters.query();
        if (eventId != null && (max != null || dryRun || !filterQuery.isEmpty())) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Give either EVENT_ID, or --max N with filters for a bulk " + "replay, not both");
        }
        if (eventId == null && max == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Give the EVENT_ID to replay, or --max N (with filters) " + "for a bulk replay");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ManagementClient client = management.client(settings);
        Map<String, String> query = new LinkedHashMap<>();
        if (revision != null) {
            query.put("revision", revision);
        }
        try {
            if (eventId != null) {
                JsonNode answer = client.post("/events/" + ManagementClient.segment(eventId) + "/replay", query);
                out.println("Replaying event_id=" + answer.path("replay_of").asText() + " (workflow "
                        + answer.path("workflow_id").asText() + ", "
                        + answer.path("revision").asText()
                        + " revision) as event_id=" + answer.path("event_id").asText());
            } else {
                query.put("max", max.toString());
                query.putAll(filterQuery);
                if (dryRun) {
                    query.put("dry_run", "true");
                }
                JsonNode answer = client.post("/events/replay", query);
                if (dryRun) {
                    out.println("Would replay " + answer.path("would_replay").asLong() + " event(s) ("
                            + answer.path("scanned").asLong() + " journal entries looked at"
                            + (answer.path("stopped_at_scan_limit").asBoolean()
                                    ? ", stopped at WERKEN_JOURNAL_SCAN_LIMIT"
                                    : "")
                            + "); the first of them:");
                    for (JsonNode event : answer.path("sample")) {
                        out.println("  " + event.path("event_id").asText() + "  "
                                + event.path("received_at").asText() + "  "
                                + event.path("workflow_id").asText() + "  "
                                + event.path("outcome").asText());
                    }
                } else {
                    out.println("Bulk replay " + answer.path("replay_id").asText() + " started ("
                            + answer.path("state").asText() + "); its progress: GET "
                            + answer.path("status").asText()
                            + " on the management port");
                }
            }
            out.flush();
            return 0;
        } catch (ManagementClient.Failure e) {
            err.println("replay: " + e.getMessage());
            err.flush();
            return 1;
        }
    }
}
