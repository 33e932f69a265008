package io.werken.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.werken.core.Problem;
import io.werken.core.ProblemType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may use the management port: every path but the open ones ({@code /observe/metrics} and what lies under it)
 * needs {@code Authorization: Bearer <WERKEN_ADMIN_TOKEN>} when a token is set, and is answered only to clients on the
 * loopback interface when none is. Deny by default, so that {@code /workflows...}, {@code /dead-letters...},
 * {@code /observe/jolokia} and any endpoint added later are covered without a list to keep.
 * <p>
 * Health ({@code /observe/health} and Camel's {@code /live} and {@code /ready} under it) answers everyone, for
 * orchestrators' probes, but only with its status (UP 200, DOWN 503) to callers who may not use the rest: its details
 * ({@code ?exposureLevel=full&data=true}) name the broker, the workflows file and, after an invalid reload, secret
 * variables. The guard answers those callers itself, whatever they ask for, and lets the others through to Camel's
 * health endpoint.
 * <p>
 * {@code Authorization: Basic} with the token as the password (any user name) counts too: it is how Hawtio's Connect
 * sends credentials to a Jolokia agent. Only Bearer is offered in {@code WWW-Authenticate}, so that a browser never
 * prompts for the token and then sends it by itself with requests that other web pages make (cross-site requests).
 * <p>
 * Without a token, a loopback client may still be a browser on this machine running another site's page: requests
 * that a browser marks as coming from another site ({@code Sec-Fetch-Site} cross-site or same-site, an
 * {@code Origin} that is not this machine), or that name a {@code Host} other than this machine (DNS rebinding), are
 * refused too. curl, scripts and Hawtio's proxy send none of these.
 * <p>
 * The client is the TCP peer: {@code X-Forwarded-For} and the like are never read, because anyone can send them.
 * Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, which takes the same time whatever the
 * token and leaks neither its bytes nor its length. Runs as the first handler of the management port's router
 * ({@link ManagementServerFactory}), before Vert.x's body handler, Jolokia and the platform-http routes.
 */
public final class ManagementAccessGuard implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementAccessGuard.class);
    /** Dotted-quad IPv4, or IPv6 (a colon cannot appear in a host name): InetAddress parses these without a lookup. */
    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final String CHALLENGE = "Bearer realm=\"werken-management\"";

    /** What the guard does with a request. */
    public enum Decision {
        /** Let it through. */
        ALLOW,
        /** A token is set and the request carries none: 401. */
        TOKEN_MISSING,
        /** A token is set and the request carries another: 401. */
        TOKEN_WRONG,
        /** No token is set and the client is not on the loopback interface: 403 (no credential would help). */
        NOT_LOOPBACK,
        /** No token is set and the request comes from a web page of another site, or names another host: 403. */
        CROSS_SITE,
        /** Health, from a caller who may not use the rest: its status alone, answered by the guard. */
        STATUS_ONLY
    }

    /** Which of Camel's health endpoints: all checks, liveness or readiness. */
    public enum Probe {
        ALL, LIVENESS, READINESS
    }

    /** Whether Werken is up, as Camel's health endpoint for {@code probe} would say (may block: called off the loop). */
    @FunctionalInterface
    public interface HealthStatus {
        boolean up(Probe probe);
    }

    /** What the browser says about where a request comes from (all null for a non-browser client). */
    public record Browser(String host, String origin, String fetchSite) {

        static final Browser NONE = new Browser(null, null, null);
    }

    private final byte[] tokenDigest;
    private final String healthPath;
    private final List<String> openPaths;
    private final HealthStatus health;
    private final ObjectMapper json;

    /**
     * @param adminToken the token, or null or blank for none (loopback clients only)
     * @param healthPath Camel's health endpoint: its status (and its liveness and readiness probes') answered to anyone
     * @param openPaths  paths answered in full to anyone, with everything under them
     * @param health     the status the guard answers itself to callers who may see no more
     */
    public ManagementAccessGuard(String adminToken, String healthPath, List<String> openPaths, HealthStatus health,
                                 ObjectMapper json) {
        this.tokenDigest = adminToken == null || adminToken.isBlank() ? null : sha256(adminToken.trim());
        this.healthPath = healthPath;
        this.openPaths = List.copyOf(openPaths);
        this.health = health;
        this.json = json;
    }

    /** Whether a token is configured (for the startup log line). */
    public boolean tokenRequired() {
        return tokenDigest != null;
    }

    /** The decision for a request to {@code path} (normalized) from {@code remoteHost} (an IP literal, or null). */
    public Decision decide(String path, String remoteHost, String authorization) {
        return decide(path, remoteHost, authorization, Browser.NONE);
    }

    /** As above, with the request's {@code Host}, {@code Origin} and {@code Sec-Fetch-Site} headers. */
    public Decision decide(String path, String remoteHost, String authorization, Browser browser) {
        if (isOpen(path)) {
            return Decision.ALLOW;
        }
        Decision access = access(remoteHost, authorization, browser);
        return access != Decision.ALLOW && probe(path) != null ? Decision.STATUS_ONLY : access;
    }

    /** Whether the caller may use the guarded endpoints, and if not why. */
    private Decision access(String remoteHost, String authorization, Browser browser) {
        if (tokenDigest == null) {
            if (!isLoopback(remoteHost)) {
                return Decision.NOT_LOOPBACK;
            }
            return fromThisMachine(browser) ? Decision.ALLOW : Decision.CROSS_SITE;
        }
        String presented = presentedToken(authorization);
        if (presented == null) {
            return Decision.TOKEN_MISSING;
        }
        return MessageDigest.isEqual(tokenDigest, sha256(presented)) ? Decision.ALLOW : Decision.TOKEN_WRONG;
    }

    @Override
    public void handle(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        String path = ctx.normalizedPath();
        Decision decision = decide(path, host, ctx.request().getHeader("Authorization"), new Browser(
                ctx.request().getHeader("Host"), ctx.request().getHeader("Origin"), ctx.request().getHeader("Sec-Fetch-Site")));
        switch (decision) {
            case ALLOW -> ctx.next();
            case STATUS_ONLY -> answerStatus(ctx, probe(path));
            case TOKEN_MISSING -> refuse(ctx, ProblemType.ADMIN_TOKEN_REQUIRED, CHALLENGE, host,
                    "The management port needs the admin token: send Authorization: Bearer <WERKEN_ADMIN_TOKEN>.");
            case TOKEN_WRONG -> refuse(ctx, ProblemType.ADMIN_TOKEN_REQUIRED, CHALLENGE + ", error=\"invalid_token\"", host,
                    "The bearer token is not the admin token (WERKEN_ADMIN_TOKEN).");
            case NOT_LOOPBACK -> refuse(ctx, ProblemType.LOOPBACK_ONLY, null, host,
                    "No admin token is configured, so the management port answers only clients on this machine; set "
                    + "WERKEN_ADMIN_TOKEN to let others in with it.");
            case CROSS_SITE -> refuse(ctx, ProblemType.LOOPBACK_ONLY, null, host,
                    "No admin token is configured, so the management port answers only clients on this machine, and "
                    + "not web pages of other sites or requests for another host name; set WERKEN_ADMIN_TOKEN to use "
                    + "it from a browser.");
        }
    }

    /**
     * The health endpoint {@code path} names (with or without a trailing slash), or null: only these three answer
     * status alone, so a path Camel may add under health later stays guarded.
     */
    Probe probe(String path) {
        if (path == null || !path.startsWith(healthPath)) {
            return null;
        }
        String rest = path.substring(healthPath.length());
        return switch (rest) {
            case "", "/" -> Probe.ALL;
            case "/live", "/live/" -> Probe.LIVENESS;
            case "/ready", "/ready/" -> Probe.READINESS;
            default -> null;
        };
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
            ctx.response().setStatusCode(isUp ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .end(isUp ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}");
        });
    }

    /** No sign of a page from elsewhere: no Host but this machine, no foreign Origin, no cross-site fetch. */
    static boolean fromThisMachine(Browser browser) {
        if (browser.host() != null && !isLocalName(hostOf(browser.host()))) {
            return false;
        }
        if (browser.origin() != null) {
            int scheme = browser.origin().indexOf("://");
            if (scheme < 0 || !isLocalName(hostOf(browser.origin().substring(scheme + 3)))) {
                return false;
            }
        }
        String site = browser.fetchSite() == null ? null : browser.fetchSite().trim().toLowerCase(Locale.ROOT);
        return site == null || site.equals("same-origin") || site.equals("none");
    }

    /** The host of {@code host[:port]} or {@code [v6]:port}. */
    private static String hostOf(String authority) {
        String value = authority.trim();
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            return end < 0 ? value : value.substring(1, end);
        }
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    private static boolean isLocalName(String host) {
        return host.equalsIgnoreCase("localhost") || isLoopback(host);
    }

    private boolean isOpen(String path) {
        if (path == null) {
            return false;
        }
        for (String open : openPaths) {
            if (path.equals(open) || path.startsWith(open.endsWith("/") ? open : open + "/")) {
                return true;
            }
        }
        return false;
    }

    /** True only for an IP literal on the loopback interface: never a name lookup, never a forwarded header. */
    static boolean isLoopback(String remoteHost) {
        if (remoteHost == null || !IP_LITERAL.matcher(remoteHost).matches()) {
            return false;
        }
        try {
            return InetAddress.getByName(remoteHost).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The token in {@code Bearer <token>}, or the password in {@code Basic base64(user:token)}; null if none. */
    private static String presentedToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0) {
            return null;
        }
        // RFC 7235: the scheme is case-insensitive.
        String scheme = value.substring(0, space).toLowerCase(Locale.ROOT);
        String credentials = value.substring(space + 1).trim();
        String token = switch (scheme) {
            case "bearer" -> credentials;
            case "basic" -> basicPassword(credentials);
            default -> null;
        };
        return token == null || token.isEmpty() ? null : token;
    }

    private static String basicPassword(String credentials) {
        try {
            String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : decoded.substring(colon + 1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private void refuse(RoutingContext ctx, ProblemType type, String challenge, String host, String detail) {
        LOG.info("Refused management request status={} reason=\"{}\" method={} path={} remote={}", type.status(),
                type.slug(), ctx.request().method(), ctx.normalizedPath(), host);
        if (challenge != null) {
            ctx.response().putHeader("WWW-Authenticate", challenge);
        }
        VertxProblems.send(ctx, json, Problem.of(type, detail, ctx.normalizedPath()));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
