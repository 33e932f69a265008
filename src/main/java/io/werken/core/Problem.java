package io.werken.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * An RFC 9457 problem detail, the body of every error Werken answers ({@code application/problem+json}).
 *
 * @param type     a URN naming the kind of problem, stable for clients to match on
 * @param title    short summary of the kind of problem
 * @param status   the HTTP status code
 * @param detail   what was wrong with this request
 * @param instance the request path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({ "type", "title", "status", "detail", "instance" })
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";

    private static final String TYPE_PREFIX = "urn:werken:problem:";

    public static Problem of(ProblemType type, String detail, String instance) {
        return new Problem(TYPE_PREFIX + type.slug(), type.title(), type.status(), detail, instance);
    }

    /** A problem with no Werken-specific type: RFC 9457's {@code about:blank}, titled with the status phrase. */
    public static Problem ofStatus(int status, String reasonPhrase, String detail, String instance) {
        return new Problem("about:blank", reasonPhrase, status, detail, instance);
    }
}
