package io.werken.core;

/** Every kind of error Werken answers over HTTP, with its status; the README lists them for callers. */
public enum ProblemType {
    INVALID_JSON("invalid-json", "Request body is not valid JSON", 400),
    INVALID_QUERY("invalid-query", "Query parameter not valid", 400),
    ADMIN_TOKEN_REQUIRED("admin-token-required", "The management port needs the admin token", 401),
    LOOPBACK_ONLY("loopback-only", "The management port answers only local clients", 403),
    CSRF_TOKEN_INVALID("csrf-token-invalid", "The request's CSRF token or origin is not this console's", 403),
    SIGNATURE_MISSING("signature-missing", "Webhook signature missing", 401),
    SIGNATURE_MALFORMED("signature-malformed", "Webhook signature malformed", 401),
    TIMESTAMP_OUT_OF_TOLERANCE("timestamp-out-of-tolerance", "Webhook timestamp outside the tolerance", 401),
    SIGNATURE_MISMATCH("signature-mismatch", "Webhook signature does not match", 401),
    UNKNOWN_WORKFLOW("unknown-workflow", "No such workflow", 404),
    NOT_FOUND("not-found", "No such resource", 404),
    MALFORMED_REQUEST("malformed-request", "Request is not valid HTTP", 400),
    JOURNAL_OFF("journal-off", "The event journal is off", 404),
    METHOD_NOT_ALLOWED("method-not-allowed", "Method not allowed", 405),
    REPLAY_REFUSED("replay-refused", "The replay cannot be made as asked", 409),
    REQUEST_TIMEOUT("request-timeout", "Request not received in time", 408),
    DELIVERY_IN_PROGRESS("delivery-in-progress", "The same delivery is still being accepted", 409),
    BODY_TOO_LARGE("body-too-large", "Request body too large", 413),
    URI_TOO_LONG("uri-too-long", "Request line too long", 414),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", "Content type not supported", 415),
    PAYLOAD_INVALID("payload-invalid", "Webhook body does not match the workflow's payload schema", 422),
    WORKFLOWS_INVALID("workflows-invalid", "Workflows file not reloaded: it is not valid", 422),
    DRAFT_INVALID("draft-invalid", "The workflow draft is not valid", 422),
    HEADERS_TOO_LARGE("headers-too-large", "Request headers too large", 431),
    BROKER_UNAVAILABLE("broker-unavailable", "Webhook not accepted: broker unavailable", 503),
    DEDUPE_STORE_UNAVAILABLE("dedupe-store-unavailable", "Webhook not accepted: dedupe store unavailable", 503),
    RELOAD_FAILED("reload-failed", "Workflows file not reloaded: Werken could not get ready for it", 503),
    DEAD_LETTERS_UNAVAILABLE("dead-letters-unavailable", "Dead letters unavailable: the broker could not be used", 503),
    QUEUES_UNAVAILABLE("queues-unavailable", "Queues unavailable: the broker could not be used", 503),
    JOURNAL_UNAVAILABLE("journal-unavailable", "Event journal unavailable: its database could not be used", 503),
    OVERLOADED("overloaded", "Request not accepted: Werken is at one of its capacity limits", 503),
    SHUTTING_DOWN("shutting-down", "Webhook not accepted: Werken is shutting down", 503),
    INTERNAL_ERROR("internal-error", "Internal error", 500);

    private final String slug;
    private final String title;
    private final int status;

    ProblemType(String slug, String title, int status) {
        this.slug = slug;
        this.title = title;
        this.status = status;
    }

    public String slug() {
        return slug;
    }

    public String title() {
        return title;
    }

    public int status() {
        return status;
    }
}
