package io.werken.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import io.werken.metrics.RecentRefusals;
import io.werken.metrics.WerkenMetrics;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge in front of the Camel routes, on the Vert.x router: problem bodies for the errors Vert.x answers
 * itself (an unknown path, a body over {@code WERKEN_MAX_BODY_BYTES}, a malformed request), and a guard that, before
 * Vert.x's body handler runs, answers 503 once Werken is shutting down, refuses more than
 * {@code WERKEN_MAX_HEADER_COUNT} headers (431), and refuses form and multipart bodies (it would write multipart parts
 * to disk). Every refusal is logged with {@code event_id=none} and the reason, and kept among the
 * {@link RecentRefusals}; a request whose client closed the connection first is counted as {@code aborted}, not as an
 * error (nor kept as a refusal).
 */
public final class HttpErrorPages {

    private static final Logger LOG = LoggerFactory.getLogger(HttpErrorPages.class);

    private static final Map<Integer, ProblemType> PAGES = Map.of(
            404, ProblemType.NOT_FOUND,
            405, ProblemType.METHOD_NOT_ALLOWED,
            413, ProblemType.BODY_TOO_LARGE,
            415, ProblemType.UNSUPPORTED_MEDIA_TYPE);

    private final ObjectMapper json;
    private final long maxBodyBytes;
    private final int maxHeaderCount;
    private final int retryAfterSeconds;
    private final WerkenMetrics metrics;
    private final RecentRefusals refusals;
    private volatile CamelContext context;

