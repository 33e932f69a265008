package io.werken.manage;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.core.ReceivedWebhook;
import io.werken.dispatch.DeadLetterReason;
import io.werken.ingest.PayloadSchemaCheck;
import io.werken.ingest.ReceivedWebhookFactory;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.ActionPlanner.Outcome;
import io.werken.workflow.ActionPlanner.PlannedAction;
import io.werken.workflow.Workflow;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * What a dry run does once it has its workflow, payload and headers, for the workflow in use
 * ({@code POST /workflows/{workflow_id}/dry-run}) and for a draft ({@code POST /workflows/{workflow_id}/draft/dry-run}):
 * checks the payload against the workflow's schema (the same 422 as at ingest), makes the event dispatch would read,
 * and plans every action on its own, so that every failure shows; then gives the verdict dispatch would reach (publish,
 * or dead-letter at the first failure). Publishes nothing and takes no dedupe key.
 */
final class DryRunPlanner {

    private final ActionPlanner planner;
    private final ReceivedWebhookFactory events;
    private final String actionsQueue;

    DryRunPlanner(ActionPlanner planner, ReceivedWebhookFactory events, String actionsQueue) {
        this.planner = planner;
        this.events = events;
        this.actionsQueue = actionsQueue;
    }

    /** The dry run's answer; {@code headers} are the ones the workflow reads, by lower-case name. */
    DryRunWorkflow.Result plan(Workflow workflow, JsonNode payload, Map<String, String> headers) {
        PayloadSchemaCheck.check(workflow, payload);
        ReceivedWebhook event = events.create(workflow, payload, "dry-run-" + UUID.randomUUID(), headers);
        List<PlannedAction> planned = planner.plan(workflow, event, false);
        // Dispatch's rule (ActionMessageFactory): the first action that fails dead-letters the whole event.
        PlannedAction failed = planned.stream()
                .filter(p -> p.outcome() == Outcome.FAILED)
                .findFirst()
                .orElse(null);
        List<DryRunWorkflow.Action> actions =
                planned.stream().map(p -> action(p, failed)).toList();
        if (failed != null) {
            return new DryRunWorkflow.Result(
                    workflow.id(),
                    DryRunWorkflow.DEAD_LETTER,
                    DeadLetterReason.ACTION_EVALUATION_FAILED.label(),
                    failed.reason(),
                    0,
                    actions);
        }
        int wouldPublish = (int)
                planned.stream().filter(p -> p.outcome() == Outcome.PUBLISH).count();
        return new DryRunWorkflow.Result(workflow.id(), DryRunWorkflow.PUBLISH, null, null, wouldPublish, actions);
    }

    private DryRunWorkflow.Action action(PlannedAction planned, PlannedAction failed) {
        var action = planned.action();
        if (failed != null && planned.outcome() == Outcome.PUBLISH) {
            return new DryRunWorkflow.Action(
                    action.index(),
                    action.type(),
                    action.queueOr(actionsQueue),
                    DryRunWorkflow.NOT_PUBLISHED,
                    planned.params(),
                    "not published: action " + failed.action().index() + " ("
                            + failed.action().type()
                            + ") failed, and dispatch publishes none of an event's actions then");
        }
        return new DryRunWorkflow.Action(
                action.index(),
                action.type(),
                action.queueOr(actionsQueue),
                planned.outcome().name().toLowerCase(Locale.ROOT),
                planned.params(),
                planned.reason());
    }
}
