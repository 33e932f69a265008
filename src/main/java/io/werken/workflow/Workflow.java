package io.werken.workflow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.verify.SignatureScheme;
import java.util.List;

/**
 * A workflow from {@code workflows.json}: the ordered actions one webhook turns into, how its webhooks are signed
 * ({@code verify}, null if they are not), where a delivery's id is in the payload ({@code dedupe}, or null), the request
 * headers it reads ({@code headers}, lower-case), the schema its bodies must meet ({@code payloadSchema}, or null), and
 * its {@code definition} exactly as the file wrote it (secrets only as their {@code env:}/{@code file:} references), and
 * the {@code revision} of the file it was loaded from. A workflow is immutable: whoever holds one (a webhook being
 * ingested, an event being dispatched) sees the whole of one revision, whatever reloads happen meanwhile.
 */
public record Workflow(
        String id,
        String description,
        List<WorkflowAction> actions,
        SignatureScheme verify,
        DedupeRule dedupe,
        List<String> headers,
        PayloadSchema payloadSchema,
        ObjectNode definition,
        String revision) {

    public Workflow {
        actions = List.copyOf(actions);
        headers = List.copyOf(headers);
    }

    /** What the event journal keeps of its events: {@code full} (the default), {@code metadata} or {@code off}. */
    public String journal() {
        return definition == null ? "full" : definition.path("journal").asText("full");
    }
}
