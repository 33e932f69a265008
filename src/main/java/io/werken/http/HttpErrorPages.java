package io.werken.http;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Problem bodies for the errors Vert.x answers before a request reaches a Camel route: an unknown path (404), a body
 * over {@code WERKEN_MAX_BODY_BYTES} (413), and the like. Without these the caller would get Vert.x's plain text.
 */
public final class HttpErrorPages implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpErrorPages.class);

    private static final Map<Integer, ProblemType> PAGES = Map.of(
            404, ProblemType.NOT_FOUND,
            405, ProblemType.METHOD_NOT_ALLOWED,
            413, ProblemType.BODY_TOO_LARGE,
            415, ProblemType.UNSUPPORTED_MEDIA_TYPE,
            500, ProblemType.INTERNAL_ERROR);

    private final ObjectMapper json;
    private final int port;
    private final long maxBodyBytes;

    public HttpErrorPages(ObjectMapper json, int port, long maxBodyBytes) {
        this.json = json;
        this.port = port;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        Router router = VertxPlatformHttpRouter.lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(port));
        if (router == null) {
            LOG.warn("No platform-http router on port {}: Vert.x's own error pages stay in place", port);
            return;
        }
        // The webhook routes live on a sub-router, whose errorHandler()s Vert.x never consults: a last, catch-all
        // route answers unmatched paths, and its failure handler the requests that failed (e.g. 413 from the body limit).
        router.route().last()
                .handler(ctx -> answer(ctx, ProblemType.NOT_FOUND))
                .failureHandler(ctx -> answer(ctx, PAGES.getOrDefault(ctx.statusCode(), ProblemType.INTERNAL_ERROR)));
    }

    private void answer(RoutingContext ctx, ProblemType type) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        String detail = switch (type) {
            case NOT_FOUND -> "Nothing is served at " + ctx.normalizedPath() + "; webhooks go to POST /webhook/{workflow_id}.";
            case BODY_TOO_LARGE -> "The request body is larger than the limit of " + maxBodyBytes + " bytes.";
            case METHOD_NOT_ALLOWED -> "Method " + ctx.request().method() + " is not allowed here.";
            case UNSUPPORTED_MEDIA_TYPE -> "Send the body as application/json.";
            default -> "Werken could not process the request.";
        };
        if (type == ProblemType.INTERNAL_ERROR && ctx.failure() != null) {
            LOG.error("Unhandled HTTP failure on {}", ctx.normalizedPath(), ctx.failure());
        }
        try {
            byte[] body = json.writeValueAsBytes(Problem.of(type, detail, ctx.normalizedPath()));
            ctx.response().setStatusCode(type.status())
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(Buffer.buffer(body));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(type.status()).end();
        }
    }
}
