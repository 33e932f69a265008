package io.werken.dispatch;

import java.util.List;

import io.werken.core.ExchangeProperties;
import io.werken.core.ReceivedWebhook;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowAction;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The dispatch route's splitter: turns the event into one {@link ActionMessage} per action of its workflow, in order
 * (the body becomes that list), each numbered by its place in the workflow so that its {@code action_id} is the same
 * on every redelivery of the event.
 */
public final class ActionMessageFactory implements Processor {

    @Override
    public void process(Exchange exchange) {
        ReceivedWebhook event = exchange.getProperty(ExchangeProperties.EVENT, ReceivedWebhook.class);
        Workflow workflow = exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class);
        ActionMessage[] messages = new ActionMessage[workflow.actions().size()];
        for (int i = 0; i < messages.length; i++) {
            messages[i] = create(event, workflow, i);
        }
        exchange.getMessage().setBody(List.of(messages));
    }

    private static ActionMessage create(ReceivedWebhook event, Workflow workflow, int index) {
        WorkflowAction action = workflow.actions().get(index);
        return new ActionMessage(event.eventId() + ":" + index, event.eventId(), event.workflowId(), index,
                workflow.actions().size(), action.type(), action.params(), event.payload(), event.receivedAt());
    }
}
