package io.werken.core;

import java.util.List;
import java.util.Map;

/**
 * A request answered with a problem (RFC 9457): a webhook refused because of the caller's request, where nothing is
 * published, or a management request refused or unavailable (a 4xx, or a 503 with {@code Retry-After} when the broker is
 * away). Carries the problem type, detail, response headers and errors that {@code ProblemResponder} answers with.
 */
public class ProblemException extends RuntimeException {

    private final ProblemType problemType;
    private final Map<String, String> responseHeaders;
    private final List<Problem.Error> errors;

    public ProblemException(ProblemType problemType, String detail) {
        this(problemType, detail, Map.of());
    }

    public ProblemException(ProblemType problemType, String detail, Map<String, String> responseHeaders) {
        this(problemType, detail, responseHeaders, List.of());
    }

    public ProblemException(ProblemType problemType, String detail, List<Problem.Error> errors) {
        this(problemType, detail, Map.of(), errors);
    }

    private ProblemException(
            ProblemType problemType, String detail, Map<String, String> responseHeaders, List<Problem.Error> errors) {
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
