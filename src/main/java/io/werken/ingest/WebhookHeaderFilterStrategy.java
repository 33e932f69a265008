package io.werken.ingest;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.werken.workflow.WorkflowCatalog;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * The HTTP edge's header allowlist: a request header becomes a Camel header only if it is named here, and only the
 * response headers Werken sets itself go back out. Everything else, {@code Camel*} headers first of all, is dropped.
 */
public final class WebhookHeaderFilterStrategy implements HeaderFilterStrategy {

    /** Response headers Werken writes. */
    private static final Set<String> RESPONSE_HEADERS = Set.of("content-type", "retry-after", "allow");

    private final Set<String> allowedRequestHeaders;

    /**
     * The allowlist Werken runs with: the configured headers, those the workflows' signature schemes read, those the
     * workflows list in {@code "headers"}, and the dedupe headers ({@code webhook-id}, {@code Idempotency-Key}).
     */
    public static WebhookHeaderFilterStrategy forWorkflows(Set<String> configuredHeaders, WorkflowCatalog catalog) {
        Set<String> names = new HashSet<>(configuredHeaders);
        names.addAll(catalog.signatureHeaders());
        names.addAll(catalog.workflowHeaders());
        names.addAll(List.of(DedupeKeys.WEBHOOK_ID, DedupeKeys.IDEMPOTENCY_KEY));
        return new WebhookHeaderFilterStrategy(names);
    }

    /** Content-Type is always allowed: the 415 check needs it. */
    public WebhookHeaderFilterStrategy(Set<String> allowedRequestHeaders) {
        this.allowedRequestHeaders = Stream.concat(allowedRequestHeaders.stream(), Stream.of("Content-Type"))
                .map(h -> h.trim().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty() && !h.startsWith("camel"))
                .collect(Collectors.toUnmodifiableSet());
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
        if (!allowedRequestHeaders.contains(headerName.toLowerCase(Locale.ROOT))) {
            return true;
        }
        if (exchange != null && exchange.getMessage() instanceof HttpMessage http && http.getRequest() != null) {
            return !http.getRequest().headers().getAll(headerName).contains(String.valueOf(headerValue));
        }
        return false;
    }
}
