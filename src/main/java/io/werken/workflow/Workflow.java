package io.werken.workflow;

import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.verify.SignatureScheme;

/**
 * A workflow from {@code workflows.json}: the ordered actions one webhook turns into, how its webhooks are signed
 * ({@code verify}, null if they are not), where a delivery's id is in the payload ({@code dedupe}, or null), the request
 * headers it reads ({@code headers}, lower-case), the schema its bodies must meet ({@code payloadSchema}, or null), and
 * its {@code definition} exactly as the file wrote it (secrets only as their {@code env:}/{@code file:} references).
 */
public record Workflow(String id, String description, List<WorkflowAction> actions, SignatureScheme verify,
                       DedupeRule dedupe, List<String> headers, PayloadSchema payloadSchema, ObjectNode definition) {

    public Workflow {
        actions = List.copyOf(actions);
        headers = List.copyOf(headers);
    }
}
