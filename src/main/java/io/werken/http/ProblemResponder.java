package io.werken.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.werken.broker.PublishFailedException;
import io.werken.core.ExchangeProperties;
import io.werken.core.LogContext;
import io.werken.core.Problem;
import io.werken.core.ProblemException;
import io.werken.core.ProblemType;
import io.werken.core.ReceivedWebhook;
import io.werken.dedupe.DedupeStoreUnavailableException;
import io.werken.metrics.RecentRefusals;
import io.werken.metrics.WerkenMetrics;
import io.werken.workflow.Workflow;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.AmqpException;

/**
 * Turns the exception that stopped a webhook into the caller's answer: an RFC 9457 problem with the right status.
 * The caller's mistakes are 4xx, a broker that cannot confirm is 503 with {@code Retry-After}, and anything else is a
 * 500 whose detail says what failed (the webhook or the management request) and hides the internals (they go to the
 * log). A webhook's refusal (a route in the {@link #WEBHOOK_GROUP} group) is counted in the metrics and kept among the
 * {@link RecentRefusals}.
 */
public final class ProblemResponder implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemResponder.class);

    /**
     * The route group ({@code group:} in a route's YAML) whose answers are webhooks': they are counted in the metrics
     * and kept among the recent refusals. The management routes share this responder and are in no such group.
     */
    public static final String WEBHOOK_GROUP = "webhooks";

    private final ObjectMapper json;
    private final int retryAfterSeconds;
    private final WerkenMetrics metrics;
    private final RecentRefusals refusals;

    public ProblemResponder(ObjectMapper json, int retryAfterSeconds, WerkenMetrics metrics, RecentRefusals refusals) {
        this.json = json;
        this.retryAfterSeconds = retryAfterSeconds;
        this.metrics = metrics;
        this.refusals = refusals;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Message message = exchange.getMessage();
        String path = exchange.getIn().getHeader(Exchange.HTTP_PATH, String.class);
        boolean webhook = isWebhook(exchange);
        String subject = webhook ? "the webhook" : isManagement(exchange) ? "the management request" : "the request";

        ProblemType type;
        Problem problem;
        Map<String, String> headers = Map.of();
        if (cause instanceof ProblemException rejected) {
            type = rejected.problemType();
            problem = Problem.of(type, rejected.getMessage(), path, rejected.errors());
            headers = rejected.responseHeaders();
            LOG.info(
                    "Rejected {} event_id=none status={} reason=\"{}\" path={}",
                    webhook ? "webhook" : "request",
                    problem.status(),
                    problem.detail(),
                    path);
        } else if (cause instanceof PublishFailedException || cause instanceof AmqpException) {
            type = ProblemType.BROKER_UNAVAILABLE;
            problem = unavailable(
                    type,
                    webhook ? "The broker did not confirm the webhook" : "The broker could not be reached",
                    "broker unavailable",
                    subject,
                    cause,
                    exchange,
                    path);
            headers = retryAfter();
        } else if (cause instanceof DedupeStoreUnavailableException) {
            type = ProblemType.DEDUPE_STORE_UNAVAILABLE;
            problem = unavailable(
                    type,
                    "The dedupe store could not be reached",
                    "dedupe store unavailable",
                    subject,
                    cause,
                    exchange,
                    path);
            headers = retryAfter();
        } else if (exchange.getContext().isStopping() || exchange.getContext().isStopped()) {
            // A request already in a route when SIGTERM came, failed by what the stop closed (a thread pool, a
            // publisher): not Werken's fault nor the sender's, and not accepted. Say so, with when to retry.
            type = ProblemType.SHUTTING_DOWN;
            problem = unavailable(type, "Werken is shutting down", "shutting down", subject, cause, exchange, path);
            headers = retryAfter();
        } else {
            type = ProblemType.INTERNAL_ERROR;
            problem = Problem.of(
                    type,
                    webhook
                            ? "Werken could not process the webhook; it was not accepted."
                            : "Werken could not process " + subject + " (route " + exchange.getFromRouteId()
                                    + "); the cause is in Werken's log.",
                    path);
            LOG.error(
                    "{} failed route={} event_id={} status=500 path={}",
                    webhook ? "Webhook" : "Request",
                    exchange.getFromRouteId(),
                    eventId(exchange),
                    path,
                    cause);
        }

        if (webhook) {
            Workflow workflow = exchange.getProperty(ExchangeProperties.WORKFLOW, Workflow.class);
            metrics.webhook(workflow == null ? WerkenMetrics.NO_WORKFLOW : workflow.id(), type.slug());
            refusals.record(
                    workflow == null ? null : workflow.id(),
                    problem.status(),
                    type.slug(),
                    problem.detail(),
                    remote(exchange),
                    path);
        }
        message.removeHeaders("*");
        headers.forEach(message::setHeader);
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, problem.status());
        message.setHeader(Exchange.CONTENT_TYPE, Problem.MEDIA_TYPE);
        // A Vert.x Buffer is written as it is; platform-http streams a byte[] through an InputStream pump instead.
        message.setBody(Buffer.buffer(json.writeValueAsBytes(problem)));
        // The answer is the last step of a refused webhook: this worker thread is done with it (LogContext).
        LogContext.clear();
    }

    /** A 503: nothing was accepted, and the log line says why, with the event id the webhook would have had. */
    private Problem unavailable(
            ProblemType type,
            String what,
            String reason,
            String subject,
            Throwable cause,
            Exchange exchange,
            String path) {
        LOG.warn(
                "{} not accepted event_id={} status=503 reason=\"{}: {}\" path={}",
                webhook(subject) ? "Webhook" : "Request",
                eventId(exchange),
                reason,
                cause.getMessage(),
                path);
        return Problem.of(type, unavailableDetail(what, subject, retryAfterSeconds), path);
    }

    /** A 503's detail: "WHAT, so the webhook was not accepted; retry after N seconds." (HttpErrorPages says it too). */
    static String unavailableDetail(String what, String subject, int retryAfterSeconds) {
        return what + ", so " + subject + (webhook(subject) ? " was not accepted" : " was not carried out")
                + "; retry after " + retryAfterSeconds + " seconds.";
    }

    private static boolean webhook(String subject) {
        return "the webhook".equals(subject);
    }

    /** Whether the exchange came from a route of the {@link #WEBHOOK_GROUP} group (the webhook port's intake). */
    static boolean isWebhook(Exchange exchange) {
        String routeId = exchange.getFromRouteId();
        Route route = routeId == null ? null : exchange.getContext().getRoute(routeId);
        return route != null && WEBHOOK_GROUP.equals(route.getGroup());
    }

    /** Whether the exchange came in on the management port ({@link ManagementHttpComponent}'s endpoints). */
    private static boolean isManagement(Exchange exchange) {
        Endpoint from = exchange.getFromEndpoint();
        return from != null && from.getEndpointUri().startsWith(ManagementHttpComponent.NAME + ":");
    }

    private Map<String, String> retryAfter() {
        return Map.of("Retry-After", Integer.toString(retryAfterSeconds));
    }

    /** The address the webhook came from, or null where the message is not platform-http's. */
    private static String remote(Exchange exchange) {
        return exchange.getIn() instanceof HttpMessage http && http.getRequest() != null
                ? VertxProblems.remote(http.getRequest().remoteAddress())
                : null;
    }

    /** The id the event would have had, or why there is none (it failed before an event was created). */
    private static String eventId(Exchange exchange) {
        Object event = exchange.getProperty(ExchangeProperties.EVENT);
        return event instanceof ReceivedWebhook received ? received.eventId() : "none";
    }
}
