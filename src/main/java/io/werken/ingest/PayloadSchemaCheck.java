package io.werken.ingest;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.core.ExchangeProperties;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import io.werken.core.WebhookRejectedException;
import io.werken.workflow.PayloadSchema;
import io.werken.workflow.Workflow;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Refuses a body that fails its workflow's {@code payload_schema} with 422 {@code payload-invalid}, listing where and
 * why (at most {@link PayloadSchema#MAX_ERRORS}); a workflow without one accepts any JSON. Runs after the signature
 * check and before the dedupe key is taken, so a refused body reserves nothing.
 */
public final class PayloadSchemaCheck implements Processor {

    @Override
    public void process(Exchange exchange) {
        check(exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class), exchange.getMessage().getBody(JsonNode.class));
    }

    /** Throws the 422 when {@code payload} fails the workflow's schema. */
    public static void check(Workflow workflow, JsonNode payload) {
        if (workflow.payloadSchema() == null) {
            return;
        }
        List<PayloadSchema.PayloadError> errors = workflow.payloadSchema().check(payload);
        if (errors.isEmpty()) {
            return;
        }
        PayloadSchema.PayloadError first = errors.get(0);
        String where = first.pointer().isEmpty() ? "the body" : first.pointer();
        throw new WebhookRejectedException(ProblemType.PAYLOAD_INVALID,
                "The body does not match the payload schema of workflow '" + workflow.id() + "': " + where + ": "
                + first.message() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more, in errors)" : "")
                + ".",
                errors.stream().map(e -> new Problem.Error(e.pointer(), e.message())).toList());
    }
}
