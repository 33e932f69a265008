package io.werken.core;

import java.util.Map;

/** A webhook refused because of the caller's request; carries the problem to answer with and nothing is published. */
public class WebhookRejectedException extends RuntimeException {

    private final ProblemType problemType;
    private final Map<String, String> responseHeaders;

    public WebhookRejectedException(ProblemType problemType, String detail) {
        this(problemType, detail, Map.of());
    }

    public WebhookRejectedException(ProblemType problemType, String detail, Map<String, String> responseHeaders) {
        super(detail, null, false, false);
        this.problemType = problemType;
        this.responseHeaders = Map.copyOf(responseHeaders);
    }

    public ProblemType problemType() {
        return problemType;
    }

    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }
}
