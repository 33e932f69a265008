package io.werken.manage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.Workflow;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /workflows/{workflow_id}}: the workflow as loaded, as the file defines it, with its {@code id}. Secrets
 * appear only as the {@code env:}/{@code file:} references the file holds; their values never leave Werken.
 */
public final class ShowWorkflow implements Processor {

    private final CurrentWorkflows workflows;
    private final ObjectMapper json;

    public ShowWorkflow(CurrentWorkflows workflows, ObjectMapper json) {
        this.workflows = workflows;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        ManagementRequests.requireMethod(exchange.getMessage(), "GET");
        Workflow workflow = ManagementRequests.workflow(workflows, exchange.getMessage());
        ObjectNode definition = json.createObjectNode().put("id", workflow.id());
        definition.setAll(workflow.definition());
        ManagementRequests.answer(exchange.getMessage(), json, definition);
    }
}
