package io.werken.dispatch;

import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.metrics.WerkenMetrics;
import io.werken.workflow.ActionPlanner;
import io.werken.workflow.ActionPlanner.Outcome;
import io.werken.workflow.ActionPlanner.PlannedAction;
import io.werken.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The dispatch route's splitter: turns the event into one {@link ActionMessage} per action of its workflow whose
 * condition holds, in order, with its params rendered (the body becomes that list of {@link QueuedAction}). Each is
 * numbered by its place in the workflow, so its {@code action_id} is the same on every redelivery. If any action's
 * expressions fail, none is published: {@link ActionEvaluationException}.
 */
public final class ActionMessageFactory implements Processor {

    private final ActionPlanner planner;
    private final String actionsQueue;
    private final WerkenMetrics metrics;

    public ActionMessageFactory(ActionPlanner planner, String actionsQueue, WerkenMetrics metrics) {
        this.planner = planner;
        this.actionsQueue = actionsQueue;
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        ReceivedWebhook event = exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class);
        Workflow workflow = exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class);
        exchange.getMessage()
                .setBody(create(event, workflow, planned -> exchange.setProperty(ExchangeProperties.PLANNED, planned)));
    }

    List<QueuedAction> create(ReceivedWebhook event, Workflow workflow) {
        return create(event, workflow, planned -> {});
    }

    /** {@code keep} is handed what every action came to, for the event's journal record. */
    private List<QueuedAction> create(
            ReceivedWebhook event, Workflow workflow, java.util.function.Consumer<List<PlannedAction>> keep) {
        List<PlannedAction> planned = planner.plan(workflow, event, true);
        keep.accept(planned);
        int count = 0;
        for (PlannedAction action : planned) {
            if (action.outcome() == Outcome.FAILED) {
                // The journal records what every action came to, not just the first failure.
                keep.accept(planner.plan(workflow, event, false));
                throw new ActionEvaluationException(event.eventId(), action.reason());
            }
            if (action.outcome() == Outcome.PUBLISH) {
                count++;
            }
        }
        List<QueuedAction> messages = new ArrayList<>(count);
        for (PlannedAction action : planned) {
            if (action.outcome() != Outcome.PUBLISH) {
                metrics.actionSkipped(workflow.id(), action.action().type());
                continue;
            }
            int index = action.action().index();
            messages.add(new QueuedAction(
                    action.action().queueOr(actionsQueue),
                    new ActionMessage(
                            event.eventId() + ":" + index,
                            event.eventId(),
                            event.workflowId(),
                            workflow.revision(),
                            index,
                            count,
                            action.action().type(),
                            action.params(),
                            event.payload(),
                            event.receivedAt(),
                            event.headers(),
                            event.replayOf())));
        }
        return messages;
    }
}
