package io.werken.manage;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.werken.core.ProblemType;
import io.werken.core.WebhookRejectedException;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.workflow.Workflow;
import io.werken.workflow.CurrentWorkflows;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** What the management endpoints share: the method check, the workflow of the path, and the JSON answer. */
final class ManagementRequests {

    private ManagementRequests() {
    }

    static void requireMethod(Message in, String method) {
        String actual = in.getHeader(Exchange.HTTP_METHOD, String.class);
        if (!method.equals(actual)) {
            throw new WebhookRejectedException(ProblemType.METHOD_NOT_ALLOWED,
                    "This resource answers " + method + ", not " + actual + ".", Map.of("Allow", method));
        }
    }

    static Workflow workflow(CurrentWorkflows workflows, Message in) {
        String workflowId = in.getHeader(WebhookRequestValidator.WORKFLOW_ID_HEADER, String.class);
        return workflows.find(workflowId).orElseThrow(() -> new WebhookRejectedException(ProblemType.UNKNOWN_WORKFLOW,
                "There is no workflow '" + WebhookRequestValidator.abbreviate(workflowId) + "'."));
    }

    static void answer(Message message, ObjectMapper json, Object body) throws JsonProcessingException {
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setBody(json.writeValueAsBytes(body));
    }
}
