package io.werken.ingest;

import io.werken.workflow.CurrentWorkflows;
import io.werken.workflow.WorkflowCatalog;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * The HTTP edge's header allowlist: a request header becomes a Camel header only if it is named here, and only the
 * response headers Werken sets itself go back out. Everything else, {@code Camel*} headers first of all, is dropped.
 * The allowlist follows the workflows in use: after a reload, the headers the new revision reads are let in.
 */
public final class WebhookHeaderFilterStrategy implements HeaderFilterStrategy {

    /** Response headers Werken writes. */
    private static final Set<String> RESPONSE_HEADERS = Set.of("content-type", "retry-after", "allow");

    /** The allowlist for one catalog. */
    private record Allowlist(WorkflowCatalog catalog, Set<String> names) {}

    private final Set<String> configuredHeaders;
    private final CurrentWorkflows workflows;
    private volatile Allowlist allowlist;

    /**
     * The allowlist Werken runs with: the configured headers, those the workflows' signature schemes read, those the
     * workflows list in {@code "headers"}, and the dedupe headers ({@code webhook-id}, {@code Idempotency-Key}).
     */
    public static WebhookHeaderFilterStrategy forWorkflows(Set<String> configuredHeaders, CurrentWorkflows workflows) {
        return new WebhookHeaderFilterStrategy(configuredHeaders, workflows);
    }

    /** Only {@code allowedRequestHeaders}, whatever the workflows read. */
    public WebhookHeaderFilterStrategy(Set<String> allowedRequestHeaders) {
        this(allowedRequestHeaders, null);
    }

    private WebhookHeaderFilterStrategy(Set<String> configuredHeaders, CurrentWorkflows workflows) {
        this.configuredHeaders = Set.copyOf(configuredHeaders);
        this.workflows = workflows;
        this.allowlist = new Allowlist(null, names(configuredHeaders, null));
    }

    /** Content-Type is always allowed: the 415 check needs it. */
    private static Set<String> names(Set<String> configured, WorkflowCatalog catalog) {
        Set<String> names = new HashSet<>(configured);
        if (catalog != null) {
            names.addAll(catalog.signatureHeaders());
            names.addAll(catalog.workflowHeaders());
            names.addAll(List.of(DedupeKeys.WEBHOOK_ID, DedupeKeys.IDEMPOTENCY_KEY));
        }
        return Stream.concat(names.stream(), Stream.of("Content-Type"))
                .map(h -> h.trim().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty() && !h.startsWith("camel"))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The allowlist of the workflows in use, worked out once per catalog. */
    private Set<String> allowedRequestHeaders() {
        if (workflows == null) {
            return allowlist.names();
        }
        WorkflowCatalog catalog = workflows.catalog();
        Allowlist current = allowlist;
        if (current.catalog() != catalog) {
            current = new Allowlist(catalog, names(configuredHeaders, catalog));
            allowlist = current;
        }
        return current.names();
    }

    /** Camel message to HTTP response: true filters the header out. */
    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return !RESPONSE_HEADERS.contains(headerName.toLowerCase(Locale.ROOT));
    }

    /**
     * HTTP request to Camel message: true filters the header out. platform-http runs query parameters through this
     * same filter, so an allowed name passes only with a value the request really carries as a header: a query
     * string cannot stand in for {@code Content-Type} (or, later, a signature header).
     */
    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        if (!allowedRequestHeaders().contains(headerName.toLowerCase(Locale.ROOT))) {
            return true;
        }
        if (exchange != null && exchange.getMessage() instanceof HttpMessage http && http.getRequest() != null) {
            return !http.getRequest().headers().getAll(headerName).contains(String.valueOf(headerValue));
        }
        return false;
    }
}
