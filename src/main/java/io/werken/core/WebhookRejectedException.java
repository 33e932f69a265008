package io.werken.core;

import java.util.List;
import java.util.Map;

/** A webhook refused because of the caller's request; carries the problem to answer with and nothing is published. */
public class WebhookRejectedException extends RuntimeException {

    private final ProblemType problemType;
    private final Map<String, String> responseHeaders;
    private final List<Problem.Error> errors;

    public WebhookRejectedException(ProblemType problemType, String detail) {
        this(problemType, detail, Map.of());
    }

    public WebhookRejectedException(ProblemType problemType, String detail, Map<String, String> responseHeaders) {
        this(problemType, detail, responseHeaders, List.of());
    }

    public WebhookRejectedException(ProblemType problemType, String detail, List<Problem.Error> errors) {
        this(problemType, detail, Map.of(), errors);
    }

    private WebhookRejectedException(ProblemType problemType, String detail, Map<String, String> responseHeaders,
                                     List<Problem.Error> errors) {
        super(detail, null, false, false);
        this.problemType = problemType;
        this.responseHeaders = Map.copyOf(responseHeaders);
        this.errors = List.copyOf(errors);
    }

    public ProblemType problemType() {
        return problemType;
    }

    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    /** Errors inside the body (for {@link ProblemType#PAYLOAD_INVALID}); empty otherwise. */
    public List<Problem.Error> errors() {
        return errors;
    }
}
