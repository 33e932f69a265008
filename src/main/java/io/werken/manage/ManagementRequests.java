package io.werken.manage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.buffer.Buffer;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.ingest.WebhookRequestValidator;
import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.Workflow;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What the management endpoints share: the method check, the workflow of the path, whole-number query parameters,
 * and the JSON answer.
 */
final class ManagementRequests {

    /** Netty's own default: parameters beyond it are ignored, far more than any management resource takes. */
    private static final int MAX_PARAMETERS = 1024;

    private ManagementRequests() {}

    /**
     * The one method check of the management routes: a wrong method is a problem+json 405 with {@code Allow}, which the
     * management router's own 405 (empty, from a route's {@code httpMethodRestrict}) is not. Only a route whose path
     * overlaps another route's ({@code reload-workflows}, {@code show-workflow-revision}) restricts its method in YAML
     * instead, so that the other methods reach the route they belong to; its processor then checks nothing.
     */
    static void requireMethod(Message in, String method) {
        String actual = in.getHeader(Exchange.HTTP_METHOD, String.class);
        if (!method.equals(actual)) {
            throw new ProblemException(
                    ProblemType.METHOD_NOT_ALLOWED,
                    "This resource answers " + method + ", not " + actual + ".",
                    Map.of("Allow", method));
        }
    }

    static Workflow workflow(CurrentWorkflows workflows, Message in) {
        String workflowId = in.getHeader(WebhookRequestValidator.WORKFLOW_ID_HEADER, String.class);
        return workflows
                .find(workflowId)
                .orElseThrow(() -> new ProblemException(
                        ProblemType.UNKNOWN_WORKFLOW,
                        "There is no workflow '" + WebhookRequestValidator.abbreviate(workflowId) + "'."));
    }

    static void answer(Message message, ObjectMapper json, Object body) throws JsonProcessingException {
        message.removeHeaders("*");
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setBody(Buffer.buffer(json.writeValueAsBytes(body)));
    }

    /**
     * The query string's parameters, each at most once and each one of {@code known}; anything else is a 400. Read from
     * the raw query (decoded by Netty's {@link QueryStringDecoder}) rather than the headers platform-http makes of it, so
     * that a request header never stands in for one.
     */
    static Map<String, String> query(Message in, Set<String> known) {
        String raw = in.getHeader(Exchange.HTTP_QUERY, String.class);
        Map<String, String> parameters = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return parameters;
        }
        Map<String, List<String>> decoded;
        try {
            // Only the query (no path); ';' is an ordinary character, as for URLDecoder, not a second separator.
            decoded = new QueryStringDecoder(raw, StandardCharsets.UTF_8, false, MAX_PARAMETERS, true).parameters();
        } catch (IllegalArgumentException e) {
            throw invalidQuery("The query string is not valid percent-encoding.");
        }
        for (Map.Entry<String, List<String>> parameter : decoded.entrySet()) {
            String name = parameter.getKey();
            if (!known.contains(name)) {
                throw invalidQuery("Unknown query parameter '" + WebhookRequestValidator.abbreviate(name)
                        + "'; this resource takes "
                        + String.join(", ", known.stream().sorted().toList()) + ".");
            }
            if (parameter.getValue().size() > 1) {
                throw invalidQuery("Query parameter '" + name + "' is given more than once.");
            }
            parameters.put(name, parameter.getValue().get(0));
        }
        return parameters;
    }

    /** A whole-number query parameter between {@code min} and {@code max}, or empty if absent; otherwise a 400. */
    static OptionalLong wholeNumber(Map<String, String> query, String name, long min, long max) {
        String value = query.get(name);
        if (value == null) {
            return OptionalLong.empty();
        }
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            number = Long.MIN_VALUE;
        }
        if (number < min || number > max) {
            throw invalidQuery("Query parameter '" + name + "' must be a whole number from " + min + " to " + max
                    + ", not '" + WebhookRequestValidator.abbreviate(value) + "'.");
        }
        return OptionalLong.of(number);
    }

    static ProblemException invalidQuery(String detail) {
        return new ProblemException(ProblemType.INVALID_QUERY, detail);
    }
}
