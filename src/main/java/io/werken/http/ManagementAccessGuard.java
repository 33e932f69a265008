package io.werken.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import io.werken.http.ManagementAccessPolicy.Browser;
import io.werken.http.ManagementAccessPolicy.Decision;
import io.werken.http.ManagementAccessPolicy.Probe;
import io.werken.http.ManagementAccessPolicy.Request;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port's first Vert.x handler: reads each request into a {@link ManagementAccessPolicy.Request} (the
 * TCP peer, never {@code X-Forwarded-For}), and carries out the {@link ManagementAccessPolicy}'s decision: lets it
 * through, refuses it with a problem (401 with {@code WWW-Authenticate: Bearer}, or 403), or answers health's status
 * alone. Runs first on the management port's router ({@link ManagementServerFactory}; only the connection's limits and
 * the console's response headers come before it), before Vert.x's body handler, Jolokia, the console and the
 * platform-http routes.
 */
public final class ManagementAccessGuard implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementAccessGuard.class);
    private static final String CHALLENGE = "Bearer realm=\"werken-management\"";

    /** Whether Werken is up, as Camel's health endpoint for {@code probe} would say (may block: called off the loop). */
    @FunctionalInterface
    public interface HealthStatus {
        boolean up(Probe probe);
    }

    private final ManagementAccessPolicy policy;
    private final HealthStatus health;
    private final ObjectMapper json;

    /** @param health the status the guard answers itself to callers who may see no more */
    public ManagementAccessGuard(ManagementAccessPolicy policy, HealthStatus health, ObjectMapper json) {
        this.policy = policy;
        this.health = health;
        this.json = json;
    }

    @Override
    public void handle(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        String path = ctx.normalizedPath();
        HttpServerRequest request = ctx.request();
        Cookie cookie = request.getCookie(ConsoleSessions.COOKIE);
        Decision decision = policy.decide(new Request(
                request.method().name(),
                path,
                host,
                request.getHeader("Authorization"),
                new Browser(host(request), request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site")),
                cookie == null ? null : cookie.getValue(),
                request.getHeader(ManagementAccessPolicy.CSRF_HEADER)));
        switch (decision) {
            case ALLOW -> ctx.next();
            case STATUS_ONLY -> answerStatus(ctx, policy.probe(path));
            case TOKEN_MISSING ->
                refuse(
                        ctx,
                        ProblemType.ADMIN_TOKEN_REQUIRED,
                        CHALLENGE,
                        host,
                        "The management port needs the admin token: send Authorization: Bearer <WERKEN_ADMIN_TOKEN>.");
            case TOKEN_WRONG ->
                refuse(
                        ctx,
                        ProblemType.ADMIN_TOKEN_REQUIRED,
                        CHALLENGE + ", error=\"invalid_token\"",
                        host,
                        "The bearer token is not the admin token (WERKEN_ADMIN_TOKEN).");
            case NOT_LOOPBACK ->
                refuse(
                        ctx,
                        ProblemType.LOOPBACK_ONLY,
                        null,
                        host,
                        "No admin token is configured, so the management port answers only clients on this machine; set "
                                + "WERKEN_ADMIN_TOKEN to let others in with it.");
            case CROSS_SITE ->
                refuse(
                        ctx,
                        ProblemType.LOOPBACK_ONLY,
                        null,
                        host,
                        "No admin token is configured, so the management port answers only clients on this machine, and "
                                + "not web pages of other sites or requests for another host name; set WERKEN_ADMIN_TOKEN to use "
                                + "it from a browser.");
            case CSRF_INVALID ->
                refuse(
                        ctx,
                        ProblemType.CSRF_TOKEN_INVALID,
                        null,
                        host,
                        "A state-changing request that carries the console's session cookie, or that a browser sends, needs"
                                + " header " + ManagementAccessPolicy.CSRF_HEADER + " with its session's token (GET "
                                + ConsoleHandler.SESSION_PATH
                                + " gives it), and comes from this port's own origin only.");
        }
    }

    /**
     * The host and port the request was sent to: its {@code Host} header, or in HTTP/2 (which a client may upgrade to
     * on this port, h2c) its {@code :authority}, which Vert.x does not list among the headers.
     */
    static String host(HttpServerRequest request) {
        String host = request.getHeader("Host");
        if (host != null) {
            return host;
        }
        HostAndPort authority = request.authority();
        if (authority == null || authority.host() == null) {
            return null;
        }
        String name = authority.host();
        if (name.indexOf(':') >= 0 && !name.startsWith("[")) {
            name = "[" + name + "]";
        }
        return authority.port() >= 0 ? name + ":" + authority.port() : name;
    }

    /**
     * Camel's health answer with nothing but the status: the query (exposureLevel, data, stackTrace) is not read. The
     * checks may block (the broker's opens a connection), so they run on a worker thread as Camel's endpoint runs them.
     */
    private void answerStatus(RoutingContext ctx, Probe probe) {
        if (ctx.request().method() != HttpMethod.GET) {
            // Camel's health endpoint answers GET only: the router says so (405 or 404), with no details to give.
            ctx.next();
            return;
        }
        Callable<Boolean> status = () -> health.up(probe);
        ctx.vertx().executeBlocking(status, false).onComplete(up -> {
            boolean isUp = up.succeeded() && Boolean.TRUE.equals(up.result());
            // Camel's own layout of exposureLevel=oneline, so that probes and scripts read the same either way.
            ctx.response()
                    .setStatusCode(isUp ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .end(isUp ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        });
    }

    private void refuse(RoutingContext ctx, ProblemType type, String challenge, String host, String detail) {
        LOG.info(
                "Refused management request status={} reason=\"{}\" method={} path={} remote={}",
                type.status(),
                type.slug(),
                ctx.request().method(),
                ctx.normalizedPath(),
                host);
        if (challenge != null) {
            ctx.response().putHeader("WWW-Authenticate", challenge);
        }
        VertxProblems.send(ctx, json, Problem.of(type, detail, ctx.normalizedPath()));
    }
}
