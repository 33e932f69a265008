package io.werken.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error Werken answers ({@code application/problem+json}).
 *
 * @param type     a URN naming the kind of problem, stable for clients to match on
 * @param title    short summary of the kind of problem
 * @param status   the HTTP status code
 * @param detail   what was wrong with this request
 * @param instance the request path
 * @param errors   for {@code payload-invalid}: each place the body fails its schema (an extension member)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "title", "status", "detail", "instance", "errors"})
public record Problem(String type, String title, int status, String detail, String instance, List<Error> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_PREFIX = "urn:werken:problem:";

    /** One error inside the request body: a JSON Pointer into it, and what is wrong there. */
    public record Error(String pointer, String message) {}

    public Problem(String type, String title, int status, String detail, String instance) {
        this(type, title, status, detail, instance, null);
    }

    public static Problem of(ProblemType type, String detail, String instance) {
        return new Problem(TYPE_PREFIX + type.slug(), type.title(), type.status(), detail, instance);
    }

    public static Problem of(ProblemType type, String detail, String instance, List<Error> errors) {
        return new Problem(
                TYPE_PREFIX + type.slug(),
                type.title(),
                type.status(),
                detail,
                instance,
                errors == null || errors.isEmpty() ? null : List.copyOf(errors));
    }

    /** A problem with no Werken-specific type: RFC 9457's {@code about:blank}, titled with the status phrase. */
    public static Problem ofStatus(int status, String reasonPhrase, String detail, String instance) {
        return new Problem("about:blank", reasonPhrase, status, detail, instance);
    }
}
