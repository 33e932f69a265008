package io.werken.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.werken.core.ExchangeProperties;
import io.werken.core.LogContext;
import io.werken.core.Problem;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.core.TraceContext;
import io.werken.workflow.PayloadSchema;
import io.werken.workflow.Workflow;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Refuses a body that fails its workflow's {@code payload_schema} with 422 {@code payload-invalid}, listing where and
 * why (at most {@link PayloadSchema#MAX_ERRORS}); a workflow without one accepts any JSON. Runs after the signature
 * check and before the dedupe key is taken, so a refused body reserves nothing.
 * <p>
 * A check can take seconds of CPU on a large body (a {@code multipleOf} divides every number exactly: about 10 s for a
 * mebibyte of numbers near 1e300, see the README), so on the event loop ({@link ExchangeProperties#RESUME_ON} set) it
 * runs on the check threads instead and the route resumes on its event loop afterwards: every other webhook is still
 * served meanwhile. When the check threads and their queue are full the webhook is answered 503 with Retry-After.
 */
public final class PayloadSchemaCheck extends AsyncProcessorSupport {

    private final Executor checkThreads;
    private final int retryAfterSeconds;

    /**
     * @param checkThreads      where checks run when the route is on an event loop; refuses work when full
     * @param retryAfterSeconds sent with the 503 when it is full
     */
    public PayloadSchemaCheck(Executor checkThreads, int retryAfterSeconds) {
        this.checkThreads = checkThreads;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        Workflow workflow = exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class);
        JsonNode payload = exchange.getMessage().getBody(JsonNode.class);
        Executor resumeOn = exchange.getProperty(ExchangeProperties.RESUME_ON, Executor.class);
        if (workflow.payloadSchema() == null || resumeOn == null) {
            // Nothing to check, or already on a worker thread (a webhook whose dedupe store is remote, a dry run).
            try {
                check(workflow, payload);
            } catch (RuntimeException e) {
                exchange.setException(e);
            }
            callback.done(true);
            return true;
        }
        TraceContext trace = exchange.getProperty(ExchangeProperties.TRACE, TraceContext.class);
        try {
            checkThreads.execute(() -> {
                RuntimeException failure = null;
                try {
                    check(workflow, payload);
                } catch (RuntimeException e) {
                    failure = e;
                }
                RuntimeException outcome = failure;
                resumeOn.execute(() -> {
                    // The event loop has served other webhooks meanwhile: this one's log lines carry its ids again.
                    if (trace != null) {
                        LogContext.resume(trace, null);
                    }
                    if (outcome != null) {
                        exchange.setException(outcome);
                    }
                    callback.done(false);
                });
            });
        } catch (RejectedExecutionException e) {
            exchange.setException(new ProblemException(
                    ProblemType.OVERLOADED,
                    "Werken is checking as many payloads against their schemas as it can, so the webhook was not"
                            + " accepted; retry after " + retryAfterSeconds + " seconds.",
                    Map.of("Retry-After", Integer.toString(retryAfterSeconds))));
            callback.done(true);
            return true;
        }
        // The event loop moves on to other webhooks until the check is done: none of them logs with this one's ids.
        LogContext.clear();
        return false;
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
        throw new ProblemException(
                ProblemType.PAYLOAD_INVALID,
                "The body does not match the payload schema of workflow '" + workflow.id() + "': " + where + ": "
                        + first.message()
                        + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more, in errors)" : "")
                        + ".",
                errors.stream()
                        .map(e -> new Problem.Error(e.pointer(), e.message()))
                        .toList());
    }
}
