package io.werken.manage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.werken.core.Problem;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.expression.ParamsTemplate;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.workflow.InvalidWorkflowsException;
import io.werken.workflow.Workflow;
import io.werken.workflow.WorkflowCatalog;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A draft of one workflow (its definition, as it would stand in {@code workflows.json}) compiled as {@code validate}
 * and a reload compile a file: the schema, every expression, the payload schema, queue names and secrets. The draft's
 * check, its dry run and the impact endpoint all compile through here, so that a draft passes one exactly when it
 * passes the others; each problem's pointer is relative to the draft ({@code /actions/0/when}), "" for the whole.
 */
final class WorkflowDrafts {

    /** A compiled draft ({@code workflow}), or why it does not compile ({@code problems}, never empty then). */
    record Checked(Workflow workflow, List<Problem.Error> problems) {

        boolean valid() {
            return workflow != null;
        }
    }

    static final String NOT_A_DEFINITION = "The draft must be the workflow's definition: a JSON object with "
            + "\"actions\", as it would stand in workflows.json.";

    private final WorkflowCatalog.Settings settings;
    private final ObjectMapper json;

    WorkflowDrafts(WorkflowCatalog.Settings settings, ObjectMapper json) {
        this.settings = settings;
        this.json = json;
    }

    /** The draft compiled as workflow {@code workflowId}, or its problems. */
    Checked check(String workflowId, JsonNode draft) {
        if (draft == null || !draft.isObject()) {
            return new Checked(null, List.of(new Problem.Error("", NOT_A_DEFINITION)));
        }
        ObjectNode file = json.createObjectNode();
        file.set(workflowId, draft);
        String prefix = "/" + ParamsTemplate.escape(workflowId);
        try {
            Workflow workflow = WorkflowCatalog.load(
                            "draft of workflow '" + workflowId + "'",
                            file.toString().getBytes(StandardCharsets.UTF_8),
                            settings)
                    .find(workflowId)
                    .orElseThrow();
            return new Checked(workflow, List.of());
        } catch (InvalidWorkflowsException e) {
            return new Checked(
                    null,
                    e.problems().stream()
                            .map(p -> ReloadWorkflows.error(relative(p, prefix)))
                            .toList());
        }
    }

    /** The draft as a workflow; otherwise a 422 {@code draft-invalid} with every problem. */
    Workflow compile(String workflowId, JsonNode draft) {
        Checked checked = check(workflowId, draft);
        if (checked.valid()) {
            return checked.workflow();
        }
        if (draft == null || !draft.isObject()) {
            throw new ProblemException(ProblemType.DRAFT_INVALID, NOT_A_DEFINITION, checked.problems());
        }
        throw new ProblemException(
                ProblemType.DRAFT_INVALID,
                "The draft of workflow '"
                        + WebhookRequestValidator.abbreviate(workflowId) + "' has "
                        + checked.problems().size()
                        + " problem(s); each is listed with its place in the draft.",
                checked.problems());
    }

    /** A problem of the one-workflow file with its pointer made relative to the draft. */
    private static String relative(String problem, String prefix) {
        if (problem.startsWith(prefix + "/")) {
            return problem.substring(prefix.length());
        }
        if (problem.startsWith(prefix + ":")) {
            return "/" + problem.substring(prefix.length());
        }
        return problem;
    }
}
