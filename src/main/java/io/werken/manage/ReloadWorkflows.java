package io.werken.manage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.werken.core.Problem;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.workflow.WorkflowReloader;
import io.werken.workflow.WorkflowReloader.Outcome;
import io.werken.workflow.WorkflowReloader.Result;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code POST /workflows/reload}: reloads the workflows file now and says what changed. A file that is not valid
 * changes nothing and is answered 422 {@code workflows-invalid} with every problem in {@code errors}; a valid file
 * whose queues the broker could not declare, 503 {@code reload-failed}.
 */
public final class ReloadWorkflows implements Processor {

    /** A reload that put a new revision in use, or found the file unchanged. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Reloaded(
            String outcome,
            String revision,
            String previousRevision,
            List<String> added,
            List<String> removed,
            List<String> changed,
            int workflows) {}

    private final WorkflowReloader reloader;
    private final ObjectMapper json;

    public ReloadWorkflows(WorkflowReloader reloader, ObjectMapper json) {
        this.reloader = reloader;
        this.json = json;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        // POST only: the route restricts the method (httpMethodRestrict), see ManagementRequests.requireMethod.
        Result result = reloader.reload("POST /workflows/reload");
        if (result.outcome() == Outcome.INVALID) {
            throw new ProblemException(
                    ProblemType.WORKFLOWS_INVALID,
                    "The workflows file "
                            + reloader.getSource() + " has " + result.problems().size() + " problem(s); revision "
                            + result.revision() + " keeps serving.",
                    result.problems().stream().map(ReloadWorkflows::error).toList());
        }
        if (result.outcome() == Outcome.FAILED) {
            throw new ProblemException(
                    ProblemType.RELOAD_FAILED,
                    "Revision " + result.revision() + " keeps serving: " + String.join("; ", result.problems()));
        }
        ManagementRequests.answer(
                exchange.getMessage(),
                json,
                new Reloaded(
                        result.outcome().name().toLowerCase(java.util.Locale.ROOT),
                        result.revision(),
                        result.previousRevision(),
                        result.added(),
                        result.removed(),
                        result.changed(),
                        reloader.current().catalog().size()));
    }

    /** {@code /a/b: message} as a pointer and its message; a problem of the whole file has the pointer "". */
    static Problem.Error error(String problem) {
        int colon = problem.indexOf(": ");
        if (problem.startsWith("/") && colon > 0) {
            String pointer = problem.substring(0, colon);
            return new Problem.Error(pointer.equals("/") ? "" : pointer, problem.substring(colon + 2));
        }
        return new Problem.Error("", problem);
    }
}