    public HttpErrorPages(
            ObjectMapper json,
            long maxBodyBytes,
            int maxHeaderCount,
            int retryAfterSeconds,
            WerkenMetrics metrics,
            RecentRefusals refusals) {
        this.metrics = metrics;
        this.refusals = refusals;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
        this.maxHeaderCount = maxHeaderCount;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Puts the guard first and the problem pages last on the webhook port's router; WebhookHttpServer calls it. */
    public void install(CamelContext context, Router router) {
        this.context = context;
        // First of all routes: during shutdown, too many headers and form bodies never reach the body handler.
        router.route().order(Integer.MIN_VALUE).handler(this::guard);
        // The webhook routes live on a sub-router, whose errorHandler()s Vert.x never consults: a last, catch-all
        // route answers unmatched paths, and its failure handler the requests that failed before or outside a route.
        router.route()
                .last()
                .handler(ctx -> {
                    LOG.info(
                            "Rejected request event_id=none status=404 reason=\"no such path\" path={}",
                            ctx.normalizedPath());
                    answer(ctx, ProblemType.NOT_FOUND.status(), notFound(ctx));
                })
                .failureHandler(this::answerFailure);
    }

    private void guard(RoutingContext ctx) {
        if (shuttingDown()) {
            // Intake stops first on SIGTERM: say so, rather than 404 for a route that is gone.
            LOG.info(
                    "Rejected request event_id=none status=503 reason=\"shutting down\" path={}", ctx.normalizedPath());
            refuseShuttingDown(ctx);
            return;
        }
        // A webhook that passed this check just before shutdown began can still meet a consumer Camel has suspended,
        // which answers a bare 503: every 503 from this port tells the sender when to retry.
        ctx.addHeadersEndHandler(ignored -> {
            if (ctx.response().getStatusCode() == 503
                    && !ctx.response().headers().contains("Retry-After")) {
                ctx.response().putHeader("Retry-After", Integer.toString(retryAfterSeconds));
            }
        });
        int headers = ctx.request().headers().size();
        if (headers > maxHeaderCount) {
            String detail = "The request has " + headers + " headers, more than the limit of " + maxHeaderCount + ".";
            LOG.info("Rejected request event_id=none status=431 reason=\"{}\" path={}", detail, ctx.normalizedPath());
            ctx.response().putHeader("Connection", "close");
            answer(ctx, ProblemType.HEADERS_TOO_LARGE, detail);
            return;
        }
        refuseFormBodies(ctx);
    }

    private void refuseFormBodies(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        String mediaType =
                contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (mediaType.startsWith("multipart/") || mediaType.equals("application/x-www-form-urlencoded")) {
            LOG.info("Rejected request event_id=none status=415 reason=\"form body\" path={}", ctx.normalizedPath());
            answer(ctx, 415, "Content-Type '" + mediaType + "' is not supported; send the body as application/json.");
        } else {
            ctx.next();
        }
    }

    private boolean shuttingDown() {
        CamelContext camel = context;
        return camel != null && (camel.isStopping() || camel.isStopped());
    }

    private void refuseShuttingDown(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        ctx.response()
                .putHeader("Retry-After", Integer.toString(retryAfterSeconds))
                .putHeader("Connection", "close");
        answer(
                ctx,
                ProblemType.SHUTTING_DOWN,
                // In the words ProblemResponder uses for a webhook the stop cut off inside its route.
                ProblemResponder.unavailableDetail("Werken is shutting down", "the webhook", retryAfterSeconds));
    }

    private void answerFailure(RoutingContext ctx) {
        if (connectionGone(ctx)) {
            return;
        }
        int status = ctx.statusCode();
        if (status >= 400 && status < 500) {
            String detail = switch (status) {
                case 413 -> "The request body is larger than the limit of " + maxBodyBytes + " bytes.";
                case 405 -> "Method " + ctx.request().method() + " is not allowed here.";
                case 404 -> notFound(ctx);
                default ->
                    "The request could not be read as HTTP: "
                            + HttpResponseStatus.valueOf(status).reasonPhrase() + ".";
            };
            LOG.info(
                    "Rejected request event_id=none status={} reason=\"{}\" method={} path={}",
                    status,
                    detail,
                    ctx.request().method(),
                    ctx.normalizedPath());
            answer(ctx, status, detail);
        } else if (shuttingDown()) {
            // Failed by the stop itself (its event loop or executors closing under the request): 503, not 500.
            LOG.info(
                    "Rejected request event_id=none status=503 reason=\"shutting down: {}\" path={}",
                    ctx.failure(),
                    ctx.normalizedPath());
            refuseShuttingDown(ctx);
        } else {
            LOG.error("Unhandled HTTP failure event_id=none status=500 path={}", ctx.normalizedPath(), ctx.failure());
            answer(ctx, 500, "Werken could not process the request.");
        }
    }

    /**
     * The request failed because its connection is gone: nobody is left to answer. A client that gave up (closed the
     * connection mid-body, or before its answer) counts as {@link WerkenMetrics#ABORTED}, without a stack trace;
     * a connection Werken closed itself ({@link ConnectionGuard}) was counted when it was refused.
     */
    private boolean connectionGone(RoutingContext ctx) {
        if (!ConnectionGuard.connectionGone(ctx)) {
            return false;
        }
        ConnectionGuard guard = ConnectionGuard.of(ctx.request().connection());
        if (guard != null && guard.closedByWerken()) {
            return true;
        }
        if (!ctx.response().headWritten()) {
            metrics.webhook(WerkenMetrics.NO_WORKFLOW, WerkenMetrics.ABORTED);
            LOG.info(
                    "Client closed the connection event_id=none reason=\"aborted before the answer\" method={} path={}",
                    ctx.request().method(),
                    ctx.normalizedPath());
        } else {
            LOG.debug(
                    "Client closed the connection event_id=none reason=\"aborted during the answer\" path={}",
                    ctx.normalizedPath());
        }
        return true;
    }

    private static String notFound(RoutingContext ctx) {
        return "Nothing is served at " + ctx.normalizedPath() + "; webhooks go to POST /webhook/{workflow_id}.";
    }

    private void answer(RoutingContext ctx, ProblemType type, String detail) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        metrics.webhook(WerkenMetrics.NO_WORKFLOW, type.slug());
        refused(ctx, type.status(), type.slug(), detail);
        VertxProblems.send(ctx, json, Problem.of(type, detail, ctx.normalizedPath()));
    }

    private void answer(RoutingContext ctx, int status, String detail) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        ProblemType type = status == 500 ? ProblemType.INTERNAL_ERROR : PAGES.get(status);
        Problem problem = type != null
                ? Problem.of(type, detail, ctx.normalizedPath())
                : Problem.ofStatus(
                        status, HttpResponseStatus.valueOf(status).reasonPhrase(), detail, ctx.normalizedPath());
        String outcome = type != null ? type.slug() : "status-" + status;
        metrics.webhook(WerkenMetrics.NO_WORKFLOW, outcome);
        refused(ctx, status, outcome, detail);
        VertxProblems.send(ctx, json, problem);
    }

    private void refused(RoutingContext ctx, int status, String type, String detail) {
        refusals.record(
                null, status, type, detail, VertxProblems.remote(ctx.request().remoteAddress()), ctx.normalizedPath());
    }
}
