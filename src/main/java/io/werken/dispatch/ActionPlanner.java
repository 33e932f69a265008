package io.werken.dispatch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowAction;
import io.werken.workflow.WorkflowCatalog;

/** Reads an event envelope from {@code received_webhooks} and lists the actions its workflow asks for, in order. */
public final class ActionPlanner {

    private final WorkflowCatalog catalog;
    private final ObjectMapper json;

    public ActionPlanner(WorkflowCatalog catalog, ObjectMapper json) {
        this.catalog = catalog;
        this.json = json;
    }

    public List<ActionMessage> plan(byte[] envelope) {
        JsonNode event;
        try {
            event = json.readTree(envelope);
        } catch (IOException e) {
            throw new UndispatchableEventException("Envelope is not valid JSON: " + e.getMessage());
        }
        if (event == null || !event.isObject()) {
            throw new UndispatchableEventException("Envelope is not a JSON object");
        }
        String eventId = requiredText(event, "event_id");
        String workflowId = requiredText(event, "workflow_id");
        String receivedAt = requiredText(event, "received_at");
        JsonNode payload = event.get("payload");
        if (payload == null) {
            throw new UndispatchableEventException("Envelope " + eventId + " has no \"payload\"");
        }
        Workflow workflow = catalog.find(workflowId).orElseThrow(() -> new UndispatchableEventException(
                "Event " + eventId + " names workflow '" + workflowId + "', which " + catalog.source() + " does not define"));

        List<WorkflowAction> actions = workflow.actions();
        List<ActionMessage> messages = new ArrayList<>(actions.size());
        for (int i = 0; i < actions.size(); i++) {
            WorkflowAction action = actions.get(i);
            messages.add(new ActionMessage(eventId + ":" + i, eventId, workflowId, i, actions.size(),
                    action.type(), action.params(), payload, receivedAt));
        }
        return messages;
    }

    private static String requiredText(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new UndispatchableEventException("Envelope has no \"" + field + "\" string");
        }
        return value.asText();
    }
}
