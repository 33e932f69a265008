package io.werken.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /console/session}: {@code GET} says whether the browser is signed in and gives its session's CSRF token,
 * {@code POST {"token": "..."}} signs in with the admin token, {@code DELETE} signs out. Without an admin token the
 * loopback rule is the credential, and {@code GET} opens a session anyway, so that the page has a CSRF token for its
 * state-changing requests. The {@link ManagementAccessGuard} has let the request through already (and checked a
 * sign-out's CSRF token, and a sign-in's origin).
 * <p>
 * A Vert.x handler, not a management route: it sets the cookie the guard reads, and the guard's package may not import
 * the routes' processors.
 */
final class ConsoleSessionEndpoint implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSessionEndpoint.class);
    /** Room for {@code {"token": "..."}} with a long token. */
    static final int MAX_BODY_BYTES = 4096;

    private final ManagementAccessPolicy access;
    private final ConsoleSessions sessions;
    private final ObjectMapper json;

    ConsoleSessionEndpoint(ManagementAccessPolicy access, ConsoleSessions sessions, ObjectMapper json) {
        this.access = access;
        this.sessions = sessions;
        this.json = json;
    }

    @Override
    public void handle(RoutingContext ctx) {
        switch (ctx.request().method().name()) {
            case "GET", "HEAD" -> read(ctx);
            case "POST" -> signIn(ctx);
            case "DELETE" -> signOut(ctx);
            default -> {
                ctx.response().putHeader("Allow", "GET, POST, DELETE");
                problem(ctx, ProblemType.METHOD_NOT_ALLOWED, "The console's session answers GET, POST and DELETE.");
            }
        }
    }

    private void read(RoutingContext ctx) {
        ConsoleSessions.Session session = sessions.find(sessionCookie(ctx.request()));
        if (session == null && !access.tokenRequired()) {
            // The loopback rule let this client in: it needs a session only for the CSRF token.
            session = sessions.create();
            setCookie(ctx, session.id());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("signed_in", session != null);
        answer.put("token_required", access.tokenRequired());
        answer.put("csrf_token", session == null ? null : session.csrfToken());
        answer(ctx, 200, answer);
    }

    private void signIn(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        if (contentType == null
                || !contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim().equals("application/json")) {
            // Also keeps out HTML forms, which cannot send JSON as such.
            problem(
                    ctx,
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Sign in with Content-Type: application/json and " + "{\"token\": \"<WERKEN_ADMIN_TOKEN>\"}.");
            return;
        }
        JsonNode body;
        try {
            Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
            body = buffer == null || buffer.length() == 0 ? null : json.readTree(buffer.getBytes());
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            problem(
                    ctx,
                    ProblemType.INVALID_JSON,
                    "Sign in with a JSON object: {\"token\": \"<WERKEN_ADMIN_TOKEN>\"}.");
            return;
        }
        if (access.tokenRequired()) {
            JsonNode token = body.get("token");
            if (token == null || !token.isTextual() || !access.isAdminToken(token.asText())) {
                LOG.info(
                        "Refused console sign-in status=401 reason=\"{}\" remote={}",
                        ProblemType.ADMIN_TOKEN_REQUIRED.slug(),
                        remote(ctx));
                problem(
                        ctx,
                        ProblemType.ADMIN_TOKEN_REQUIRED,
                        "The token is not the admin token (WERKEN_ADMIN_TOKEN).");
                return;
            }
        }
        // A new id at each sign-in: a session id planted before it is worth nothing after.
        sessions.remove(sessionCookie(ctx.request()));
        ConsoleSessions.Session session = sessions.create();
        setCookie(ctx, session.id());
        LOG.info("Console sign-in remote={}", remote(ctx));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("csrf_token", session.csrfToken());
        answer(ctx, 200, answer);
    }

    private void signOut(RoutingContext ctx) {
        sessions.remove(sessionCookie(ctx.request()));
        ctx.response().putHeader("Set-Cookie", cookie("", ctx.request().isSSL()) + "; Max-Age=0");
        ctx.response().setStatusCode(204).end();
    }

    /** {@code werken_session=<id>; Path=/; HttpOnly; SameSite=Strict}, and {@code Secure} over TLS. */
    static String cookie(String value, boolean secure) {
        return ConsoleSessions.COOKIE + "=" + value + "; Path=/; HttpOnly; SameSite=Strict"
                + (secure ? "; Secure" : "");
    }

    private static void setCookie(RoutingContext ctx, String id) {
        ctx.response().putHeader("Set-Cookie", cookie(id, ctx.request().isSSL()));
    }

    static String sessionCookie(HttpServerRequest request) {
        Cookie cookie = request.getCookie(ConsoleSessions.COOKIE);
        return cookie == null ? null : cookie.getValue();
    }

    private void answer(RoutingContext ctx, int status, Map<String, Object> body) {
        try {
            ctx.response()
                    .setStatusCode(status)
                    .putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(json.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            problem(ctx, ProblemType.INTERNAL_ERROR, "The answer could not be written.");
        }
    }

    private void problem(RoutingContext ctx, ProblemType type, String detail) {
        VertxProblems.send(ctx, json, Problem.of(type, detail, ctx.normalizedPath()));
    }

    private static String remote(RoutingContext ctx) {
        SocketAddress address = ctx.request().remoteAddress();
        return address == null ? null : address.hostAddress();
    }
}
