package io.werken.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.werken.core.Ports;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import io.werken.metrics.RecentRefusals;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook port's Vert.x server: Camel's platform-http server, but listening with Werken's connection limits.
 * <p>
 * Camel 4.17 creates its HTTP server with Vert.x's default {@link HttpServerOptions} and exposes none of them (no
 * request-line or header-size limit, no idle timeout), and Vert.x answers a request it cannot parse (414, 431, 400)
 * with an empty body before any router handler runs. This server keeps Camel's router set-up and replaces only the
 * listening step: the limits come from {@code WERKEN_MAX_REQUEST_LINE_BYTES}, {@code WERKEN_MAX_HEADER_BYTES} and
 * {@code WERKEN_HTTP_IDLE_TIMEOUT_SECONDS}, and such requests get a problem body too. Every connection gets a
 * {@link ConnectionGuard} from {@link ConnectionGuards} before anything is read from it. Such refusals are kept among
 * the {@link RecentRefusals}, as the edge's others are.
 */
public final class WebhookHttpServer extends VertxPlatformHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(WebhookHttpServer.class);

    private final VertxPlatformHttpServerConfiguration configuration;
    private final Limits limits;
    private final ObjectMapper json;
    private final ConnectionGuards guards;
    private final RecentRefusals refusals;
    private volatile HttpServer listening;

    /** Connection-level limits of the webhook port. */
    public record Limits(int maxRequestLineBytes, int maxHeaderBytes, int idleTimeoutSeconds) {}

    public WebhookHttpServer(
            VertxPlatformHttpServerConfiguration configuration,
            Limits limits,
            ObjectMapper json,
            ConnectionGuards guards,
            RecentRefusals refusals) {
        super(configuration);
        this.configuration = configuration;
        this.limits = limits;
        this.json = json;
        this.guards = guards;
        this.refusals = refusals;
    }

    @Override
    protected void initializeServer() {
        super.initializeServer();
        // Problem pages go on the router before the server listens, so that no request ever sees Vert.x's own.
        HttpErrorPages pages = getCamelContext().getRegistry().findSingleByType(HttpErrorPages.class);
        if (pages != null) {
            pages.install(getCamelContext(), router());
        }
    }

    private VertxPlatformHttpRouter router() {
        return VertxPlatformHttpRouter.lookup(
                getCamelContext(), VertxPlatformHttpRouter.getRouterNameFromPort(configuration.getBindPort()));
    }

    @Override
    protected void startServer() throws Exception {
        HttpServerOptions options = new HttpServerOptions()
                // HTTP/1.1 only: an h2c upgrade would take the request past the HTTP/1 line and header limits.
                .setHttp2ClearTextEnabled(false)
                .setMaxInitialLineLength(limits.maxRequestLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setIdleTimeout(limits.idleTimeoutSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS);
        HttpServer server = getVertx()
                .createHttpServer(options)
                // Each connection gets its guard (connection and body limits, request deadline, strict framing).
                .connectionHandler(connection -> guards.guard(connection, options))
                .invalidRequestHandler(this::answerInvalidRequest)
                .requestHandler(router());
        try {
            listening = server.listen(configuration.getBindPort(), configuration.getBindHost())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (Ports.isBindFailure(e)) {
                // Taken since Werken checked it: the same one-line refusal as the check's.
                throw Ports.inUse("WERKEN_HTTP_PORT", configuration.getBindHost(), configuration.getBindPort(), null);
            }
            throw e;
        }
        LOG.debug(
                "Webhook HTTP server listening on {}:{} (request line <= {} bytes, headers <= {} bytes, idle timeout {} s, "
                        + "connections <= {}, request bodies in flight <= {} bytes, each request in full within {} s)",
                configuration.getBindHost(),
                listening.actualPort(),
                limits.maxRequestLineBytes(),
                limits.maxHeaderBytes(),
                limits.idleTimeoutSeconds(),
                guards.maxConnections(),
                guards.bodies().budget(),
                guards.requestTimeoutSeconds());
    }

    @Override
    protected void stopServer() {
        HttpServer server = listening;
        listening = null;
        if (server == null) {
            return;
        }
        getCamelContext().removeComponent(PlatformHttpConstants.PLATFORM_HTTP_COMPONENT_NAME);
        try {
            server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            LOG.debug("Webhook HTTP server stopped");
        } catch (Exception e) {
            LOG.warn("Webhook HTTP server did not close cleanly: {}", e.getMessage());
        }
    }

    @Override
    protected void stopVertx() {
        // Camel's version needs the executor its own startServer() creates; this server never made one.
        if (getVertx() != null && lookupVertx() == null) {
            try {
                getVertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
            }
        }
    }

    @Override
    public int getPort() {
        HttpServer server = listening;
        return server != null ? server.actualPort() : configuration.getBindPort();
    }

    /** Vert.x could not decode the request line or headers: answer as Vert.x would, but with a problem body. */
    private void answerInvalidRequest(HttpServerRequest request) {
        DecoderResult result = request.decoderResult();
        Throwable cause = result == null ? null : result.cause();
        ProblemType type;
        String detail;
        if (cause instanceof TooLongHttpLineException) {
            type = ProblemType.URI_TOO_LONG;
            detail = "The request line (method, URI and version) is longer than the limit of "
                    + limits.maxRequestLineBytes() + " bytes.";
        } else if (cause instanceof TooLongHttpHeaderException) {
            type = ProblemType.HEADERS_TOO_LARGE;
            detail = "The request headers are larger than the limit of " + limits.maxHeaderBytes() + " bytes.";
        } else {
            type = ProblemType.MALFORMED_REQUEST;
            detail = "The request could not be read as HTTP.";
        }
        LOG.info(
                "Rejected request event_id=none status={} reason=\"{}\" remote={}",
                type.status(),
                detail,
                request.remoteAddress());
        refusals.record(null, type.status(), type.slug(), detail, VertxProblems.remote(request.remoteAddress()), null);
        Problem problem = Problem.of(type, detail, null);
        try {
            request.response()
                    .setStatusCode(type.status())
                    .putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .putHeader("Connection", "close")
                    .end(Buffer.buffer(json.writeValueAsBytes(problem)));
        } catch (JsonProcessingException | RuntimeException e) {
            request.connection().close();
        }
    }
}
